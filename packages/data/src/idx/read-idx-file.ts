import { open, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { constants, gunzip, gunzipSync } from 'node:zlib';
import { GzipCorruptError, IdxTruncatedError } from '../errors';
import { idxDataBytes, parseIdx, parseIdxHeader, type IdxArray } from './parse-idx';

const gunzipAsync = promisify(gunzip);

/** gzip streams start with 1f 8b; IDX files start with 00 00, so the two never collide. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function gunzipFile(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  try {
    return await gunzipAsync(bytes);
  } catch (error) {
    const code = (error as { code?: string }).code;
    // zlib reports a stream cut short as Z_BUF_ERROR ("unexpected end of file").
    if (code === 'Z_BUF_ERROR') throw new IdxTruncatedError(file, 'the gzip stream ends early');
    throw new GzipCorruptError(file, (error as Error).message);
  }
}

/** Reads an IDX ubyte file, raw or gzip-compressed (told apart by the first two bytes). */
export async function readIdxFile(file: string): Promise<IdxArray> {
  const bytes = await readFile(file);
  return parseIdx(isGzip(bytes) ? await gunzipFile(bytes, file) : bytes, file);
}

export interface IdxFileHeader {
  readonly dims: readonly number[];
  readonly compressed: boolean;
}

/** Enough compressed bytes to hold the header of any IDX file (the header is at most 20 bytes). */
const HEADER_PROBE_BYTES = 4096;

/**
 * Reads only the dimensions of an IDX file and checks that the file is long
 * enough for them, without decompressing the data: for gzip the uncompressed
 * length comes from the stream's trailer (ISIZE, length mod 2^32), which a
 * truncated download does not preserve. Used where a full read is too slow
 * (describing a 26 MB dataset).
 */
export async function readIdxFileHeader(file: string): Promise<IdxFileHeader> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const probe = new Uint8Array(Math.min(size, HEADER_PROBE_BYTES));
    await handle.read(probe, 0, probe.length, 0);
    const compressed = isGzip(probe);
    let head: Uint8Array = probe;
    let totalBytes = size;
    if (compressed) {
      if (size < 18) throw new IdxTruncatedError(file, `${size} bytes is shorter than a gzip header and trailer`);
      // Z_SYNC_FLUSH lets zlib return what a partial stream decodes to instead of failing.
      try {
        head = gunzipSync(probe, { finishFlush: constants.Z_SYNC_FLUSH });
      } catch (error) {
        throw new GzipCorruptError(file, (error as Error).message.split('\n')[0]!);
      }
      const trailer = new Uint8Array(4);
      await handle.read(trailer, 0, 4, size - 4);
      totalBytes = new DataView(trailer.buffer).getUint32(0, true);
    }
    const { dims, headerBytes } = parseIdxHeader(head, file);
    const expected = (headerBytes + idxDataBytes(dims)) % 0x1_0000_0000;
    const enough = compressed ? totalBytes === expected : totalBytes >= expected;
    if (!enough) {
      throw new IdxTruncatedError(
        file,
        `header [${dims.join(', ')}] needs ${expected} bytes, the ${compressed ? 'gzip stream holds' : 'file has'} ${totalBytes}`,
      );
    }
    return { dims, compressed };
  } finally {
    await handle.close();
  }
}
