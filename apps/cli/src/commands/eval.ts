import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { evaluateCheckpoint, NAMED_SUBNETS, type CheckpointEvaluation } from '@oqat/jobs';
import type { ParsedOptions } from '../command';
import { UsageError } from '../errors';
import { formatLayerBits, formatPercent, formatTable } from '../format-table';
import { printJson, type CliIo } from '../io';
import { openStudio } from '../open-studio';
import { intOption } from '../options';

/** A named subnet, or the SubnetSpec JSON file `--subnet` names. */
export function subnetOf(value: unknown, io: CliIo): unknown {
  const text = typeof value === 'string' ? value : 'largest';
  if (text in NAMED_SUBNETS) return text;
  const path = resolve(io.cwd, text);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`--subnet: '${text}' is not ${Object.keys(NAMED_SUBNETS).join('|')} nor a readable SubnetSpec JSON file (${(err as Error).message.split('\n')[0]})`);
  }
}

async function checkpointOf(o: ParsedOptions, io: CliIo): Promise<string> {
  if (typeof o.checkpoint === 'string') return resolve(io.cwd, o.checkpoint);
  if (typeof o.run !== 'string') throw new UsageError('give --checkpoint supernet.ckpt or --run RUN (a training run)');
  const studio = await openStudio(io, o.db);
  try {
    return await studio.checkpointOf(o.run);
  } finally {
    await studio.close();
  }
}

export function formatEvaluation(e: CheckpointEvaluation): string {
  const s = e.subnet;
  const layers = s.bitsByLayer ? Object.keys(s.bitsByLayer).length : 0;
  return formatTable(['', ''], [
    ['subnet', `res ${s.resolution}, depths ${s.depths.join('/')}, ${s.bits === 32 ? 'float' : `${s.bits} bit`}${layers ? ` (${layers} layers at other bits)` : ''}`],
    ...(s.bitsByLayer ? [['layer bits', formatLayerBits(s.bitsByLayer)]] : []),
    ['top-1', `${formatPercent(e.top1)} of ${e.images} test images`],
    ['loss', e.loss.toFixed(4)],
    ['MACs', `${(e.macs / 1e6).toFixed(2)} M`],
    ['params', `${(e.params / 1e3).toFixed(1)} k`],
    ['model bytes', `${(e.modelBytes / 1024).toFixed(1)} KiB`],
    ['BitOPs', `${(e.bitOps / 1e6).toFixed(2)} M (w·a bits / 64 per MAC)`],
    ['trained bits', e.trainedBits.join(', ')],
    ['backend', `${e.backend}, ${e.seconds.toFixed(1)} s`],
  ]).split('\n').slice(1).join('\n');
}

/** `oqat eval`: one subnet of a supernet checkpoint on the test split. */
export async function evalCommand(o: ParsedOptions, io: CliIo): Promise<number> {
  const checkpoint = await checkpointOf(o, io);
  const bits = o.bits === undefined ? undefined : intOption(o.bits, 'bits', 0, 2);
  const result = await evaluateCheckpoint({
    checkpoint,
    subnet: subnetOf(o.subnet, io),
    ...(bits === undefined ? {} : { bits }),
    testImages: intOption(o['test-images'], 'test-images', 0, 0),
    bnImages: intOption(o['bn-images'], 'bn-images', 2000),
    seed: intOption(o.seed, 'seed', 1, 0),
    backend: (o.backend ?? 'auto') as never,
  });
  if (o.json) printJson(io, result);
  else io.stdout.write(formatEvaluation(result));
  return 0;
}
