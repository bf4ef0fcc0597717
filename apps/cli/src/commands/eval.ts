import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { evaluateCheckpoint, NAMED_SUBNETS, type CheckpointEvaluation } from '@oqat/jobs';
import type { ParsedOptions } from '../command';
import { UsageError } from '../errors';
import { formatLayerBits, formatPercent, formatTable } from '../format-table';
import { printJson, type CliIo } from '../io';
import { openStudio } from '../open-studio';
import { intOption, numberOption } from '../options';

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
    ...(e.analog ? [['analog top-1', formatAnalog(e.analog)]] : []),
    ['backend', `${e.backend}, ${e.seconds.toFixed(1)} s`],
  ]).split('\n').slice(1).join('\n');
}

/** The analog device's line: its top-1 and the parameters it ran at. */
export function formatAnalog(a: NonNullable<CheckpointEvaluation['analog']>): string {
  const d = a.device;
  return `${formatPercent(a.top1)} (tile ${d.blockSize}, DAC ${d.inputBits} / weights ${d.weightBits} / ADC ${d.adcBits} bits, gain ${d.gain}, noise ${d.noise} of full scale)`;
}

/** The analog device's parameters from `--device analog` and its flags (absent ones: the device's defaults). */
export function analogOptions(o: ParsedOptions): Record<string, number> | undefined {
  const flags = ['analog-block-size', 'dac-bits', 'weight-bits', 'adc-bits', 'gain', 'analog-noise'];
  if (o.device === undefined) {
    const stray = flags.find((f) => o[f] !== undefined);
    if (stray) throw new UsageError(`--${stray} describes the analog device: add --device analog`);
    return undefined;
  }
  const bits = (name: string): number | undefined => (o[name] === undefined ? undefined : intOption(o[name], name, 0, 2, 32));
  const noise = o['analog-noise'] === undefined ? undefined : Number(o['analog-noise']);
  if (noise !== undefined && !(Number.isFinite(noise) && noise >= 0)) throw new UsageError(`--analog-noise must be a number ≥ 0, got '${String(o['analog-noise'])}'`);
  const given = {
    blockSize: o['analog-block-size'] === undefined ? undefined : intOption(o['analog-block-size'], 'analog-block-size', 0, 1),
    inputBits: bits('dac-bits'),
    weightBits: bits('weight-bits'),
    adcBits: bits('adc-bits'),
    gain: numberOption(o.gain, 'gain'),
    noise,
  };
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Record<string, number>;
}

/** `oqat eval`: one subnet of a supernet checkpoint on the test split. */
export async function evalCommand(o: ParsedOptions, io: CliIo): Promise<number> {
  const checkpoint = await checkpointOf(o, io);
  const bits = o.bits === undefined ? undefined : intOption(o.bits, 'bits', 0, 2);
  const analog = analogOptions(o);
  const result = await evaluateCheckpoint({
    checkpoint,
    subnet: subnetOf(o.subnet, io),
    ...(bits === undefined ? {} : { bits }),
    testImages: intOption(o['test-images'], 'test-images', 0, 0),
    bnImages: intOption(o['bn-images'], 'bn-images', 2000),
    seed: intOption(o.seed, 'seed', 1, 0),
    backend: (o.backend ?? 'auto') as never,
    ...(analog ? { analog } : {}),
  });
  if (o.json) printJson(io, result);
  else io.stdout.write(formatEvaluation(result));
  return 0;
}
