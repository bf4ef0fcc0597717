import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@oqat/core';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../errors';
import { readCheckpointFile } from './checkpoint-file';
import { craftCheckpoint, validCheckpointParts } from './crafted-checkpoint.fixture';
import { readSupernetCheckpoint } from './supernet-checkpoint';

// Crafted checkpoints whose checksum is valid but whose header is not: each
// is refused with one CheckpointError line before any byte is read through
// it; none reaches a TypeError or loads the wrong bytes. The fixed cases are
// the defects seen; the seeded ones mutate one header field at random.

const dir = mkdtempSync(join(tmpdir(), 'oqat-ckpt-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { header: validHeader, data: validData } = validCheckpointParts();

/** A checkpoint file with this header (any JSON) and data, its checksum and end marker right. */
const craft = (header: unknown, data: Uint8Array = validData, headerText = JSON.stringify(header)) => craftCheckpoint(headerText, data);

const clone = () => structuredClone(validHeader) as unknown as Record<string, any>;
const path = join(dir, 'crafted.ckpt');

/** What reading the crafted bytes gives: the file, or the error (which must be a one-line CheckpointError). */
function read(bytes: Buffer): { ok: true; file: ReturnType<typeof readSupernetCheckpoint> } | { ok: false; message: string } {
  try {
    return { ok: true, file: readSupernetCheckpoint(path, bytes) };
  } catch (err) {
    expect(err, String((err as Error)?.stack)).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).not.toContain('\n');
    return { ok: false, message: (err as Error).message };
  }
}

function refused(bytes: Buffer, message: RegExp): void {
  const r = read(bytes);
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.message).toMatch(message);
}

describe('checkpoint header, field by field', () => {
  it('the valid file reads, its tensors the bytes written', () => {
    const r = read(craft(validHeader));
    expect(r.ok).toBe(true);
    if (r.ok) expect([...r.file.tensors.get('width4/b')!.values]).toEqual([7, 8]);
  });

  it.each<[string, (h: Record<string, any>) => void, RegExp]>([
    ['a negative offset (it loaded the header bytes before the data)', (h) => (h.tensors[1].offset = -8), /tensor "width4\/b" offset -8, expected 0\.\.24 for its 8 bytes/],
    ['an offset past the data', (h) => (h.tensors[1].offset = 32), /offset 32, expected 0\.\.24/],
    ['a fractional offset', (h) => (h.tensors[0].offset = 0.5), /offset 0\.5/],
    ['an offset as a string', (h) => (h.tensors[0].offset = '0'), /offset "0"/],
    ['overlapping tensors', (h) => (h.tensors[1].offset = 20), /tensors "a" and "width4\/b" share bytes/],
    ['a shape larger than the data', (h) => (h.tensors[0].shape = [1000, 1000]), /shape \[1000, 1000\], larger than its 32-byte data section/],
    ['a negative dimension', (h) => (h.tensors[0].shape = [-2, -3]), /shape \[-2,-3\], expected at most 8 non-negative integers/],
    ['a shape that is not a list', (h) => (h.tensors[0].shape = 6), /shape 6/],
    ['a shape of huge rank', (h) => (h.tensors[0].shape = Array(20).fill(1)), /expected at most 8/],
    ['a dimension that overflows', (h) => (h.tensors[0].shape = [2 ** 26, 2 ** 26]), /larger than its 32-byte data section/],
    ['a tensor named twice', (h) => (h.tensors[1].name = 'a'), /names tensor "a" twice/],
    ['a tensor without a name', (h) => delete h.tensors[0].name, /tensor 0 named missing/],
    ['a tensor that is null', (h) => (h.tensors[0] = null), /tensor 0 as null, expected an object/],
    ['tensors not a list', (h) => (h.tensors = { a: 1 }), /has tensors \{"a":1\}, expected a list/],
    ['dataBytes negative', (h) => (h.dataBytes = -1), /dataBytes -1/],
    ['dataBytes missing', (h) => delete h.dataBytes, /dataBytes missing/],
    ['no meta', (h) => delete h.meta, /has no meta/],
    ['a meta of another kind', (h) => (h.meta = { kind: 'x' }), /is not a supernet training checkpoint/],
    ['meta null', (h) => (h.meta = null), /is not a supernet training checkpoint/],
    ['config null', (h) => (h.meta.config = null), /its header's config must be an object, got null/],
    ['no phases', (h) => (h.meta.config.phases = []), /config\.phases must be an array of at least 1/],
    ['a phase of 9 bits', (h) => (h.meta.config.phases[0].bits = 9), /config\.phases\[0\]\.bits must be one of 2, 3, 4, 5, 6, 7, 8, 32, got 9/],
    ['an unknown task', (h) => (h.meta.config.task = 'detection'), /config\.task must be one of classification, segmentation/],
    ['a position past the phases', (h) => (h.meta.position.phaseIndex = 5), /position\.phaseIndex must be an integer in 0\.\.2, got 5/],
    ['a step after the last phase', (h) => (h.meta.position = { phaseIndex: 2, phaseStep: 1, globalStep: 1 }), /position\.phaseStep must be an integer in 0\.\.0, got 1/],
    ['position null', (h) => (h.meta.position = null), /position must be an object/],
    ['kept widths not a list', (h) => (h.meta.keptWidths = '4'), /keptWidths must be an array/],
    ['a kept width of 0 bits', (h) => (h.meta.keptWidths = [0]), /keptWidths\[0\] must be one of/],
    ['a space that is not one', (h) => (h.meta.space = { name: 'x' }), /its header's space is not a search space \(/],
  ])('refuses %s with one line', (_what, mutate, message) => {
    const h = clone();
    mutate(h);
    refused(craft(h), message);
  });

  it.each([
    ['a header that is null', 'null', /its header is null, not an object/],
    ['a header that is a list', '[1,2]', /its header is \[1,2\], not an object/],
    ['a header that is not JSON', '{"meta":', /its header is not valid JSON/],
  ])('refuses %s', (_what, text, message) => {
    refused(craft(undefined, validData, text), message);
  });

  it('a tensor of a width the header does not keep; a name with a line break stays on one line', () => {
    const h = clone();
    h.tensors[1].name = 'width9/b';
    refused(craft(h), /holds tensor "width9\/b" of a width its header does not list/);
    const twice = clone();
    twice.tensors[0].name = 'x\ny';
    twice.tensors[1].name = 'x\ny';
    refused(craft(twice), /names tensor "x\\ny" twice/);
  });

  it('seeded mutations of one field: each read either refuses in one line or loads only bytes of the data section', () => {
    const hostile: unknown[] = [null, -1, -4, 0.5, 1e300, 2 ** 53, '', 'x', [], [-1], {}, { a: 1 }, true, 'a'.repeat(300)];
    const rng = createRng(15);
    let refusedCount = 0;
    for (let i = 0; i < 400; i++) {
      const h = clone();
      // walk to a random field of the header and replace (or delete) it
      let node: any = h;
      let key: string | number = rng.pick(Object.keys(node));
      while (typeof node[key] === 'object' && node[key] !== null && rng.bool(0.7) && Object.keys(node[key]).length > 0) {
        node = node[key];
        key = rng.pick(Object.keys(node));
      }
      if (rng.bool(0.1)) delete node[key];
      else node[key] = rng.pick(hostile);
      const r = read(craft(h));
      if (!r.ok) {
        refusedCount++;
        continue;
      }
      // what loads is what was written, wherever the header points
      for (const [name, t] of r.file.tensors) {
        const e = (h.tensors as Array<{ name: string; offset: number }>).find((x) => x.name === name)!;
        const expected = new Float32Array(validData.buffer.slice(validData.byteOffset + e.offset, validData.byteOffset + e.offset + t.values.byteLength));
        expect(t.values).toEqual(expected);
      }
    }
    expect(refusedCount).toBeGreaterThan(100);
  });

  it('the generic reader refuses a bad tensor table whatever the meta', () => {
    const h = clone();
    h.meta = { anything: true };
    h.tensors[0].offset = -4;
    expect(() => readCheckpointFile(path, craft(h))).toThrow(CheckpointError);
  });
});
