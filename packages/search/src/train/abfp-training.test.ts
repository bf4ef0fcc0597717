import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { parseTrainConfig } from '../config/parse-train-config';
import { TINY_SPACE } from '../supernet/tiny-space';
import { toyDataset } from './toy-dataset';
import { train } from './train';
import type { EvalEvent } from './train-events';

const dataset = { train: toyDataset(12, 12, 3, 1), test: toyDataset(8, 12, 3, 2) };

describe('an abfp run', () => {
  it('trains on the abfp format and measures each quantized phase\'s subnets on its analog device (block size, gain)', async () => {
    const config = parseTrainConfig({
      seed: 3,
      space: TINY_SPACE,
      quantizer: 'abfp',
      abfp: { blockSize: 16, gain: 4 },
      data: { bnImages: 6 },
      batchSize: 6,
      stepsPerEpoch: 1,
      phases: [{ bits: 32, epochs: 1, lr: 0.05 }, { bits: 4, epochs: 1, lr: 0.02 }],
      eval: { subnets: ['smallest'], batchSize: 8 },
    });
    const events = await lastValueFrom(train(config, { backend: 'cpu', dataset }).pipe(toArray()));
    const evals = events.filter((e): e is EvalEvent => e.kind === 'eval');
    expect(evals.map((e) => [e.phase, e.analog !== undefined])).toEqual([['float', false], ['4bit', true]]);
    const analog = evals[1]!.analog!;
    expect(analog.device).toMatchObject({ blockSize: 16, gain: 4 });
    expect(analog.images).toBe(8);
    expect(analog.top1).toBeGreaterThanOrEqual(0);
    expect(analog.top1).toBeLessThanOrEqual(1);
  });
});
