import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { NewRunConfig } from '@oqat/jobs';
import { SQ_DEFAULT_RATIOS } from '@oqat/quant';
import type { ParsedOptions } from './command';
import { UsageError } from './errors';
import type { CliIo } from './io';
import { intOption, numberOption } from './options';

function list(value: unknown): string[] | undefined {
  return typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}

/** A run config from `--config FILE` (JSON) overlaid with the command-line flags. */
export function runConfigFromOptions(o: ParsedOptions, io: CliIo, kind: NewRunConfig['kind']): Partial<NewRunConfig> {
  let base: Partial<NewRunConfig> = {};
  if (typeof o.config === 'string') {
    const path = resolve(io.cwd, o.config);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new UsageError(`--config: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new UsageError(`--config: ${path} is not valid JSON (${(err as Error).message.split('\n')[0]})`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      const what = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
      throw new UsageError(`--config: ${path} holds ${what}; it must hold one JSON object of run settings (see 'oqat train --help')`);
    }
    base = parsed as Partial<NewRunConfig>;
    if (base.epochs !== undefined && (base.epochs === null || typeof base.epochs !== 'object' || Array.isArray(base.epochs))) {
      throw new UsageError(`--config: ${path}: epochs must be an object like {"float": 2, "first": 1, "inherited": 1}, got ${JSON.stringify(base.epochs)}`);
    }
  }
  const config: Partial<NewRunConfig> = { ...base, kind };
  const bits = list(o.bits);
  if (bits) config.bitsChain = bits.map(Number);
  const devices = list(o.devices ?? o.device);
  if (devices) config.devices = devices as NewRunConfig['devices'];
  if (o['no-search']) config.devices = [];
  const epochs = { ...base.epochs } as NewRunConfig['epochs'];
  if (o['epochs-float'] !== undefined) epochs.float = intOption(o['epochs-float'], 'epochs-float', 0, 0);
  if (o.epochs !== undefined) epochs.first = intOption(o.epochs, 'epochs', 1);
  if (o['epochs-inherited'] !== undefined) epochs.inherited = intOption(o['epochs-inherited'], 'epochs-inherited', 0, 0);
  if (Object.keys(epochs).length) config.epochs = epochs;
  if (o.dataset) config.dataset = o.dataset as NewRunConfig['dataset'];
  if (typeof o.data === 'string') config.dataPath = resolve(io.cwd, o.data);
  if (o['skip-bad-files']) config.skipBadFiles = true;
  if (o['resize-images']) config.resizeImages = true;
  if (o.space) config.space = o.space as NewRunConfig['space'];
  if (o.backend) config.backend = o.backend as NewRunConfig['backend'];
  if (o.seed !== undefined) config.seed = intOption(o.seed, 'seed', 0, 0);
  if (o['limit-train'] !== undefined) config.limitTrainImages = intOption(o['limit-train'], 'limit-train', 0, 0);
  if (o.batch !== undefined) config.batchSize = intOption(o.batch, 'batch', 0, 8);
  if (o['random-subnets'] !== undefined) config.randomSubnets = intOption(o['random-subnets'], 'random-subnets', 0, 0);
  if (o['latency-samples'] !== undefined) config.latencySamples = intOption(o['latency-samples'], 'latency-samples', 0, 20);
  if (o['eval-images'] !== undefined) config.evalImages = intOption(o['eval-images'], 'eval-images', 0, 0);
  if (o.generations !== undefined) config.generations = intOption(o.generations, 'generations', 1);
  if (o.population !== undefined) config.population = intOption(o.population, 'population', 4);
  if (o['per-layer-bits']) config.perLayerBits = true;
  if (typeof o.quantizer === 'string') config.quantizer = o.quantizer as NewRunConfig['quantizer'];
  if (typeof o.preset === 'string') config.preset = o.preset as NewRunConfig['preset'];
  const dropBitsRate = numberOption(o['drop-bits-rate'], 'drop-bits-rate');
  if (dropBitsRate !== undefined) config.dropBitsRate = dropBitsRate;
  const dropBitsPenalty = numberOption(o['drop-bits-penalty'], 'drop-bits-penalty');
  if (dropBitsPenalty !== undefined) config.dropBitsPenalty = dropBitsPenalty;
  if (o['esb-significant-bits'] !== undefined) config.esbSignificantBits = intOption(o['esb-significant-bits'], 'esb-significant-bits', 0, 0, 8);
  if (o['abfp-block-size'] !== undefined) config.abfpBlockSize = intOption(o['abfp-block-size'], 'abfp-block-size', 0, 1, 4096);
  const abfpGain = numberOption(o['abfp-gain'], 'abfp-gain');
  if (abfpGain !== undefined) config.abfpGain = abfpGain;
  const sqRatios = list(o['sq-ratios']);
  if (sqRatios) config.sqRatios = sqRatios.map((r) => numberOption(r, 'sq-ratios')!);
  else if (o.sq) config.sqRatios = [...SQ_DEFAULT_RATIOS];
  const maxLatency = numberOption(o['max-latency'], 'max-latency');
  if (maxLatency !== undefined) config.maxLatencyMs = maxLatency;
  if (typeof o.run === 'string') config.checkpointRunId = o.run;
  if (typeof o.checkpoint === 'string') config.checkpointPath = resolve(io.cwd, o.checkpoint);
  if (typeof o.task === 'string') config.task = o.task as NewRunConfig['task'];
  if (typeof o.queue === 'string') config.queue = o.queue;
  return config;
}
