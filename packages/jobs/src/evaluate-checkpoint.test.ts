import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine } from '@oqat/engine';
import { smallestSubnet } from '@oqat/search';
import { TINY_SPACE, writeWidthsCheckpoint } from '@oqat/search/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BitsNotTrainedError } from './errors';
import { evaluateCheckpoint } from './evaluate-checkpoint';

const dir = mkdtempSync(join(tmpdir(), 'oqat-evaluate-checkpoint-'));
const checkpoint = join(dir, 'supernet.ckpt');

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
  writeWidthsCheckpoint(checkpoint, TINY_SPACE, 5, [4, 3]).dispose(); // 4 and 3 bits trained, not 2
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('evaluateCheckpoint', () => {
  it("refuses a mixed subnet whose layers' bits the checkpoint was not trained at, in one line", async () => {
    const subnet = { ...smallestSubnet(TINY_SPACE, 4), bitsByLayer: { 'first.dw': 3, 'head.expand': 2 } };
    const input = { checkpoint, subnet, testImages: 10, bnImages: 10, seed: 1, backend: 'cpu' as const };
    await expect(evaluateCheckpoint(input)).rejects.toThrow(BitsNotTrainedError);
    await expect(evaluateCheckpoint(input)).rejects.toThrow(`${checkpoint}: 2 bit was not trained (trained: 3, 4); pass --bits with one of those`);
  });
});
