import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DownloadHttpError, DownloadVerificationError, NetworkUnreachableError } from '../errors';
import { parseIdx } from '../idx/parse-idx';
import { FASHION_MNIST_BASE_URL, FASHION_MNIST_FILE_NAMES, FASHION_MNIST_MD5 } from './fashion-mnist-files';
import { resolveFashionMnist, type DatasetLocation } from './resolve-fashion-mnist';

export interface FetchProgress {
  /** File name being fetched, e.g. 'train-images-idx3-ubyte.gz'. */
  readonly file: string;
  readonly fileIndex: number;
  readonly fileCount: number;
  readonly receivedBytes: number;
  /** From Content-Length; undefined when the server does not send it. */
  readonly totalBytes: number | undefined;
  /** 'downloading' while bytes arrive, 'verified' once stored, 'present' when a valid copy was already there. */
  readonly state: 'downloading' | 'verified' | 'present';
}

export interface FetchOptions {
  readonly onProgress?: (progress: FetchProgress) => void;
  /** Default: the official host, FASHION_MNIST_BASE_URL. */
  readonly baseUrl?: string;
  /** Give up when no byte arrives for this long; default 30 s. */
  readonly idleTimeoutMs?: number;
  /** Expected MD5 per .gz file name; default: the official sums. A mirror with other bytes passes its own. */
  readonly checksums?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

/** Why a fetch failed to connect, in a few words: the errno of undici's cause, or the abort reason. */
function describeNetworkFailure(error: unknown, idleTimeoutMs: number, idle: AbortSignal): string {
  if (idle.aborted) return `no data for ${idleTimeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

async function download(url: string, idleTimeoutMs: number, signal: AbortSignal | undefined, report: (received: number, total: number | undefined) => void): Promise<Uint8Array> {
  const idle = new AbortController();
  let timer = setTimeout(() => idle.abort(), idleTimeoutMs);
  const combined = signal ? AbortSignal.any([idle.signal, signal]) : idle.signal;
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: combined });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new NetworkUnreachableError(url, describeNetworkFailure(error, idleTimeoutMs, idle.signal));
    }
    if (!response.ok || !response.body) throw new DownloadHttpError(url, response.status, response.statusText);
    const length = Number(response.headers.get('content-length'));
    const total = Number.isFinite(length) && length > 0 ? length : undefined;
    const chunks: Uint8Array[] = [];
    let received = 0;
    try {
      for await (const chunk of response.body) {
        // The timeout is on silence, not on the whole transfer: 26 MB on a slow link is fine.
        clearTimeout(timer);
        timer = setTimeout(() => idle.abort(), idleTimeoutMs);
        chunks.push(chunk);
        received += chunk.length;
        report(received, total);
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new NetworkUnreachableError(url, `transfer stopped after ${received} bytes: ${describeNetworkFailure(error, idleTimeoutMs, idle.signal)}`);
    }
    return Buffer.concat(chunks);
  } finally {
    clearTimeout(timer);
  }
}

/** Checks a downloaded .gz: checksum when one is known, then that it decompresses to a whole IDX file of the right rank. */
function verify(name: string, bytes: Uint8Array, checksums: Readonly<Record<string, string>>): readonly number[] {
  const expected = checksums[name];
  if (expected && md5(bytes) !== expected) {
    throw new DownloadVerificationError(name, `MD5 ${md5(bytes)}, expected ${expected}`);
  }
  let dims: readonly number[];
  try {
    dims = parseIdx(gunzipSync(bytes), name).dims;
  } catch (error) {
    throw new DownloadVerificationError(name, error instanceof Error ? error.message : String(error));
  }
  const wantRank = name.includes('images') ? 3 : 1;
  if (dims.length !== wantRank || (wantRank === 3 && (dims[1] !== 28 || dims[2] !== 28))) {
    throw new DownloadVerificationError(name, `shape [${dims.join(', ')}], expected ${wantRank === 3 ? '[N, 28, 28]' : '[N]'}`);
  }
  return dims;
}

async function readIfPresent(file: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(file);
  } catch {
    return undefined;
  }
}

/**
 * Downloads the 4 Fashion-MNIST files into `dir` (created if needed), verifies
 * each (MD5, IDX format, image/label counts agree) and only then stores it, via
 * a temporary name so a broken transfer never leaves a file that looks valid.
 * Files already present and valid are kept. Where the host cannot be reached it
 * throws NetworkUnreachableError, one line with the fix.
 */
export async function fetchFashionMnist(dir: string, options: FetchOptions = {}): Promise<DatasetLocation> {
  const baseUrl = (options.baseUrl ?? FASHION_MNIST_BASE_URL).replace(/\/+$/, '');
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const checksums = options.checksums ?? FASHION_MNIST_MD5;
  const names = FASHION_MNIST_FILE_NAMES.map((base) => `${base}.gz`);
  const counts = new Map<string, number>();
  await mkdir(dir, { recursive: true });
  for (const [fileIndex, name] of names.entries()) {
    const target = join(dir, name);
    const progress = (receivedBytes: number, totalBytes: number | undefined, state: FetchProgress['state']) =>
      options.onProgress?.({ file: name, fileIndex, fileCount: names.length, receivedBytes, totalBytes, state });
    const existing = await readIfPresent(target);
    if (existing) {
      try {
        counts.set(name, verify(name, existing, checksums)[0]!);
        progress(existing.length, existing.length, 'present');
        continue;
      } catch {
        // A damaged earlier copy: download it again.
      }
    }
    const bytes = await download(`${baseUrl}/${name}`, idleTimeoutMs, options.signal, (r, t) => progress(r, t, 'downloading'));
    counts.set(name, verify(name, bytes, checksums)[0]!);
    await writeFile(`${target}.part`, bytes);
    await rename(`${target}.part`, target);
    progress(bytes.length, bytes.length, 'verified');
  }
  for (let i = 0; i < names.length; i += 2) {
    if (counts.get(names[i]!) !== counts.get(names[i + 1]!)) {
      throw new DownloadVerificationError(
        names[i]!,
        `${counts.get(names[i]!)} images but ${names[i + 1]} has ${counts.get(names[i + 1]!)} labels`,
      );
    }
  }
  return { ...resolveFashionMnist({ env: { OQAT_DATA: dir } }), kind: 'fetched' };
}
