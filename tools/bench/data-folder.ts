/**
 * Decode and cache time of an image folder (docs/benchmarks-data.md): the
 * folder decoded without a cache, decoded and written to a fresh cache, then
 * read back from the cache, each per 1,000 images, with the machine's load.
 *
 *   npx tsx tools/bench/data-folder.ts --folder /tmp/fmnist-png [--repeats 3] [--json]
 *
 * With --steps N: what preparing batches ahead of the step buys (TrainOptions.prefetch):
 * the host's batch preparation alone (gather, resize to the largest subnet's
 * resolution, augment, normalise: floatBatches), then N float steps of the
 * largest subnet (the fitted space, wasm) with batches made in place and with
 * them prepared 2 ahead on a worker thread; the median wall time between two
 * steps (the batch's wait included), the first 2 steps of a run left out;
 * --repeats pairs of runs, in turn. Same seed, so both train the same weights
 * (their losses are compared step by step).
 *
 *   npx tsx tools/bench/data-folder.ts --steps 12 --subset [--augment] [--batch 32]
 *   npx tsx tools/bench/data-folder.ts --steps 12 --folder /tmp/fm-rgb96 [--augment]
 *   npx tsx tools/bench/data-folder.ts --steps 20 --folder /tmp/fm-rgb96 --augment --resolution 224 --prep-only   (the host's share alone)
 *
 * Make a folder with tools/data/write-image-folder.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { floatBatches, loadFashionMnist, loadImageFolder, pixelStatistics, type ImageFolderOptions } from '@oqat/data';
import { tf } from '@oqat/engine';
import { parseTrainConfig, spaceForData, train, type TrainEvent } from '@oqat/search';

const { values } = parseArgs({
  options: {
    folder: { type: 'string' }, repeats: { type: 'string', default: '3' }, json: { type: 'boolean' },
    steps: { type: 'string', default: '0' }, subset: { type: 'boolean' }, 'prep-only': { type: 'boolean' }, resolution: { type: 'string' }, augment: { type: 'boolean' }, batch: { type: 'string', default: '32' },
  },
});
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function stepBench(steps: number): Promise<void> {
  const data = values.subset ? (await loadFashionMnist({ source: 'subset' })).train : (await loadImageFolder(resolve(values.folder!), { cacheDir: join(tmpdir(), 'oqat-bench-cache') })).train;
  const batchSize = Number(values.batch);
  const augment = values.augment ?? false;
  const space = spaceForData('fashion-mnist', { channels: data.channels, classes: data.classNames.length, height: data.height, width: data.width });
  const resolution = values.resolution ? Number(values.resolution) : Math.max(...space.resolutions);
  const normalization = pixelStatistics(data);
  // The host's share alone: one epoch's first batches as the loop makes them.
  const prep: number[] = [];
  const batches = floatBatches(data, { batchSize, seed: 1, augment, resolution, normalize: normalization, dropLast: true });
  for (let i = 0; i < Math.min(steps, 20); i++) {
    const t0 = performance.now();
    batches.next();
    prep.push(performance.now() - t0);
  }
  if (values['prep-only']) {
    process.stdout.write(`${values.subset ? 'subset' : resolve(values.folder!)}: ${data.width}x${data.height}x${data.channels} -> ${resolution} px, batch ${batchSize}, augment ${augment}: host batch preparation ${median(prep).toFixed(1)} ms / batch (median of ${prep.length}), 1-min load ${loadavg()[0]!.toFixed(1)}\n`);
    return;
  }
  const config = parseTrainConfig({
    seed: 1, space, batchSize, stepsPerEpoch: steps,
    data: { bnImages: batchSize, augment, normalization },
    phases: [{ bits: 32, epochs: 1, lr: 0.05, warmupEpochs: 0, subnets: 'largest' }],
    eval: { subnets: [], batchSize: 100 },
    checkpoint: { dir: '', everySteps: 0 },
  });
  const dataset = { train: data, test: data };
  // Wall time between consecutive steps (the wait for the batch included), the first 2 left out.
  const intervals = (stamps: number[]) => stamps.slice(3).map((t, i) => t - stamps[i + 2]!);
  const timed = async (prefetch: number) => {
    const stamps: number[] = [];
    const events: TrainEvent[] = [];
    await new Promise<void>((done, fail) => train(config, { backend: 'wasm', dataset, prefetch }).subscribe({
      next: (e) => {
        events.push(e);
        if (e.kind === 'step') stamps.push(performance.now());
      },
      error: fail,
      complete: done,
    }));
    const losses = events.flatMap((e) => (e.kind === 'step' ? [e.loss] : []));
    return { intervals: intervals(stamps), losses };
  };
  const load = loadavg()[0]!;
  // In turn (in place, ahead, in place, ...) so that a change of the machine's load hits both alike.
  const pairs = Number(values.repeats);
  const inPlace = { intervals: [] as number[], losses: [] as number[] };
  const ahead = { intervals: [] as number[], losses: [] as number[] };
  let sameLosses = true;
  for (let r = 0; r < pairs; r++) {
    const a = await timed(0);
    const b = await timed(2);
    inPlace.intervals.push(...a.intervals);
    ahead.intervals.push(...b.intervals);
    sameLosses &&= a.losses.length === b.losses.length && a.losses.every((l, i) => l === b.losses[i]);
  }
  // The tensor upload the loop does per batch (tf.tensor4d of the batch's floats), on the backend training used.
  const sample = floatBatches(data, { batchSize, seed: 1, resolution, normalize: normalization }).next().value!;
  const upload: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    const t = tf.tensor4d(sample.images, [sample.size, sample.height, sample.width, sample.channels]);
    upload.push(performance.now() - t0);
    t.dispose();
  }
  const row = {
    data: values.subset ? 'subset' : resolve(values.folder!), images: data.count, size: `${data.width}x${data.height}x${data.channels}`, resolution, batchSize, augment, steps,
    prepMsPerBatch: median(prep), uploadMsPerBatch: median(upload), backend: tf.getBackend(), stepMsInPlace: median(inPlace.intervals), stepMsPrefetched: median(ahead.intervals), pairs, sameLosses, load1: load, load1After: loadavg()[0]!,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(row)}\n`);
  else {
    process.stdout.write(`${row.data}: ${row.size} -> ${resolution} px, batch ${batchSize}, augment ${augment}, ${pairs} x ${steps} steps each way, 1-min load ${load.toFixed(1)} -> ${row.load1After.toFixed(1)} on ${cpus().length} cores\n`);
    process.stdout.write(`  host batch preparation   ${row.prepMsPerBatch.toFixed(1).padStart(8)} ms / batch (median)\n`);
    process.stdout.write(`  tensor upload            ${row.uploadMsPerBatch.toFixed(1).padStart(8)} ms / batch (median, ${row.backend})\n`);
    process.stdout.write(`  step, batch made in place ${row.stepMsInPlace.toFixed(0).padStart(7)} ms (median wall time between steps)\n`);
    process.stdout.write(`  step, batch prepared ahead ${row.stepMsPrefetched.toFixed(0).padStart(6)} ms (prefetch 2, worker thread)\n`);
    process.stdout.write(`  same losses step by step: ${sameLosses}\n`);
  }
}

if (Number(values.steps) > 0) {
  await stepBench(Number(values.steps));
  process.exit(0);
}
if (!values.folder) throw new Error('--folder DIR is required');
const folder = resolve(values.folder);
const repeats = Number(values.repeats);

async function timed(options: ImageFolderOptions): Promise<{ seconds: number; images: number; fromCache: boolean }> {
  const start = performance.now();
  const data = await loadImageFolder(folder, options);
  return { seconds: (performance.now() - start) / 1000, images: data.train.count + data.test.count, fromCache: data.fromCache };
}

const rows: Array<{ what: string; msPer1000: number; images: number }> = [];
const record = (what: string, runs: Array<{ seconds: number; images: number }>): void => {
  const ms = runs.map((r) => (r.seconds * 1e6) / r.images).sort((a, b) => a - b);
  rows.push({ what, msPer1000: ms[Math.floor(ms.length / 2)]!, images: runs[0]!.images });
};
const load = loadavg()[0]!;
const decodeOnly = [];
for (let i = 0; i < repeats; i++) decodeOnly.push(await timed({}));
record('decode (no cache)', decodeOnly);
const firstRuns = [];
const cachedRuns = [];
for (let i = 0; i < repeats; i++) {
  const cacheDir = await mkdtemp(join(tmpdir(), 'oqat-bench-cache-'));
  firstRuns.push(await timed({ cacheDir }));
  cachedRuns.push(await timed({ cacheDir }));
  if (!cachedRuns.at(-1)!.fromCache) throw new Error('the second load did not read the cache');
  await rm(cacheDir, { recursive: true, force: true });
}
record('decode + write cache (first run)', firstRuns);
record('read cache (next runs)', cachedRuns);

if (values.json) process.stdout.write(`${JSON.stringify({ folder, repeats, load1: load, rows })}\n`);
else {
  process.stdout.write(`${folder}: ${rows[0]!.images} images, median of ${repeats}, 1-min load ${load.toFixed(1)} on ${cpus().length} cores\n`);
  for (const r of rows) process.stdout.write(`  ${r.what.padEnd(34)} ${r.msPer1000.toFixed(0).padStart(6)} ms / 1,000 images\n`);
}
