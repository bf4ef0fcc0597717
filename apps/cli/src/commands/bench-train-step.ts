import { benchmarkReferenceNet, initEngine, type BackendRequest } from '@oqat/engine';
import type { ParsedOptions } from '../command';
import { printJson, type CliIo } from '../io';
import { intOption } from '../options';

export interface BenchTrainStepOptions {
  backend: BackendRequest;
  batch: number;
  mode: 'train' | 'infer';
  repeats: number;
  threads?: number;
  replicas: number;
  json: boolean;
}

export function normaliseBenchOptions(o: ParsedOptions): BenchTrainStepOptions {
  return {
    backend: (o.backend as BackendRequest | undefined) ?? 'auto',
    batch: intOption(o.batch, 'batch', 64),
    mode: (o.mode as 'train' | 'infer' | undefined) ?? 'train',
    repeats: intOption(o.repeats, 'repeats', 10),
    threads: o.threads === undefined ? undefined : intOption(o.threads, 'threads', 1),
    replicas: intOption(o.replicas, 'replicas', 1),
    json: !!o.json,
  };
}

/** `oqat bench train-step`: images/s of the reference net, median of timed steps after warm-up. */
export async function benchTrainStep(raw: ParsedOptions, io: CliIo): Promise<number> {
  const options = normaliseBenchOptions(raw);
  const engine = await initEngine({ backend: options.backend, threads: options.threads });
  if (!options.json) io.stderr.write(`backend: ${engine.backend} (${engine.threads} thread${engine.threads > 1 ? 's' : ''}); ${engine.reason}\n`);
  if (!options.json) io.stderr.write(`timing ${options.repeats} ${options.mode} steps of batch ${options.batch} after warm-up…\n`);
  const result = await benchmarkReferenceNet({
    batch: options.batch,
    mode: options.mode,
    repeats: options.repeats,
    replicas: options.replicas,
  });
  const imagesPerSec = Math.round(result.imagesPerSec * 10) / 10;
  if (options.json) {
    printJson(io, { backend: engine.backend, threads: engine.threads, batch: options.batch, mode: options.mode, imagesPerSec });
  } else {
    io.stdout.write(`${options.mode} · batch ${options.batch} · ${engine.backend}: ${imagesPerSec} images/s (median of ${options.repeats})\n`);
  }
  return 0;
}
