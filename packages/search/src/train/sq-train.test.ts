import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { derive } from '@oqat/core';
import { largestSubnet } from '@oqat/latency';
import { readCheckpointFile } from '../checkpoint/checkpoint-file';
import { loadSupernet } from '../checkpoint/load-supernet';
import { bnBatches, evaluateSubnet } from '../eval/evaluate-subnet';
import { SqLayerQuant } from '../supernet/sq-layer-quant';
import { parseTrainConfig } from '../config/parse-train-config';
import type { TrainConfig } from '../config/train-config';
import { TINY_SPACE } from '../supernet/tiny-space';
import { CHECKPOINT_FILE } from './run-training';
import { toyDataset } from './toy-dataset';
import { train } from './train';
import type { EvalEvent, SqStageEvent, StepEvent, TrainEvent } from './train-events';

const dir = mkdtempSync(join(tmpdir(), 'oqat-sq-train-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dataset = { train: toyDataset(24, 12, 3, 1), test: toyDataset(12, 12, 3, 2) };
const options = { backend: 'cpu' as const, dataset };

function config(sub: string, everySteps = 0): TrainConfig {
  return parseTrainConfig({
    seed: 7,
    space: TINY_SPACE,
    data: { bnImages: 8 },
    batchSize: 6,
    stepsPerEpoch: 1,
    phases: [
      { bits: 32, epochs: 1, lr: 0.05 },
      { bits: 4, epochs: 4, lr: 0.02 },
    ],
    sandwich: { randomSubnets: 1 },
    checkpoint: { dir: join(dir, sub), everySteps },
    eval: { subnets: ['largest'], batchSize: 12 },
    sq: { ratios: [0.5, 0.75, 0.875, 1] },
  });
}

const steps = (events: TrainEvent[]) => events.filter((e): e is StepEvent => e.kind === 'step');
const stages = (events: TrainEvent[]) => events.filter((e): e is SqStageEvent => e.kind === 'sq-stage');

describe('training with SQ', () => {
  let full: TrainEvent[] = [];

  it('runs the stages in order over the quantized phase, each step reporting its quantized share; none in float', async () => {
    full = await lastValueFrom(train(config('full'), options).pipe(toArray()));
    expect(stages(full).map((e) => [e.phase, e.stage, e.ratio, e.step])).toEqual([['4bit', 0, 0.5, 2], ['4bit', 1, 0.75, 3], ['4bit', 2, 0.875, 4], ['4bit', 3, 1, 5]]);
    const s = steps(full);
    expect(s[0]!.sq).toBeUndefined();
    const sq = s.slice(1).map((e) => e.sq!);
    expect(sq.map((x) => x.ratio)).toEqual([0.5, 0.75, 0.875, 1]);
    sq.slice(0, 3).forEach((x) => {
      expect(x.share).toBeGreaterThanOrEqual(x.ratio);
      expect(x.share).toBeLessThan(1);
      expect(x.errorQuantized!).toBeLessThanOrEqual(x.errorAll!);
    });
    expect(sq[3]).toEqual({ ratio: 1, share: 1 });
    // the checkpoint keeps the schedule with the config
    const meta = readCheckpointFile<{ config: TrainConfig }>(join(dir, 'full', CHECKPOINT_FILE)).meta;
    expect(meta.config.sq).toEqual({ ratios: [0.5, 0.75, 0.875, 1] });
    // It opens with SQ's layers (fully quantized outside training) and evaluates to the run's last figure.
    const loaded = loadSupernet(join(dir, 'full', CHECKPOINT_FILE));
    expect([...loaded.net.layerQuants.values()].some((q) => q instanceof SqLayerQuant)).toBe(true);
    const last = full.filter((e): e is EvalEvent => e.kind === 'eval').at(-1)!;
    const bn = bnBatches(dataset.train, 8, 6, derive(7, 'bn'));
    const again = evaluateSubnet(loaded.net, largestSubnet(TINY_SPACE, 4), { bn, test: dataset.test, batchSize: 12 });
    expect(again.loss).toBeCloseTo(last.result.loss, 5);
    bn.forEach((t) => t.dispose());
    loaded.net.dispose();
  });

  it('resumes mid-phase to the same weights: the partitions come from the seed and the step', async () => {
    const sub = 'killed';
    await new Promise<void>((resolve, reject) => {
      const run = train(config(sub, 1), options).subscribe({
        next: (e) => {
          if (e.kind === 'checkpoint' && e.step === 3) {
            run.unsubscribe();
            setTimeout(resolve, 100);
          }
        },
        error: reject,
      });
    });
    const resumed = await lastValueFrom(train(config(sub, 1), { ...options, resumeFrom: join(dir, sub, CHECKPOINT_FILE) }).pipe(toArray()));
    expect(stages(resumed).map((e) => [e.stage, e.step])).toEqual([[2, 4], [3, 5]]);
    expect(steps(resumed).map((e) => e.loss)).toEqual(steps(full).slice(3).map((e) => e.loss));
    const a = readCheckpointFile(join(dir, 'full', CHECKPOINT_FILE)).tensors;
    const b = readCheckpointFile(join(dir, sub, CHECKPOINT_FILE)).tensors;
    for (const [name, t] of a) expect(b.get(name)!.values, name).toEqual(t.values);
  });
});
