/**
 * A quickly trained supernet checkpoint for the export report: OQAT training
 * (float -> 4 -> 3 -> 2 bit, bit inheritance) on the first images of the
 * shipped Fashion-MNIST subset. The training run writes one checkpoint file and
 * overwrites it at every phase end; this script copies it each time, so the
 * export report can use the checkpoint trained last at the bit width it
 * exports (`supernet-4bit.ckpt`, `supernet-3bit.ckpt`, `supernet-2bit.ckpt`).
 *
 *   node --import tsx tools/bench/export-train-checkpoint.ts --dir /tmp/oqat-export/ckpt
 *        [--train 1920] [--test 1000] [--source subset|full] [--float-epochs 2] [--lr 0.1] [--qlr 0.01] [--backend wasm|cpu]
 *
 * --qlr is the peak learning rate of the 4-bit phase (3 and 2 bit use half of
 * it): at the quick preset's 0.05 the 4-bit phase collapsed to chance here.
 *
 * --preset NAME trains a supernet-presets.ts config instead (e.g. seg-quick,
 * a segmentation supernet on 64x64 scenes), --phases N keeps its first N
 * phases (seg-quick --phases 2: float, then 4 bit).
 */
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseTrainConfig, train, type TrainEvent } from '@oqat/search';
import { supernetPreset } from './supernet-presets';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '/tmp/oqat-export/ckpt' },
    train: { type: 'string', default: '1920' },
    'float-epochs': { type: 'string', default: '2' },
    lr: { type: 'string', default: '0.1' },
    qlr: { type: 'string', default: '0.01' },
    test: { type: 'string', default: '1000' },
    source: { type: 'string', default: 'subset' },
    backend: { type: 'string', default: 'wasm' },
    preset: { type: 'string' },
    phases: { type: 'string' },
  },
});

const dir = values.dir!;
rmSync(join(dir, 'supernet.ckpt'), { force: true });

function presetConfig(name: string): Record<string, unknown> {
  const json = supernetPreset(name);
  const phases = json.phases as unknown[];
  return { ...json, phases: values.phases ? phases.slice(0, Number(values.phases)) : phases, checkpoint: { ...(json.checkpoint as object), dir, everySteps: 0 } };
}

const config = parseTrainConfig(values.preset ? presetConfig(values.preset) : {
  seed: 1,
  space: 'fashion-mnist',
  data: { source: values.source, trainLimit: Number(values.train), testLimit: Number(values.test), augment: false, bnImages: 512 },
  batchSize: 64,
  phases: [
    { bits: 32, epochs: Number(values['float-epochs']), lr: Number(values.lr), warmupEpochs: 0.25 },
    { bits: 4, epochs: 1, lr: Number(values.qlr), warmupEpochs: 0.25 },
    { bits: 3, epochs: 1, lr: Number(values.qlr) / 2 },
    { bits: 2, epochs: 1, lr: Number(values.qlr) / 2 },
  ],
  eval: { subnets: ['largest'], batchSize: 500 },
  checkpoint: { dir, everySteps: 0 },
});

const t0 = performance.now();
const log = (s: string): void => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(5)}s] ${s}`);
let phase = '';
await new Promise<void>((resolve, reject) => {
  train(config, { backend: values.backend as 'wasm' }).subscribe({
    next: (e: TrainEvent) => {
      if (e.kind === 'started') log(`started on ${e.backend}: ${e.trainImages} train / ${e.testImages} test images, ${e.totalSteps} steps`);
      if (e.kind === 'phase') phase = e.phase;
      if (e.kind === 'step' && e.step % 10 === 0) log(`${e.phase} step ${e.step}/${e.totalSteps} loss ${e.loss.toFixed(3)}`);
      if (e.kind === 'eval') log(`eval ${e.phase} ${e.which}: ${e.result.segmentation ? 'mIoU' : 'top-1'} ${(100 * e.result.score).toFixed(2)}%`);
      if (e.kind === 'checkpoint') {
        const copy = join(dir, `supernet-${phase}.ckpt`);
        copyFileSync(e.path, copy);
        log(`checkpoint after ${phase}: ${copy}`);
      }
    },
    error: reject,
    complete: resolve,
  });
});
log('done');
process.exit(0);
