import { floatBatches, type ImageDataset, type Normalization } from '@oqat/data';
import { tf, type Tensor } from '@oqat/engine';
import type { AnalogDevice } from '@oqat/quant';
import { AnalogRun } from '../static/analog-layers';
import { setAnalogDevice } from '../static/analog-network';
import { DifferentialProbe, DnfNoise, type DifferentialNoiseTable } from '../static/differential-noise';
import { StaticMobileNet } from '../static/static-mobilenet';

/** DNF's settings: the device whose noise is sampled, and how its differential distribution is measured. */
export interface DnfOptions {
  device: AnalogDevice;
  /** training images run on the device to measure each layer's differential noise (re-measured every `refreshSteps`) */
  calibrationImages: number;
  /** steps between measurements (the weights move); 0: measured once, before the first step */
  refreshSteps: number;
}

export interface StaticFinetuneOptions {
  steps: number;
  lr: number;
  batchSize: number;
  seed: number;
  /** SGD momentum (Nesterov); default 0.9 */
  momentum?: number;
  /** DNF: float products plus the device's sampled differential noise; absent: plain finetuning of the quantized network (QAT at its frozen steps) */
  dnf?: DnfOptions;
  /** awaited after every step with its number (1-based) and mean loss: a job's progress, and its turn of the event loop (cancellation) */
  onStep?: (step: number, loss: number) => void | Promise<void>;
  /** stops before the next step once aborted (the result holds the steps run) */
  signal?: AbortSignal;
}

export interface StaticFinetuneResult {
  /** the finetuned network (the caller disposes it); the input network is left as it was */
  net: StaticMobileNet;
  /** mean training loss per step */
  losses: number[];
  /** the last differential noise table DNF sampled from */
  noise?: DifferentialNoiseTable;
  /** seconds spent measuring the differential noise on the device, and in training steps */
  seconds: { calibration: number; steps: number };
}

const TRAINED = /\.(weight|bias|gamma|beta)$/;

/** Each layer's differential noise on the device, over the first `images` training images. */
function measureNoise(net: StaticMobileNet, batches: readonly Tensor[], dnf: DnfOptions, seed: number): DifferentialNoiseTable {
  const probe = new DifferentialProbe(new AnalogRun(dnf.device, seed));
  setAnalogDevice(net, probe);
  try {
    for (const images of batches) tf.tidy(() => void net.forward(images));
  } finally {
    setAnalogDevice(net, undefined);
  }
  return probe.table();
}

/**
 * Finetunes a static classification network (a trained subnet with its
 * frozen fake quantizers) on training images with Nesterov SGD at a constant
 * learning rate: convs, linears and BN's γ/β learn, BN statistics and
 * quantizer steps stay. With `dnf`: Differential Noise Finetuning (ABFP
 * paper): every product is the float one plus noise drawn per output channel
 * from the device's measured differential distribution (DifferentialProbe,
 * DnfNoise); the backward pass is the float network's.
 */
export async function finetuneStatic(stat: StaticMobileNet, train: ImageDataset, normalization: Normalization, options: StaticFinetuneOptions): Promise<StaticFinetuneResult> {
  const weights = new Map([...stat.weights()].map(([k, t]) => [k, TRAINED.test(k) ? tf.variable(tf.clone(t), true, `finetune/${k}`) : tf.clone(t)] as const));
  const net = new StaticMobileNet(stat.toConfig(), weights);
  const vars = [...weights].filter(([k]) => TRAINED.test(k)).map(([, v]) => v as tf.Variable);
  const optimizer = tf.train.momentum(options.lr, options.momentum ?? 0.9, true);
  const losses: number[] = [];
  const seconds = { calibration: 0, steps: 0 };
  const { dnf } = options;
  const calibration: Tensor[] = [];
  if (dnf) {
    for (const b of floatBatches(train, { batchSize: Math.min(options.batchSize, dnf.calibrationImages), seed: options.seed + 1, normalize: normalization })) {
      if (calibration.length * b.size >= dnf.calibrationImages) break;
      calibration.push(tf.tensor4d(b.images, [b.size, b.height, b.width, b.channels]));
    }
  }
  let noise: DifferentialNoiseTable | undefined;
  try {
    for (let epoch = 0; losses.length < options.steps; epoch++) {
      for (const b of floatBatches(train, { batchSize: options.batchSize, seed: options.seed, epoch, normalize: normalization, dropLast: true })) {
        if (losses.length >= options.steps || options.signal?.aborted) break;
        if (dnf && (!noise || (dnf.refreshSteps > 0 && losses.length % dnf.refreshSteps === 0))) {
          const t0 = performance.now();
          noise = measureNoise(net, calibration, dnf, options.seed + losses.length);
          seconds.calibration += (performance.now() - t0) / 1000;
          setAnalogDevice(net, new DnfNoise(noise, options.seed + losses.length));
        }
        const t0 = performance.now();
        const loss = tf.tidy(() => {
          const images = tf.tensor4d(b.images, [b.size, b.height, b.width, b.channels]);
          const labels = tf.oneHot(tf.tensor1d(b.labels, 'int32'), stat.config.numClasses);
          const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, net.forward(images)) as tf.Scalar, true, vars);
          return cost!.dataSync()[0]!;
        });
        seconds.steps += (performance.now() - t0) / 1000;
        losses.push(loss);
        await options.onStep?.(losses.length, loss);
      }
      if (options.signal?.aborted) break;
    }
  } finally {
    setAnalogDevice(net, undefined);
    optimizer.dispose();
    for (const t of calibration) t.dispose();
  }
  return { net, losses, seconds, ...(noise ? { noise } : {}) };
}
