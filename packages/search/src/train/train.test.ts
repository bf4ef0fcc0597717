import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smallestSubnet } from '@oqat/latency';
import { lastValueFrom, tap, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { derive } from '@oqat/core';
import { tf } from '@oqat/engine';
import { readCheckpointFile, writeCheckpointFile } from '../checkpoint/checkpoint-file';
import { loadSupernet } from '../checkpoint/load-supernet';
import { parseTrainConfig } from '../config/parse-train-config';
import { CheckpointError } from '../errors';
import { bnBatches, evaluateSubnet } from '../eval/evaluate-subnet';
import { TINY_SPACE } from '../supernet/tiny-space';
import { CHECKPOINT_FILE } from './run-training';
import { toyDataset } from './toy-dataset';
import { train } from './train';
import type { TrainEvent } from './train-events';

const dir = mkdtempSync(join(tmpdir(), 'oqat-train-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Kept tiny: the cpu backend's conv filter gradients are slow, and the package's tests must stay fast.
const dataset = { train: toyDataset(24, 12, 3, 1), test: toyDataset(12, 12, 3, 2) };
const options = { backend: 'cpu' as const, dataset };

function config(sub: string, everySteps = 0, teacher: 'largest' | 'float' = 'largest') {
  return parseTrainConfig({
    seed: 7,
    space: TINY_SPACE,
    data: { bnImages: 8, augment: true },
    batchSize: 6,
    stepsPerEpoch: 1,
    phases: [
      { bits: 32, epochs: 1, lr: 0.05, warmupEpochs: 0.5 },
      { bits: 4, epochs: 2, lr: 0.02, warmupEpochs: 1, teacher },
      { bits: 2, epochs: 1, lr: 0.01, teacher },
    ],
    checkpoint: { dir: join(dir, sub), everySteps },
    eval: { subnets: ['smallest'], batchSize: 12 },
  });
}

function tensorsOf(path: string): Map<string, Float32Array> {
  return new Map([...readCheckpointFile(path).tensors].map(([k, v]) => [k, v.values]));
}

describe('train', () => {
  let full: TrainEvent[] = [];

  it('runs float, 4-bit and inherited 2-bit phases and reports progress', async () => {
    full = await lastValueFrom(train(config('full'), options).pipe(toArray()));
    const kinds = full.map((e) => e.kind);
    expect(kinds[0]).toBe('started');
    expect(kinds.at(-1)).toBe('finished');
    const phases = full.filter((e) => e.kind === 'phase');
    expect(phases.map((p) => [p.phase, p.init])).toEqual([['float', 'float'], ['4bit', 'data'], ['2bit', 'inherited']]);
    const steps = full.filter((e) => e.kind === 'step');
    expect(steps).toHaveLength(4);
    expect(steps.every((s) => Number.isFinite(s.loss) && s.lr > 0 && s.samplesPerSec > 0 && s.sampled.length === 2)).toBe(true);
    const evals = full.filter((e) => e.kind === 'eval');
    expect(evals).toHaveLength(3);
    const last = evals.at(-1)!;
    expect(last.result.subnet.bits).toBe(2);
    expect(last.result.images).toBe(12);
    expect(last.result.bitOps).toBeLessThan(last.result.macs);
    // 2-bit steps came from the 4-bit ones doubled, then trained: both widths are in the checkpoint.
    const names = [...tensorsOf(join(dir, 'full', CHECKPOINT_FILE)).keys()];
    expect(names.some((n) => n.endsWith('.wq.step4'))).toBe(true);
    expect(names.some((n) => n.endsWith('.wq.step2'))).toBe(true);
    expect(names.some((n) => n.startsWith('optimizer/'))).toBe(true);
    // The final checkpoint opens as a supernet that evaluates to the run's last figure.
    const loaded = loadSupernet(join(dir, 'full', CHECKPOINT_FILE));
    if (loaded.task !== 'classification') throw new Error(`expected a classification supernet, got ${loaded.task}`);
    expect(loaded.trainedBits).toEqual([2, 4, 32]);
    const bn = bnBatches(dataset.train, 8, 6, derive(7, 'bn'));
    const again = evaluateSubnet(loaded.net, smallestSubnet(TINY_SPACE, 2), { bn, test: dataset.test, batchSize: 12 });
    expect(again.top1).toBe(last.result.top1);
    expect(again.loss).toBeCloseTo(last.result.loss, 5);
    bn.forEach((t) => t.dispose());
    loaded.net.dispose();
  });

  it('prepares batches ahead on a worker thread without changing a weight or leaking a tensor', async () => {
    const before = tf.memory().numTensors;
    const ahead = await lastValueFrom(train(config('prefetched'), { ...options, prefetch: 2 }).pipe(toArray()));
    expect(tf.memory().numTensors).toBe(before);
    const losses = (events: TrainEvent[]) => events.filter((e) => e.kind === 'step').map((e) => (e as { loss: number }).loss);
    expect(losses(ahead)).toEqual(losses(full));
    const a = tensorsOf(join(dir, 'full', CHECKPOINT_FILE));
    const b = tensorsOf(join(dir, 'prefetched', CHECKPOINT_FILE));
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, values] of a) expect(b.get(name), name).toEqual(values);
  });

  it('keeps each width as its phase left it: the 2-bit phase changes no 4-bit weight', async () => {
    const sub = 'widths';
    const events = await lastValueFrom(
      train(config(sub), options).pipe(
        tap((e) => {
          // Phase-end checkpoints only (everySteps 0): keep a copy of each.
          if (e.kind === 'checkpoint') copyFileSync(e.path, join(dir, sub, `after-step-${e.step}.ckpt`));
        }),
        toArray(),
      ),
    );
    const final = tensorsOf(join(dir, sub, CHECKPOINT_FILE));
    const after4 = tensorsOf(join(dir, sub, 'after-step-3.ckpt'));
    const weights = [...after4.keys()].filter((n) => !n.startsWith('optimizer/') && !n.startsWith('width'));
    expect(weights.length).toBeGreaterThan(10);
    for (const name of weights) expect(final.get(`width4/${name}`), name).toEqual(after4.get(name));
    // ... while the network trained on at 2 bit: its weights moved away from the kept 4-bit ones.
    expect(weights.some((n) => n.endsWith('.weight') && final.get(n)!.some((v, i) => v !== after4.get(n)![i]))).toBe(true);
    expect(readCheckpointFile<{ keptWidths: number[] }>(join(dir, sub, CHECKPOINT_FILE)).meta.keptWidths).toEqual([2, 4, 32]);
    // Each width evaluated from the final checkpoint gives the figure of its own phase's end.
    const loaded = loadSupernet(join(dir, sub, CHECKPOINT_FILE));
    const bn = bnBatches(dataset.train, 8, 6, derive(7, 'bn'));
    for (const bits of [4, 2, 4]) {
      const atPhaseEnd = events.find((e) => e.kind === 'eval' && e.result.subnet.bits === bits);
      if (atPhaseEnd?.kind !== 'eval') throw new Error(`no ${bits}-bit evaluation`);
      const again = evaluateSubnet(loaded.net, smallestSubnet(TINY_SPACE, bits), { bn, test: dataset.test, batchSize: 12 });
      expect(again.top1, `${bits} bit`).toBe(atPhaseEnd.result.top1);
      expect(again.loss, `${bits} bit`).toBeCloseTo(atPhaseEnd.result.loss, 5);
    }
    bn.forEach((t) => t.dispose());
    loaded.net.dispose();
  });

  it('refuses a checkpoint written before per-width weights, in one line', async () => {
    const path = join(dir, 'old.ckpt');
    const file = readCheckpointFile<Record<string, unknown>>(join(dir, 'full', CHECKPOINT_FILE));
    delete file.meta.keptWidths;
    writeCheckpointFile(path, file);
    expect(() => loadSupernet(path)).toThrow(/was written before OQAT Studio kept one supernet per bit width; train it again/);
  });

  // Kill (unsubscribe) right after the checkpoint of a global step: 2 is in the middle of the 4-bit phase, 3 its end.
  it.each([2, 3])('resumes after a kill at step %i to the same result as an uninterrupted run', async (killStep) => {
    const sub = `killed-${killStep}`;
    await new Promise<void>((resolve, reject) => {
      const run = train(config(sub, 1), options).subscribe({
        next: (e) => {
          if (e.kind === 'checkpoint' && e.step === killStep) {
            run.unsubscribe();
            setTimeout(resolve, 100);
          }
        },
        error: reject,
      });
    });
    const ckpt = join(dir, sub, CHECKPOINT_FILE);
    const resumed = await lastValueFrom(train(config(sub, 1), { ...options, resumeFrom: ckpt }).pipe(toArray()));
    expect(resumed[0]).toMatchObject({ kind: 'started', resumedFrom: { step: killStep } });
    const steps = [3, 4].filter((s) => s > killStep);
    expect(resumed.filter((e) => e.kind === 'step').map((e) => (e as { step: number }).step)).toEqual(steps);
    const a = tensorsOf(join(dir, 'full', CHECKPOINT_FILE));
    const b = tensorsOf(ckpt);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, values] of a) expect(b.get(name), name).toEqual(values);
    const lossesA = full.filter((e) => e.kind === 'step').slice(4 - steps.length).map((e) => (e as { loss: number }).loss);
    const lossesB = resumed.filter((e) => e.kind === 'step').map((e) => (e as { loss: number }).loss);
    expect(lossesB).toEqual(lossesA);
  });

  it("teaches the quantized phases from the kept float supernet with teacher 'float', and resumes such a run exactly", async () => {
    const taught = await lastValueFrom(train(config('taught', 0, 'float'), options).pipe(toArray()));
    const losses = (events: TrainEvent[]) => events.filter((e) => e.kind === 'step').map((e) => (e as { loss: number }).loss);
    // The float step is the same; the first 4-bit step's largest learns from the teacher, not the labels.
    expect(losses(taught)[0]).toBe(losses(full)[0]);
    expect(losses(taught)[1]).not.toBe(losses(full)[1]);
    expect(losses(taught).every(Number.isFinite)).toBe(true);
    await new Promise<void>((resolve, reject) => {
      const run = train(config('taught-killed', 1, 'float'), options).subscribe({
        next: (e) => {
          if (e.kind === 'checkpoint' && e.step === 2) {
            run.unsubscribe();
            setTimeout(resolve, 100);
          }
        },
        error: reject,
      });
    });
    const ckpt = join(dir, 'taught-killed', CHECKPOINT_FILE);
    const resumed = await lastValueFrom(train(config('taught-killed', 1, 'float'), { ...options, resumeFrom: ckpt }).pipe(toArray()));
    expect(losses(resumed)).toEqual(losses(taught).slice(2));
    const a = tensorsOf(join(dir, 'taught', CHECKPOINT_FILE));
    const b = tensorsOf(ckpt);
    for (const [name, values] of a) expect(b.get(name), name).toEqual(values);
  });

  it('extends a finished run with a further phase, and refuses a change to the phases it has run', async () => {
    mkdirSync(join(dir, 'extended'));
    copyFileSync(join(dir, 'full', CHECKPOINT_FILE), join(dir, 'extended', CHECKPOINT_FILE));
    const base = config('extended');
    const extended = { ...base, phases: [...base.phases, { bits: 2, epochs: 1, lr: 0.005, warmupEpochs: 0 }] };
    const events = await lastValueFrom(train(extended, { ...options, resumeFrom: join(dir, 'extended', CHECKPOINT_FILE) }).pipe(toArray()));
    expect(events.filter((e) => e.kind === 'phase').map((e) => [e.phase, e.init])).toEqual([['2bit', 'continued']]);
    expect(events.filter((e) => e.kind === 'step').map((e) => (e as { step: number }).step)).toEqual([5]);
    const changed = { ...base, phases: base.phases.map((p, i) => (i === 1 ? { ...p, lr: 0.03 } : p)) };
    await expect(lastValueFrom(train(changed, { ...options, resumeFrom: join(dir, 'extended', CHECKPOINT_FILE) }))).rejects.toThrow(
      /its first 4 phase\(s\), already run, differ from the config's/,
    );
  });

  it('rejects a truncated or foreign checkpoint and leaves it as it was', async () => {
    const path = join(dir, 'bad', CHECKPOINT_FILE);
    mkdirSync(join(dir, 'bad'));
    copyFileSync(join(dir, 'full', CHECKPOINT_FILE), path);
    const size = statSync(path).size;
    truncateSync(path, size - 100);
    const before = readFileSync(path);
    await expect(lastValueFrom(train(config('bad'), { ...options, resumeFrom: path }))).rejects.toThrow(
      `is truncated: expected ${size} bytes, found ${size - 100}; the write was cut short`,
    );
    expect(readFileSync(path).equals(before)).toBe(true);
    writeFileSync(path, 'PK\u0003\u0004 some zip file');
    await expect(lastValueFrom(train(config('bad'), { ...options, resumeFrom: path }))).rejects.toThrow(CheckpointError);
    await expect(lastValueFrom(train(config('bad'), { ...options, resumeFrom: path }))).rejects.toThrow('is not an OQAT checkpoint');
    // A fresh run does not overwrite an existing checkpoint either.
    await expect(lastValueFrom(train(config('bad'), options))).rejects.toThrow(/already exists; resume from it/);
  });
});
