import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GzipCorruptError, IdxMagicError, IdxTruncatedError } from '../errors';
import { readIdxFile, readIdxFileHeader } from './read-idx-file';
import { writeIdxFile } from './write-idx-file';

let dir: string;
const dims = [10, 28, 28];
// Varied bytes so gzip cannot shrink the file to a few bytes.
const data = Uint8Array.from({ length: 10 * 28 * 28 }, (_, i) => (i * 2654435761) >>> 24);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oqat-idx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readIdxFile', () => {
  it.each([true, false])('round-trips through a file (gzip: %s)', async (gzip) => {
    const file = join(dir, `round-${gzip}.idx${gzip ? '.gz' : ''}`);
    await writeIdxFile(file, dims, data, { gzip });
    const bytes = await readFile(file);
    expect(bytes[0] === 0x1f && bytes[1] === 0x8b).toBe(gzip);
    const read = await readIdxFile(file);
    expect(read.dims).toEqual(dims);
    expect(Buffer.from(read.data).equals(Buffer.from(data))).toBe(true);
    expect(await readIdxFileHeader(file)).toEqual({ dims, compressed: gzip });
  });

  it('detects gzip by magic bytes, not by name', async () => {
    const file = join(dir, 'no-suffix');
    await writeIdxFile(file, dims, data, { gzip: true });
    expect((await readIdxFile(file)).dims).toEqual(dims);
  });

  it.each([true, false])('reports a truncated file by name (gzip: %s)', async (gzip) => {
    const whole = join(dir, `whole-${gzip}`);
    await writeIdxFile(whole, dims, data, { gzip });
    const bytes = await readFile(whole);
    const cut = join(dir, `cut-${gzip}.idx`);
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await expect(readIdxFile(cut)).rejects.toThrow(IdxTruncatedError);
    await expect(readIdxFile(cut)).rejects.toThrow(cut);
    await expect(readIdxFileHeader(cut)).rejects.toThrow(IdxTruncatedError);
  });

  it('reports wrong magic and corrupt gzip by name', async () => {
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'hello, this is not an IDX file');
    await expect(readIdxFile(text)).rejects.toThrow(IdxMagicError);
    await expect(readIdxFile(text)).rejects.toThrow(`readIdx: ${text} has magic 0x68656c6c`);
    await expect(readIdxFileHeader(text)).rejects.toThrow(IdxMagicError);
    const bad = join(dir, 'bad.gz');
    await writeFile(bad, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0]));
    await expect(readIdxFile(bad)).rejects.toThrow(GzipCorruptError);
    await expect(readIdxFile(bad)).rejects.toThrow(bad);
  });
});
