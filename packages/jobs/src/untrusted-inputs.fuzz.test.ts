import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OqatError, createRng } from '@oqat/core';
import { describeSupernetCheckpoint } from '@oqat/search';
import { craftCheckpoint, validCheckpointParts } from '@oqat/search/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioService, type Studio } from './index';
import { validateRunConfig } from './run-config';
import { DEFAULT_RUN_CONFIG } from './run-defaults';

// What callers of the service send (the CLI's --config file, HTTP and IPC
// bodies): run configs of any JSON shape and crafted checkpoints. Each bad
// one is refused with one OqatError line before a run exists, and the store
// file is byte for byte what it was when the suite ends.

const dir = mkdtempSync(join(tmpdir(), 'oqat-untrusted-'));
const db = join(dir, 'runs.db');
let studio: Studio;
let storeBefore: string;
const sha = () => createHash('sha256').update(readFileSync(db)).digest('hex');

beforeAll(async () => {
  const first = await createStudioService({ path: db });
  await first.close();
  storeBefore = sha();
  studio = await createStudioService({ path: db });
  mkdirSync(studio.workDir, { recursive: true });
});
afterAll(async () => {
  await studio.close();
  rmSync(dir, { recursive: true, force: true });
});

/** startRun must refuse `config` in one line and record nothing. */
async function refused(config: unknown): Promise<string> {
  const err = await studio.startRun(config as never).then(
    async ({ runId }) => {
      await studio.cancelRun(runId).catch(() => undefined);
      return new Error(`started run ${runId} for ${JSON.stringify(config)}`);
    },
    (e: unknown) => e as Error,
  );
  expect(err, (err as Error).stack).toBeInstanceOf(OqatError);
  expect(err.message).not.toContain('\n');
  expect(await studio.listRuns()).toEqual([]);
  return err.message;
}

describe('run configs from callers', () => {
  it.each<[string, unknown, RegExp]>([
    ['null', null, /.+/],
    ['a list holding a config', [{ epochs: 5 }], /.+/],
    ['a string', 'train', /.+/],
    ['devices as a string', { devices: 'cpu' }, /devices/],
    ['epochs null', { epochs: null }, /epochs/],
    ['epochs a number', { epochs: 5 }, /epochs/],
    ['a width the space lacks', { bitsChain: [8, 4] }, /bitsChain 8 is not a bit width/],
    ['an unknown setting', { epoch: 5 }, /epoch/],
  ])('refuses %s in one line, no run', async (_what, config, message) => {
    expect(await refused(config)).toMatch(message);
  });

  it('seeded: one field of a valid config set to a hostile value is refused in one line, or is a valid config', async () => {
    const base = { ...DEFAULT_RUN_CONFIG, kind: 'train', devices: [] } as Record<string, unknown>;
    const hostile: unknown[] = [null, '§', -1.5, {}, [[]], true, 'x'.repeat(500), [-1], { float: -1 }];
    const rng = createRng(15);
    let tried = 0;
    for (let i = 0; i < 60; i++) {
      const config: Record<string, unknown> = structuredClone(base);
      const key = rng.pick(Object.keys(config));
      if (key === 'epochs' && rng.bool()) (config.epochs as Record<string, unknown>)[rng.pick(['float', 'first', 'inherited'])] = rng.pick(hostile);
      else config[key] = rng.pick(hostile);
      if (validateRunConfig(config as never).validation.ok) continue; // a legal config: not started here
      tried++;
      await refused(config);
    }
    expect(tried).toBeGreaterThan(40);
  });
});

describe('crafted checkpoints for a search', () => {
  const { header, data } = validCheckpointParts();
  let n = 0;
  /** A search of a crafted file (under the store's work folder, where caller files may be). */
  function searchOf(bytes: Buffer): Promise<string> {
    const path = join(studio.workDir, `crafted-${n++}.ckpt`);
    writeFileSync(path, bytes);
    return refused({ kind: 'search', checkpointPath: path, devices: ['fpga'] });
  }
  const mutated = (mutate: (h: any) => void) => {
    const h = structuredClone(header) as any;
    mutate(h);
    return craftCheckpoint(JSON.stringify(h), data);
  };

  it.each<[string, (h: any) => void, RegExp]>([
    ['a negative tensor offset', (h) => (h.tensors[1].offset = -8), /offset -8/],
    ['a shape past the data', (h) => (h.tensors[0].shape = [100, 100]), /larger than its/],
    ['a config that is null', (h) => (h.meta.config = null), /config must be an object/],
    ['a position past the phases', (h) => (h.meta.position.phaseIndex = 9), /position\.phaseIndex/],
    ['phases not a list', (h) => (h.meta.config.phases = 'all'), /config\.phases/],
  ])('refuses %s (checksum valid) in one line, no run', async (_what, mutate, message) => {
    expect(await searchOf(mutated(mutate))).toMatch(message);
  });

  it('refuses a header that is not an object', async () => {
    expect(await searchOf(craftCheckpoint('null', data))).toMatch(/its header is null, not an object/);
  });

  it('seeded: a hostile value anywhere in the header is refused in one line', async () => {
    const rng = createRng(16);
    const hostile: unknown[] = [null, -1, 0.5, '§', [], {}, [-3], 2 ** 40];
    let refusedCount = 0;
    for (let i = 0; i < 25; i++) {
      const bytes = mutated((h) => {
        let node = h;
        let key = rng.pick(Object.keys(node));
        while (typeof node[key] === 'object' && node[key] !== null && Object.keys(node[key]).length > 0 && rng.bool(0.75)) {
          node = node[key];
          key = rng.pick(Object.keys(node));
        }
        node[key] = rng.pick(hostile);
      });
      // a header the readers accept (a legal value) would start a search: the readers' own suite checks what those load
      const path = join(studio.workDir, `seeded-${i}.ckpt`);
      writeFileSync(path, bytes);
      try {
        describeSupernetCheckpoint(path);
        continue;
      } catch {
        refusedCount++;
      }
      await refused({ kind: 'search', checkpointPath: path, devices: ['fpga'] });
    }
    expect(refusedCount).toBeGreaterThan(10);
  });
});

describe('the store after every refusal', () => {
  it('is byte for byte what it was', async () => {
    expect(await studio.listRuns()).toEqual([]);
    await studio.close();
    expect(sha()).toBe(storeBefore);
    studio = await createStudioService({ path: db });
  });
});
