/**
 * OQAT supernet training figures: accuracy of the largest, middle and
 * smallest subnets at the end of each phase (float, 4, 3, 2 bit), wall time
 * and samples/s per phase. Presets (all on Fashion-MNIST, default space):
 *   quick      a subset run that finishes in under 10 minutes here (README)
 *   scratch2   float -> 2 bit directly (no inheritance), as many 2-bit epochs as quick
 *   scratch2-budget  the same with quick's whole quantized budget at 2 bit
 *   full       the full training set (hours on a 2-core CPU)
 *   seg-quick  segmentation scenes (64x64): mIoU instead of top-1 in the tables
 *   seg-600    seg-quick with 5x the scenes, float 450 + 4-bit 150 steps
 *   seg-medium seg-quick with ten times the scenes and steps (hours here)
 *   seg-recipe segmentation under the product's recipe (oqatPhases): largest alone in float, then the taught sandwich
 *   medium, medium-lr2, medium-scratch2, medium-scratch2-budget  docs/benchmarks-supernet.md (6,000 images)
 *   dropbits-float, dropbits, dropbits-lsq4/3/2  DropBits vs uniform LSQ (docs/benchmarks-mixed-precision.md)
 * --alone largest|middle|smallest trains that one architecture by itself
 * (LSQ, same phases), the baseline OQAT compares supernet subnets against.
 * With --dir, the checkpoint at each phase end is also kept as
 * after-<phase>.ckpt; --branch-from such a file continues it into a new --dir
 * with the config's later phases (two schedules from one trained phase).
 *
 *   node --import tsx tools/bench/supernet-train.ts --preset quick [--alone smallest]
 *        [--config FILE.json] [--out results.json] [--dir CKPT_DIR] [--resume | --branch-from FILE.ckpt]
 *        [--backend wasm|cpu] [--threads n]
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CHECKPOINT_FILE, largestSubnet, middleSubnet, parseTrainConfig, resolveSearchSpace, singleSubnetSpace, smallestSubnet, train,
  type EvalEvent, type LearnedBitsEvent, type PhaseEndEvent, type TrainEvent,
} from '@oqat/search';
import { supernetPreset } from './supernet-presets';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'quick' },
    config: { type: 'string' },
    alone: { type: 'string' },
    out: { type: 'string' },
    dir: { type: 'string' },
    resume: { type: 'boolean', default: false },
    'branch-from': { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string' },
    every: { type: 'string', default: '10' },
  },
});

const json = values.config ? JSON.parse(readFileSync(values.config, 'utf8')) : supernetPreset(values.preset!);
if (values.alone) {
  const which = { largest: largestSubnet, middle: middleSubnet, smallest: smallestSubnet }[values.alone as 'largest'];
  const space = resolveSearchSpace(json.space ?? 'fashion-mnist');
  json.space = singleSubnetSpace(space, which(space, 32));
  json.sandwich = { randomSubnets: 0, distill: false };
  json.eval = { ...json.eval, subnets: ['largest'] };
}
if (values.dir) json.checkpoint = { ...json.checkpoint, dir: values.dir };
const config = parseTrainConfig(json);
const every = Number(values.every);
const evals: EvalEvent[] = [];
const phaseEnds: PhaseEndEvent[] = [];
const learned: LearnedBitsEvent[] = [];
let finished: TrainEvent | undefined;
const t0 = performance.now();
const log = (s: string): void => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(5)}s] ${s}`);
const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

const ckptDir = config.checkpoint.dir;
if (values['branch-from']) {
  if (!ckptDir) throw new Error('--branch-from needs --dir, where the branch writes its checkpoints');
  if (existsSync(join(ckptDir, CHECKPOINT_FILE))) throw new Error(`${join(ckptDir, CHECKPOINT_FILE)} exists; branch into a new --dir`);
  mkdirSync(ckptDir, { recursive: true });
  copyFileSync(values['branch-from'], join(ckptDir, CHECKPOINT_FILE));
}
let endedPhase: string | undefined;

await new Promise<void>((resolve, reject) => {
  const resumeFrom = (values.resume || values['branch-from']) && ckptDir ? join(ckptDir, CHECKPOINT_FILE) : undefined;
  const threads = values.threads ? { threads: Number(values.threads) } : {};
  train(config, { backend: values.backend as 'wasm', ...threads, ...(resumeFrom ? { resumeFrom } : {}) }).subscribe({
    next: (e) => {
      if (e.kind === 'started') log(`started on ${e.backend} x${e.threads}: ${e.trainImages} train / ${e.testImages} test images, ${e.totalSteps} steps (${e.stepsPerEpoch}/epoch)`);
      if (e.kind === 'phase') log(`phase ${e.phase}: ${e.epochs} epoch(s), steps init ${e.init}`);
      if (e.kind === 'step' && (e.step % every === 0 || e.step === e.totalSteps)) {
        const sq = e.sq ? ` SQ share ${pct(e.sq.share)}${e.sq.errorAll !== undefined ? ` e(quantized) ${e.sq.errorQuantized?.toFixed(4)} e(all) ${e.sq.errorAll.toFixed(4)}` : ''}` : '';
        log(`${e.phase} ep${e.epoch} step ${e.step}/${e.totalSteps} loss ${e.loss.toFixed(3)} (mean ${e.meanLoss.toFixed(3)}) lr ${e.lr.toFixed(4)} |g| ${e.gradNorm.toFixed(2)} ${e.samplesPerSec.toFixed(1)} img/s${sq}`);
      }
      if (e.kind === 'sq-stage') log(`SQ ${e.phase} stage ${e.stage + 1}/${e.stages}: ${pct(e.ratio)} of each elastic layer's filters quantized from step ${e.step}`);
      if (e.kind === 'phase-end') {
        phaseEnds.push(e);
        endedPhase = e.phase;
        log(`phase ${e.phase} trained in ${e.trainSeconds.toFixed(0)} s, ${e.samplesPerSec.toFixed(1)} img/s`);
      }
      if (e.kind === 'eval') {
        evals.push(e);
        const r = e.result;
        const figure = r.segmentation ? `mIoU ${pct(r.segmentation.miou)} pixel acc ${pct(r.top1)}` : `top-1 ${pct(r.top1)}`;
        log(`eval ${e.phase} ${e.which}: ${figure} loss ${r.loss.toFixed(3)} MACs ${(r.macs / 1e6).toFixed(2)}M params ${(r.params / 1e3).toFixed(0)}k bytes ${(r.modelBytes / 1024).toFixed(0)}KiB BitOPs ${(r.bitOps / 1e6).toFixed(2)}M (${e.seconds.toFixed(0)} s)`);
        if (e.analog) log(`eval ${e.phase} ${e.which} on the analog device (tile ${e.analog.device.blockSize}, gain ${e.analog.device.gain}, ADC ${e.analog.device.adcBits} bits): top-1 ${pct(e.analog.top1)}`);
      }
      if (e.kind === 'learned-bits') {
        learned.push(e);
        const widths = Object.entries(e.widths).map(([name, b]) => `${name} ${b}`).join(', ');
        log(`DropBits ${e.phase}: mean ${e.averageBits.toFixed(2)} bits, top-1 ${pct(e.result.score)} (${widths})${e.path ? `; spec ${e.path}` : ''}`);
      }
      if (e.kind === 'checkpoint') {
        log(`checkpoint ${e.path} at step ${e.step}`);
        // The checkpoint right after a phase's evals is that phase's end state.
        if (endedPhase && ckptDir) copyFileSync(e.path, join(ckptDir, `after-${endedPhase}.ckpt`));
        endedPhase = undefined;
      }
      if (e.kind === 'finished') finished = e;
    },
    error: reject,
    complete: resolve,
  });
});

const phases = [...new Set(evals.map((e) => e.phase))];
const rows = [...new Set(evals.map((e) => e.which))].map((which) => {
  const cells = phases.map((p) => evals.find((e) => e.phase === p && e.which === which));
  return `| ${which} | ${cells.map((c) => (c ? pct(c.result.score) : '')).join(' | ')} |`;
});
console.log(`\n${config.task === 'segmentation' ? 'mIoU' : 'top-1'}\n| subnet | ${phases.join(' | ')} |\n|---|${phases.map(() => '---').join('|')}|\n${rows.join('\n')}`);
console.log(`\n| phase | train s | img/s |\n|---|---|---|\n${phaseEnds.map((p) => `| ${p.phase} | ${p.trainSeconds.toFixed(0)} | ${p.samplesPerSec.toFixed(1)} |`).join('\n')}`);
for (const e of evals.filter((x) => x.result.segmentation && x.phase === phases.at(-1))) {
  const iou = e.result.segmentation!.classIou.map((v) => (v === null ? '-' : (100 * v).toFixed(1))).join(' ');
  console.log(`per-class IoU % (${e.phase} ${e.which}, background first): ${iou}`);
}
if (finished?.kind === 'finished') console.log(`\ntotal ${finished.seconds.toFixed(0)} s, ${finished.steps} steps`);
if (values.out) writeFileSync(values.out, JSON.stringify({ config, alone: values.alone ?? null, evals, learned, phaseEnds, finished }, null, 2));
process.exit(0);
