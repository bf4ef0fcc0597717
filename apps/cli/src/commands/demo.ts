import type { NewRunConfig } from '@oqat/jobs';
import type { ParsedOptions } from '../command';
import type { CliIo } from '../io';
import { join } from 'node:path';
import { printJson } from '../io';
import { openStudio } from '../open-studio';
import { formatExportReport } from './export';
import { startAndFollow } from './start-runs';

/**
 * The demo's settings: under 10 minutes on a 2-core laptop on the shipped
 * subset (5,400 training images after the search's validation split), every
 * stage shown (float, 4 → 3 → 2 bit inheritance, a search per device), and
 * a credible model: the float phase trains the largest subnet alone, then
 * sandwich epochs (largest, smallest, one random subnet) taught by it train
 * each width (docs/benchmarks-supernet.md).
 */
export const DEMO_CONFIG: Partial<NewRunConfig> = {
  dataset: 'subset',
  space: 'fashion-mnist',
  bitsChain: [4, 3, 2],
  // Small batches: 168 steps an epoch; batch 16 learned a little more per epoch but took 1.6x as long.
  // The float phase (the largest alone, ~200 img/s) is the teacher of every later one: 5 epochs of it
  // cost 26 s each. A second 4-bit epoch gave the largest 4-bit subnet 1.7 points, the smallest 3.1.
  epochs: { float: 5, first: 2, inherited: 1 },
  batchSize: 32,
  // One random subnet per step besides the largest and smallest: with none, the middle subnet stayed at 35-46 %.
  randomSubnets: 1,
  devices: ['cpu', 'xavier', 'fpga'],
  generations: 3,
  population: 8,
  // Fits the cpu predictor on 40 timed subnets (a full run uses 120); the fit is cached for later runs.
  latencySamples: 40,
  seed: 1,
};

/** `oqat demo`: the whole pipeline on the shipped data, recorded as runs. */
export async function demo(o: ParsedOptions, io: CliIo): Promise<number> {
  io.stderr.write('OQAT demo: train a quantized supernet (float → 4 → 3 → 2 bit) on the shipped Fashion-MNIST subset, then search cpu, xavier and fpga.\n');
  const code = await startAndFollow('train', { ...o }, io, DEMO_CONFIG);
  if (code !== 0) return code;
  const studio = await openStudio(io, o.db);
  try {
    const search = (await studio.listRuns()).find((r) => r.kind === 'search' && r.status === 'finished');
    const front = search ? (await studio.candidates(search.id)).filter((c) => c.onFront) : [];
    if (!search || !front.length) return code;
    // The most accurate subnet on the fpga front: the device where low bits pay off most.
    const pool = front.some((c) => c.device === 'fpga') ? front.filter((c) => c.device === 'fpga') : front;
    const best = pool.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
    const outDir = join(studio.workDir, search.id, `export-${best.id}`);
    if (!o.json) io.stderr.write(`exporting candidate ${best.id} (${best.bits} bit, ${(best.accuracy * 100).toFixed(2)} %, ${best.latencyMs.toFixed(3)} ms on ${best.device})…\n`);
    const report = await studio.exportCandidate({ runId: search.id, candidateId: best.id, formats: ['tfjs', 'onnx', 'packed'], outDir });
    if (o.json) printJson(io, { kind: 'export', report });
    else {
      io.stdout.write(formatExportReport(report));
      io.stdout.write(`run store: ${studio.store.path}\nrun files: ${studio.workDir}\nsee 'oqat runs list', 'oqat runs show ${search.id}', or 'oqat serve' for the app\n`);
    }
    return 0;
  } finally {
    await studio.close();
  }
}
