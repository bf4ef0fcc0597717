import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { largestSubnet } from '@oqat/latency';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSegmentationScenes } from '@oqat/data';
import { derive } from '@oqat/core';
import { loadSupernet } from '../checkpoint/load-supernet';
import { parseTrainConfig } from '../config/parse-train-config';
import { bnBatches, evaluateSegmentationSubnet } from '../eval/evaluate-subnet';
import { TINY_SEGMENTATION_SPACE as space } from '../supernet/tiny-space';
import { CHECKPOINT_FILE } from './run-training';
import { toyDataset } from './toy-dataset';
import { train } from './train';
import type { EvalEvent, StepEvent } from './train-events';

const dir = mkdtempSync(join(tmpdir(), 'oqat-train-seg-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 8x8 toy items (3 classes) on 16x16 canvases: 4 mask classes with background.
const items = toyDataset(30, 8, 3, 1);
const scenes = (count: number, seed: number) => makeSegmentationScenes(items, { count, seed, canvasSize: 16, maxItems: 2, threshold: 100 });
const segmentationDataset = { train: scenes(12, 1), test: scenes(6, 2) };

describe('segmentation training', () => {
  it('trains a tiny segmentation supernet whose per-pixel loss falls, reports mIoU, and reloads as one', async () => {
    const config = parseTrainConfig({
      seed: 3,
      task: 'segmentation',
      space,
      data: { bnImages: 6, augment: false },
      batchSize: 6,
      phases: [
        { bits: 32, epochs: 5, lr: 0.1, warmupEpochs: 0 },
        { bits: 4, epochs: 1, lr: 0.02 },
      ],
      optimizer: { labelSmoothing: 0 },
      sandwich: { randomSubnets: 1 },
      checkpoint: { dir: join(dir, 'seg') },
      eval: { subnets: ['largest'], batchSize: 4 },
    });
    const events = await lastValueFrom(train(config, { backend: 'cpu', segmentationDataset }).pipe(toArray()));
    const losses = events.filter((e): e is StepEvent => e.kind === 'step' && e.phase === 'float').map((e) => e.loss);
    expect(losses).toHaveLength(10);
    expect(losses.every(Number.isFinite)).toBe(true);
    const mean = (xs: number[]) => xs.reduce((a, v) => a + v, 0) / xs.length;
    expect(mean(losses.slice(-2))).toBeLessThan(0.8 * mean(losses.slice(0, 2)));
    const evals = events.filter((e): e is EvalEvent => e.kind === 'eval');
    expect(evals.map((e) => e.phase)).toEqual(['float', '4bit']);
    const last = evals.at(-1)!.result;
    expect(last.segmentation!.classIou).toHaveLength(4);
    expect(last.score).toBe(last.segmentation!.miou);
    expect(last.top1).toBe(last.segmentation!.pixelAccuracy);
    expect(last.segmentation!.pixels).toBe(6 * 16 * 16);
    // The checkpoint records the task: it reopens as a segmentation supernet with the same figures.
    const loaded = loadSupernet(join(dir, 'seg', CHECKPOINT_FILE));
    if (loaded.task !== 'segmentation') throw new Error(`expected a segmentation supernet, got ${loaded.task}`);
    expect(loaded.config.task).toBe('segmentation');
    const bn = bnBatches(segmentationDataset.train, 6, 6, derive(3, 'bn'));
    const again = evaluateSegmentationSubnet(loaded.net, largestSubnet(space, 4), { bn, test: segmentationDataset.test, batchSize: 4 });
    expect(again.segmentation!.miou).toBeCloseTo(last.segmentation!.miou, 6);
    bn.forEach((t) => t.dispose());
    loaded.net.dispose();
  });
});
