import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DownloadHttpError, DownloadVerificationError, NetworkUnreachableError } from '../errors';
import { fetchFashionMnist, type FetchProgress } from './fetch-fashion-mnist';
import { FASHION_MNIST_FILE_NAMES } from './fashion-mnist-files';
import { SUBSET_DATASET_DIR } from './resolve-fashion-mnist';

// A local stand-in for the official host, serving the shipped subset's files.
// Routes: /ok/<file>, /missing/<file> (404), /silent/<file> (never answers).
let server: Server;
let baseUrl: string;
let root: string;
const files = new Map<string, Buffer>();
const sums: Record<string, string> = {};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oqat-fetch-'));
  for (const base of FASHION_MNIST_FILE_NAMES) {
    const bytes = await readFile(join(SUBSET_DATASET_DIR, `${base}.gz`));
    files.set(`${base}.gz`, bytes);
    sums[`${base}.gz`] = createHash('md5').update(bytes).digest('hex');
  }
  server = createServer((request, response) => {
    const [, route, name] = (request.url ?? '').split('/');
    const body = files.get(name ?? '');
    if (route === 'silent') return; // holds the connection open without a byte
    if (route !== 'ok' || !body) return void response.writeHead(404, 'Not Found').end();
    response.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  await rm(root, { recursive: true, force: true });
});

describe('fetchFashionMnist', () => {
  it('gives one clear line when the official host is unreachable', async () => {
    const attempt = fetchFashionMnist(join(root, 'offline'), { idleTimeoutMs: 3000 });
    await expect(attempt).rejects.toThrow(NetworkUnreachableError);
    await expect(fetchFashionMnist(join(root, 'offline'), { idleTimeoutMs: 3000 })).rejects.toThrow(
      /^fetchFashionMnist: cannot reach http:\/\/fashion-mnist\.s3-website\.eu-central-1\.amazonaws\.com\/train-images-idx3-ubyte\.gz \(.+\); connect to the internet, or copy the 4 IDX files into a folder and set OQAT_DATA to it$/,
    );
  }, 30_000); // a hang guard (two attempts, 3 s idle timeout each), not a speed bound

  it('downloads, verifies, stores, reports progress and skips valid copies', async () => {
    const dir = join(root, 'ok');
    const events: FetchProgress[] = [];
    const location = await fetchFashionMnist(dir, { baseUrl: `${baseUrl}/ok/`, checksums: sums, onProgress: (p) => events.push(p) });
    expect(location.kind).toBe('fetched');
    expect(location.files.train.images).toBe(join(dir, 'train-images-idx3-ubyte.gz'));
    for (const [name, bytes] of files) expect((await stat(join(dir, name))).size).toBe(bytes.length);
    expect(events.filter((e) => e.state === 'verified').map((e) => e.file)).toEqual([...files.keys()]);
    const last = events.filter((e) => e.state === 'downloading').at(-1)!;
    expect(last.receivedBytes).toBe(last.totalBytes);

    const again: FetchProgress[] = [];
    await fetchFashionMnist(dir, { baseUrl: `${baseUrl}/missing`, checksums: sums, onProgress: (p) => again.push(p) });
    expect(again.map((e) => e.state)).toEqual(['present', 'present', 'present', 'present']);
  });

  it('rejects a file whose checksum differs, and HTTP errors', async () => {
    const wrong = { ...sums, 'train-images-idx3-ubyte.gz': '0'.repeat(32) };
    await expect(fetchFashionMnist(join(root, 'sum'), { baseUrl: `${baseUrl}/ok`, checksums: wrong })).rejects.toThrow(
      DownloadVerificationError,
    );
    await expect(fetchFashionMnist(join(root, 'sum'), { baseUrl: `${baseUrl}/ok`, checksums: wrong })).rejects.toThrow(
      /train-images-idx3-ubyte\.gz failed verification \(MD5 [0-9a-f]{32}, expected 0{32}\)/,
    );
    await expect(fetchFashionMnist(join(root, '404'), { baseUrl: `${baseUrl}/missing`, checksums: sums })).rejects.toThrow(
      DownloadHttpError,
    );
  });

  it('gives up on a host that accepts the connection but never answers', async () => {
    const attempt = fetchFashionMnist(join(root, 'silent'), { baseUrl: `${baseUrl}/silent`, idleTimeoutMs: 300 });
    await expect(attempt).rejects.toThrow(/cannot reach .*silent.* \(no data for 300 ms\)/);
  });
});
