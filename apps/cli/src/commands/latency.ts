import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { initEngine, type BackendRequest } from '@oqat/engine';
import { deviceRegistry, profileRandomSubnets, registerDeviceFromSamples } from '@oqat/jobs';
import { DEVICES, DEVICE_NAMES, fitPredictor, formatSample, isDeviceName, loadSamples, predictLatency, predictorFromJson, type CostModel, type DeviceName } from '@oqat/latency';
import { lowerSubnet, parseSearchSpace, parseSubnetSpec, resolveSearchSpace, type SearchSpace } from '@oqat/search';
import type { ParsedOptions } from '../command';
import { UsageError } from '../errors';
import { openStudio } from '../open-studio';
import { printJson, type CliIo } from '../io';
import { intOption } from '../options';
import { ProgressBar } from '../progress-bar';

function readJson(io: CliIo, file: unknown, option: string): unknown {
  if (typeof file !== 'string') throw new UsageError(`--${option} FILE is required`);
  const path = resolve(io.cwd, file);
  if (!existsSync(path)) throw new UsageError(`--${option}: ${path} does not exist`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`--${option}: ${path} is not valid JSON (${(err as Error).message})`);
  }
}

/** A built-in space name or a space JSON file. */
export function spaceOf(io: CliIo, value: unknown): SearchSpace {
  const name = typeof value === 'string' ? value : 'fashion-mnist';
  return existsSync(resolve(io.cwd, name)) ? parseSearchSpace(readJson(io, name, 'space')) : resolveSearchSpace(name);
}

function deviceOf(value: unknown, allowed: readonly string[]): string {
  const device = typeof value === 'string' ? value : '';
  if (!isDeviceName(device) || !allowed.includes(device)) throw new UsageError(`--device must be one of ${allowed.join(', ')}, got '${device}'`);
  return device;
}

/** `oqat latency profile`: measures distinct random subnets of a space with the jobs' profiler into JSONL samples. */
export async function latencyProfile(o: ParsedOptions, io: CliIo): Promise<number> {
  const device = deviceOf(o.device, ['cpu', 'cpu-ort', 'xavier', 'fpga']) as DeviceName;
  if (typeof o.out !== 'string') throw new UsageError('--out FILE.jsonl is required');
  const space = spaceOf(io, o.space);
  const samples = intOption(o.samples, 'samples', 100);
  const seed = intOption(o.seed, 'seed', 1, 0);
  if (device === 'cpu') await initEngine({ backend: (o.backend as BackendRequest | undefined) ?? 'auto' });
  const out = createWriteStream(resolve(io.cwd, o.out));
  const bar = o.json ? undefined : new ProgressBar(io, `profile ${device}`);
  const written = await profileRandomSubnets({
    device, space, samples, seed, fixedBits: 8,
    onSample: (s) => out.write(`${formatSample(s)}\n`),
    onProgress: (p) => bar?.update({ current: p.done, total: p.total, status: `${p.latencyMs.toFixed(3)} ms` }),
  });
  await new Promise<void>((r) => out.end(r));
  bar?.done();
  if (o.json) printJson(io, { device, samples: written.length, out: resolve(io.cwd, o.out) });
  else io.stdout.write(`${written.length} ${device} samples written to ${resolve(io.cwd, o.out)}\n`);
  return 0;
}

/** The work folder of the run store `--db` names (its device registry is `devices/` in it). */
async function studioWorkDir(io: CliIo, db: unknown): Promise<string> {
  const studio = await openStudio(io, db);
  try {
    return studio.workDir;
  } finally {
    await studio.close();
  }
}

/** `oqat latency fit --register NAME`: the few-shot device predictor from the samples, registered beside the run store. */
async function latencyRegister(o: ParsedOptions, io: CliIo, name: string): Promise<number> {
  if (typeof o.train !== 'string') throw new UsageError('--train SAMPLES.jsonl is required');
  const samples = await loadSamples(resolve(io.cwd, o.train));
  const test = typeof o.test === 'string' ? await loadSamples(resolve(io.cwd, o.test)) : undefined;
  const workDir = await studioWorkDir(io, o.db);
  const { device, file, metrics } = registerDeviceFromSamples({
    workDir, name, samples, ...(test ? { test } : {}), append: o.append === true,
    ...(typeof o.space === 'string' ? { space: o.space } : {}), ...(typeof o.runtime === 'string' ? { runtime: o.runtime } : {}),
  });
  if (o.json) printJson(io, { device: name, samples: device.samples, file, ...(metrics ? { metrics } : {}) });
  else {
    io.stdout.write(`device '${name}' registered from ${device.samples} measured networks (few-shot fit on the known devices' prior): ${file}\n`);
    if (metrics) {
      io.stdout.write(
        `on ${metrics.n} held-out networks: MAPE ${(metrics.mape * 100).toFixed(2)} %, within ±10 % ${(metrics.within10 * 100).toFixed(1)} %, Spearman ${metrics.spearman.toFixed(3)}\n`,
      );
    }
    io.stdout.write(`search it with: oqat search --run RUN --device ${name}\n`);
  }
  return 0;
}

/** `oqat latency fit`: fits a predictor on one JSONL file and reports its error on another (or registers a device). */
export async function latencyFit(o: ParsedOptions, io: CliIo): Promise<number> {
  if (typeof o.register === 'string') return latencyRegister(o, io, o.register);
  if (typeof o.train !== 'string' || typeof o.test !== 'string') throw new UsageError('--train A.jsonl and --test B.jsonl are required');
  const train = await loadSamples(resolve(io.cwd, o.train));
  const test = await loadSamples(resolve(io.cwd, o.test));
  const model = (o.model as 'lut' | 'learned' | undefined) ?? 'learned';
  const { predictor, metrics } = fitPredictor({ train, test, model });
  if (typeof o.out === 'string') writeFileSync(resolve(io.cwd, o.out), JSON.stringify(predictor.toJSON()));
  if (o.json) printJson(io, metrics);
  else {
    io.stdout.write(
      `${model} predictor for ${predictor.device}, on ${metrics.n} held-out networks: RMSE ${metrics.rmseMs.toFixed(4)} ms, ` +
        `MAPE ${(metrics.mape * 100).toFixed(2)} %, within ±10 % ${(metrics.within10 * 100).toFixed(1)} %, Spearman ${metrics.spearman.toFixed(3)}\n`,
    );
    if (typeof o.out === 'string') io.stdout.write(`predictor written to ${resolve(io.cwd, o.out)}\n`);
  }
  return 0;
}

/** `oqat latency devices`: the built-in devices and the ones registered beside the run store. */
export async function latencyDevices(o: ParsedOptions, io: CliIo): Promise<number> {
  const registry = deviceRegistry(await studioWorkDir(io, o.db));
  const registered = registry.names().map((name) => {
    const { runtime, space, samples, fittedAt } = registry.get(name);
    return { name, kind: 'registered', runtime, space, samples, fittedAt };
  });
  const builtIn = DEVICE_NAMES.map((name) => ({ name, kind: DEVICES[name].kind === 'measured' ? 'measured here' : 'simulated' }));
  if (o.json) printJson(io, { devices: [...builtIn, ...registered], registry: registry.dir });
  else {
    for (const d of builtIn) io.stdout.write(`${d.name.padEnd(16)} ${d.kind}\n`);
    for (const d of registered) {
      io.stdout.write(`${d.name.padEnd(16)} registered: ${d.samples} networks${d.runtime ? `, ${d.runtime}` : ''}${d.space ? `, space ${d.space}` : ''}, fitted ${d.fittedAt}\n`);
    }
    io.stdout.write(`registry: ${registry.dir}\n`);
  }
  return 0;
}

/** `oqat latency predict`: latency of one subnet (a SubnetSpec of a space, or a LayerDesc[] network). */
export async function latencyPredict(o: ParsedOptions, io: CliIo): Promise<number> {
  const name = typeof o.device === 'string' ? o.device : '';
  // a registered device (oqat latency fit --register) brings its own predictor; built-in ones as before
  let registered: CostModel | undefined;
  if (!isDeviceName(name) && o.predictor === undefined) registered = deviceRegistry(await studioWorkDir(io, o.db)).predictor(name);
  const device = registered ? name : deviceOf(o.device, ['cpu', 'cpu-ort', 'xavier', 'fpga']);
  const subnet = readJson(io, o.subnet, 'subnet');
  const layers = Array.isArray(subnet) ? subnet : lowerSubnet(spaceOf(io, o.space), parseSubnetSpec(spaceOf(io, o.space), subnet), { fixedBits: 8 });
  const predictor = registered ?? (o.predictor !== undefined ? predictorFromJson(readJson(io, o.predictor, 'predictor')) : undefined);
  const latencyMs = predictLatency(device, layers, predictor);
  if (o.json) printJson(io, { device, latencyMs, layers: layers.length });
  else io.stdout.write(`${latencyMs.toFixed(4)} ms on ${device} (${layers.length} layers)\n`);
  return 0;
}
