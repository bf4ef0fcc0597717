import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDirs } from '../../test/temp-dir.ts';
import { readTar, TarFormatError, TarWriter } from './ustar.ts';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

async function writeTar(path: string, entries: Array<[string, Buffer]>): Promise<string> {
  const tar = new TarWriter();
  let digest = '';
  async function* bytes(): AsyncGenerator<Buffer> {
    for (const [name, body] of entries) yield* tar.buffer(name, body);
    digest = tar.digestSoFar();
    yield* tar.end();
  }
  await pipeline(bytes(), createWriteStream(path));
  return digest;
}

async function readAll(bytes: Buffer): Promise<Array<{ name: string; body: Buffer; digestBefore: string }>> {
  const out = [];
  for await (const e of readTar((async function* () { yield bytes; })())) {
    const parts: Buffer[] = [];
    for await (const c of e.body) parts.push(c);
    out.push({ name: e.name, body: Buffer.concat(parts), digestBefore: e.digestBefore });
  }
  return out;
}

const error = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe('ustar', () => {
  const entries: Array<[string, Buffer]> = [
    ['a.json', Buffer.from('{"x":1}\n')],
    ['files/000001', Buffer.from(Array.from({ length: 1_500 }, (_, i) => i % 251))],
    ['empty', Buffer.alloc(0)],
    ['files/000002', Buffer.alloc(512, 7)],
  ];

  it('reads back what it wrote, byte for byte, with the digest of every byte before each entry', async () => {
    const path = join(await dirs.make(), 'x.tar');
    const digest = await writeTar(path, entries);
    const bytes = await readFile(path);
    expect(bytes.length % 512).toBe(0);
    const back = await readAll(bytes);
    expect(back.map((e) => [e.name, e.body])).toEqual(entries);
    expect(back[0]!.digestBefore).toBe(createHash('sha256').digest('hex'));
    // the archive without its two end blocks is what the writer digested
    expect(createHash('sha256').update(bytes.subarray(0, bytes.length - 1024)).digest('hex')).toBe(digest);
  });

  it.runIf(spawnSync('tar', ['--version']).status === 0)('writes what tar reads', async () => {
    const dir = await dirs.make();
    await writeTar(join(dir, 'x.tar'), entries);
    const listed = spawnSync('tar', ['tf', join(dir, 'x.tar')], { encoding: 'utf8' });
    expect(listed.stdout.trim().split('\n')).toEqual(entries.map(([n]) => n));
    expect(spawnSync('tar', ['xf', 'x.tar'], { cwd: dir }).status).toBe(0);
    expect(await readFile(join(dir, 'files/000001'))).toEqual(entries[1]![1]);
  });

  it('refuses a cut archive, a damaged header, trailing bytes and a file that is not a tar', async () => {
    const path = join(await dirs.make(), 'x.tar');
    await writeTar(path, entries);
    const bytes = await readFile(path);
    for (const cut of [bytes.length - 512, bytes.length - 1024, 1_000, 512 + 300, 100]) {
      expect(await error(readAll(bytes.subarray(0, cut)))).toBeInstanceOf(TarFormatError);
    }
    const header = Buffer.from(bytes);
    header[10] ^= 1;
    expect(String(await error(readAll(header)))).toMatch(/header of entry 1 fails its checksum/);
    expect(String(await error(readAll(Buffer.concat([bytes, Buffer.from('x')]))))).toMatch(/bytes follow/);
    await writeFile(path, 'just text, not an archive\n'.repeat(40));
    expect(await error(readAll(await readFile(path)))).toBeInstanceOf(TarFormatError);
    // zero padding after the end (what tar adds to fill a record) is fine
    expect(await readAll(Buffer.concat([bytes, Buffer.alloc(4096)]))).toHaveLength(entries.length);
  });
});
