import type { NewRunConfig } from '@oqat/jobs';
import type { ParsedOptions } from '../command';
import type { CliIo } from '../io';
import { startAndFollow } from './start-runs';

/**
 * The demo's settings: small enough to finish in minutes on a 2-core laptop
 * on the shipped subset, large enough to show every stage (float warm-up,
 * 4 → 3 → 2 bit inheritance, a search per device).
 */
export const DEMO_CONFIG: Partial<NewRunConfig> = {
  dataset: 'subset',
  space: 'fashion-mnist',
  bitsChain: [4, 3, 2],
  epochs: { float: 1, first: 1, inherited: 1 },
  limitTrainImages: 1536,
  evalImages: 500,
  devices: ['cpu', 'xavier', 'fpga'],
  generations: 3,
  population: 8,
  seed: 1,
};

/** `oqat demo`: the whole pipeline on the shipped data, recorded as runs. */
export async function demo(o: ParsedOptions, io: CliIo): Promise<number> {
  io.stderr.write('OQAT demo: train a quantized supernet (float → 4 → 3 → 2 bit) on the shipped Fashion-MNIST subset, then search cpu, xavier and fpga.\n');
  const code = await startAndFollow('train', { ...o }, io, DEMO_CONFIG);
  if (!o.json) io.stderr.write("Everything is recorded in the run store: 'oqat runs list', 'oqat runs show RUN'.\n");
  return code;
}
