import { statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setImmediate as eventLoopTurn } from 'node:timers/promises';
import { initEngine, type BackendRequest } from '@oqat/engine';
import { analogDevice, type AnalogDevice } from '@oqat/quant';
import type { JobContext } from '@oqat/runs';
import {
  classifyOnDevice,
  finetuneStatic,
  isStaticSubnetFile,
  loadStaticSubnet,
  loadSupernet,
  MobileNetV3Supernet,
  parseSubnetSpec,
  staticSubnet,
  staticTop1,
  subnetWidths,
  writeStaticSubnet,
  type StaticMobileNet,
  type SubnetSpec,
  type TrainConfig,
} from '@oqat/search';
import { AnalogTaskError, BitsNotTrainedError, JobConfigError } from './errors';
import { loadCheckpointEvalData, type CheckpointEvalData } from './eval-data';
import { chooseSpec, runDevice } from './evaluate-checkpoint';
import type { FinetuneNumbers, FinetuneRunRequest } from './studio-service';

/** The file a finetune run writes its finetuned subnet to, in its folder. */
export const FINETUNED_SUBNET_FILE = 'finetuned-subnet.ckpt';

export interface FinetuneJobInput {
  /** a supernet.ckpt, or a subnet file a finetune run wrote */
  checkpoint: string;
  /** a supernet's subnet: a named one or a SubnetSpec JSON value (absent for a subnet file) */
  spec?: unknown;
  /** a named subnet's bits (default: the lowest trained width, as oqat eval) */
  bits?: number;
  /** the training, search or tune run the subnet came from, and the candidate */
  parentRunId?: string;
  candidateId?: number;
  method: FinetuneRunRequest['method'];
  /** the finetuning's settings, defaults filled in (finetune-fields.ts) */
  settings: Required<Pick<FinetuneNumbers, 'steps' | 'lr' | 'batchSize' | 'momentum' | 'calibrationImages' | 'refreshSteps' | 'testImages' | 'bnImages'>>;
  /** the analog device's parameters given (the rest: the run's abfp block size and gain, then ANALOG_DEFAULTS) */
  device: Partial<AnalogDevice>;
  seed: number;
  backend: BackendRequest;
  /** the run's folder is <workDir>/<runId> */
  workDir: string;
}

/** Top-1 of one network on the test split: digital (tf's float kernels through its own fake quantizers) and on the analog device. */
export interface FinetuneScores {
  digital: number;
  analog: number;
}

export interface FinetuneJobResult {
  method: FinetuneRunRequest['method'];
  /** the subnet finetuned */
  spec: SubnetSpec;
  /** the device measured on (and whose noise DNF sampled) */
  device: AnalogDevice;
  settings: FinetuneJobInput['settings'];
  before: FinetuneScores;
  after: FinetuneScores;
  /** steps run (fewer than settings.steps when cancelled) and the mean loss of the first and last ten */
  steps: number;
  loss: { first: number; last: number } | null;
  seconds: { calibration: number; steps: number };
  /** DNF: the last differential noise measured, averaged over layers and channels (ε's mean and std) */
  noise?: { layers: number; mean: number; std: number };
  /** the finetuned subnet, which `oqat finetune --checkpoint FILE --steps 0` measures again */
  file: { path: string; bytes: number };
  testImages: number;
  /** the runs list's BEST column: the analog top-1 after finetuning */
  bestAccuracy: number;
}

interface FinetuneSubject {
  stat: StaticMobileNet;
  spec: SubnetSpec;
  config: TrainConfig;
  data: CheckpointEvalData;
}

/** The static subnet to finetune with its training config and data: a subnet file as written, or a supernet's subnet with BN re-estimated. */
async function finetuneSubject(input: FinetuneJobInput): Promise<FinetuneSubject> {
  const { testImages, bnImages } = input.settings;
  if (isStaticSubnetFile(input.checkpoint)) {
    const loaded = loadStaticSubnet(input.checkpoint);
    try {
      const data = await loadCheckpointEvalData(loaded.config, testImages, 0, input.seed);
      const spec = loaded.net.config.subnet ?? (loaded.provenance.spec as SubnetSpec);
      return { stat: loaded.net, spec, config: loaded.config, data };
    } catch (err) {
      loaded.net.dispose();
      throw err;
    }
  }
  const { net, config, trainedBits } = loadSupernet(input.checkpoint);
  try {
    if (!(net instanceof MobileNetV3Supernet)) throw new AnalogTaskError(input.checkpoint);
    const spec = input.candidateId !== undefined ? parseSubnetSpec(net.space, input.spec) : chooseSpec({ subnet: input.spec, bits: input.bits }, net.space, trainedBits);
    const untrained = subnetWidths(spec).find((b) => !trainedBits.includes(b));
    if (untrained !== undefined) throw new BitsNotTrainedError(input.checkpoint, untrained, trainedBits);
    const data = await loadCheckpointEvalData(config, testImages, bnImages, input.seed);
    try {
      return { stat: staticSubnet(net, spec, { bnImages: data.bn }), spec, config, data };
    } finally {
      for (const t of data.bn) t.dispose();
    }
  } finally {
    net.dispose();
  }
}

const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Finetunes one trained subnet for the ABFP paper's analog device
 * (Basumallik et al. 2022): measures its top-1 digitally and on the device,
 * finetunes a copy by DNF (Differential Noise Finetuning: every product in
 * float plus noise drawn per output channel from the device's measured
 * differential distribution, re-measured as the weights move) or plainly
 * (QAT at the subnet's frozen steps: the comparison point), measures again,
 * and writes the finetuned subnet as a file (weights, BN statistics, frozen
 * steps) that measures the same when read back.
 */
export async function finetuneJob(input: FinetuneJobInput, ctx: JobContext): Promise<FinetuneJobResult> {
  await initEngine({ backend: input.backend });
  const { settings, method } = input;
  const total = settings.steps + 4;
  ctx.progress(0, total, 'loading the subnet and data, re-estimating BN');
  const { stat, spec, config, data } = await finetuneSubject(input);
  let tuned: StaticMobileNet | undefined;
  try {
    const { test, normalization, train } = data;
    if (train.count < settings.batchSize) throw new JobConfigError('batchSize', `is ${settings.batchSize}, more than the ${train.count} training images`);
    const device = analogDevice({ ...runDevice(config), ...input.device });
    const deviceText = `tile ${device.blockSize}, DAC/weight/ADC ${device.inputBits}/${device.weightBits}/${device.adcBits} bits, gain ${device.gain}, noise ${device.noise}`;
    const measure = (net: StaticMobileNet): FinetuneScores => ({
      digital: staticTop1(net, test, normalization),
      analog: classifyOnDevice(net, { test, batchSize: 500, normalization }, device, input.seed).top1,
    });

    ctx.progress(1, total, `measuring before: digital and on the analog device (${deviceText})`);
    await eventLoopTurn();
    const before = measure(stat);
    for (const [name, v] of [['top1/digital', before.digital], ['top1/analog', before.analog]] as const) ctx.metric(name, v, 0, 'finetune');
    ctx.log('info', `before: digital top-1 ${pct(before.digital)}, analog top-1 ${pct(before.analog)} on ${test.count} test images; subnet ${JSON.stringify(spec)}; device ${deviceText}`);

    const label = method === 'dnf' ? 'DNF' : 'plain finetuning';
    ctx.progress(2, total, `${label}: ${settings.steps} steps`);
    const result = await finetuneStatic(stat, train, normalization, {
      steps: settings.steps, lr: settings.lr, batchSize: settings.batchSize, momentum: settings.momentum, seed: input.seed,
      ...(method === 'dnf' ? { dnf: { device, calibrationImages: settings.calibrationImages, refreshSteps: settings.refreshSteps } } : {}),
      signal: ctx.signal,
      onStep: async (step, loss) => {
        ctx.metric('loss', loss, step, 'finetune');
        ctx.progress(2 + step, total, `${label}: step ${step}/${settings.steps}, loss ${loss.toFixed(3)}`);
        await eventLoopTurn();
      },
    });
    tuned = result.net;
    // cancelled: the supervisor records the run as such; nothing is measured or written
    ctx.signal.throwIfAborted();
    const { losses } = result;
    const noise = result.noise && result.noise.size > 0 ? {
      layers: result.noise.size,
      mean: mean([...result.noise.values()].flatMap((n) => [...n.mean])),
      std: mean([...result.noise.values()].flatMap((n) => [...n.std])),
    } : undefined;
    const loss = losses.length ? { first: mean(losses.slice(0, 10)), last: mean(losses.slice(-10)) } : null;
    ctx.log('info', `${label}: ${losses.length} steps in ${result.seconds.steps.toFixed(1)} s${method === 'dnf' ? ` + ${result.seconds.calibration.toFixed(1)} s measuring the noise` : ''}${loss ? `, loss ${loss.first.toFixed(3)} → ${loss.last.toFixed(3)}` : ''}${noise ? `; differential noise over ${noise.layers} layers: mean ${noise.mean.toPrecision(3)}, std ${noise.std.toPrecision(3)}` : ''}`);

    ctx.progress(total - 2, total, 'measuring after: digital and on the analog device');
    await eventLoopTurn();
    const after = measure(tuned);
    for (const [name, v] of [['top1/digital', after.digital], ['top1/analog', after.analog]] as const) ctx.metric(name, v, losses.length, 'finetune');
    ctx.log('info', `after: digital top-1 ${pct(after.digital)} (${((after.digital - before.digital) * 100).toFixed(2)} pt), analog top-1 ${pct(after.analog)} (${((after.analog - before.analog) * 100).toFixed(2)} pt)`);

    ctx.progress(total - 1, total, `writing ${FINETUNED_SUBNET_FILE}`);
    const dir = resolve(join(input.workDir, ctx.runId));
    await mkdir(dir, { recursive: true });
    const path = join(dir, FINETUNED_SUBNET_FILE);
    writeStaticSubnet(path, tuned, config, {
      method, settings, device, spec, runId: ctx.runId, source: input.checkpoint,
      ...(input.parentRunId ? { parentRunId: input.parentRunId } : {}), ...(input.candidateId !== undefined ? { candidateId: input.candidateId } : {}),
    });
    await ctx.artifact({ path, kind: 'checkpoint' });
    await ctx.candidates([{ device: 'cpu', spec, metrics: { accuracy: after.analog, digitalAccuracy: after.digital, bits: spec.bits }, onFront: true }]);
    ctx.progress(total, total, `finetuned: analog top-1 ${pct(before.analog)} → ${pct(after.analog)}`);
    return {
      method, spec, device, settings, before, after, steps: losses.length, loss, seconds: result.seconds, ...(noise ? { noise } : {}),
      file: { path, bytes: statSync(path).size }, testImages: test.count, bestAccuracy: after.analog,
    };
  } finally {
    tuned?.dispose();
    stat.dispose();
  }
}
