import { tf } from '../tf';
import type { Tensor2D, Tensor4D } from '../tf';
import { createReferenceNet } from './reference-net';
import { REFERENCE_CLASSES, REFERENCE_INPUT } from './reference-net-spec';
import { sgdMomentum } from './sgd-momentum';
import { createDataParallelTrainer } from './data-parallel-trainer';

export interface ReferenceNetBenchmarkOptions {
  batch?: number;
  mode?: 'train' | 'infer';
  /** timed steps; the figure is their median. */
  repeats?: number;
  /** untimed steps first (kernel set-up, heap growth). */
  warmup?: number;
  seed?: number;
  learningRate?: number;
  /**
   * train mode: data-parallel replicas on worker threads, each with its own
   * single-thread wasm backend and batch/replicas images (default 1: none).
   */
  replicas?: number;
}

export interface ReferenceNetBenchmark {
  batch: number;
  mode: 'train' | 'infer';
  backend: string;
  /** batch / median step time. */
  imagesPerSec: number;
  msPerStep: number[];
  /**
   * process CPU time per step (all threads, workers included): unlike wall
   * time it barely moves when other processes load the machine, so batch /
   * (cpuMs / cores used) estimates an idle machine's figure.
   */
  cpuMsPerStep: number[];
  /** train mode: the loss after each timed step (it should fall on a fixed batch). */
  losses: number[];
}

const DEFAULTS = { batch: 64, mode: 'train', repeats: 10, warmup: 3, seed: 1, learningRate: 0.05, replicas: 1 } as const;

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Times the reference net on the active backend: a training step (forward,
 * cross-entropy, backward, SGD with momentum 0.9) or an inference forward
 * (BN folded), on one seeded random batch of 32x32x1 images.
 */
export async function benchmarkReferenceNet(options: ReferenceNetBenchmarkOptions = {}): Promise<ReferenceNetBenchmark> {
  const { batch, mode, repeats, warmup, seed, learningRate, replicas } = { ...DEFAULTS, ...options };
  if (mode === 'train' && replicas > 1) {
    return benchmarkDataParallel({ batch, repeats, warmup, seed, learningRate, replicas });
  }
  const net = createReferenceNet(seed);
  const { height, width, channels } = REFERENCE_INPUT;
  const x = tf.randomNormal([batch, height, width, channels], 0, 1, 'float32', seed) as Tensor4D;
  const labels = tf.tidy(() =>
    tf.oneHot(tf.randomUniform([batch], 0, REFERENCE_CLASSES, 'int32', seed + 1) as tf.Tensor1D, REFERENCE_CLASSES).toFloat(),
  ) as Tensor2D;
  const optimizer = sgdMomentum(net.variables, learningRate, 0.9);
  const inference = mode === 'infer' ? net.foldForInference() : undefined;

  const step = (): number => {
    if (inference) {
      const logits = inference.logits(x);
      logits.dataSync();
      logits.dispose();
      return Number.NaN;
    }
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, net.trainLogits(x)) as tf.Scalar);
    const value = loss.dataSync()[0]!;
    loss.dispose();
    return value;
  };

  try {
    for (let i = 0; i < warmup; i++) step();
    const msPerStep: number[] = [];
    const cpuMsPerStep: number[] = [];
    const losses: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      const cpu = process.cpuUsage();
      const loss = step();
      cpuMsPerStep.push(cpuMs(process.cpuUsage(cpu)));
      msPerStep.push(performance.now() - start);
      if (!Number.isNaN(loss)) losses.push(loss);
    }
    const imagesPerSec = (batch / median(msPerStep)) * 1000;
    return { batch, mode, backend: tf.getBackend(), imagesPerSec, msPerStep, cpuMsPerStep, losses };
  } finally {
    inference?.dispose();
    optimizer.dispose();
    net.dispose();
    tf.dispose([x, labels]);
  }
}

/** The train benchmark with data-parallel replicas (see data-parallel-trainer.ts). */
async function benchmarkDataParallel(o: {
  batch: number;
  repeats: number;
  warmup: number;
  seed: number;
  learningRate: number;
  replicas: number;
}): Promise<ReferenceNetBenchmark> {
  const { height, width, channels } = REFERENCE_INPUT;
  const [images, labels] = tf.tidy(() => [
    tf.randomNormal([o.batch, height, width, channels], 0, 1, 'float32', o.seed).dataSync() as Float32Array,
    tf.oneHot(tf.randomUniform([o.batch], 0, REFERENCE_CLASSES, 'int32', o.seed + 1) as tf.Tensor1D, REFERENCE_CLASSES)
      .toFloat()
      .dataSync() as Float32Array,
  ]);
  const trainer = await createDataParallelTrainer(o.replicas, { seed: o.seed, learningRate: o.learningRate, momentum: 0.9 });
  try {
    for (let i = 0; i < o.warmup; i++) await trainer.step(images, labels, o.batch);
    const msPerStep: number[] = [];
    const cpuMsPerStep: number[] = [];
    const losses: number[] = [];
    for (let i = 0; i < o.repeats; i++) {
      const start = performance.now();
      const cpu = process.cpuUsage();
      losses.push(await trainer.step(images, labels, o.batch));
      cpuMsPerStep.push(cpuMs(process.cpuUsage(cpu)));
      msPerStep.push(performance.now() - start);
    }
    await trainer.flush();
    const imagesPerSec = (o.batch / median(msPerStep)) * 1000;
    const backend = `wasm x${o.replicas} replicas`;
    return { batch: o.batch, mode: 'train', backend, imagesPerSec, msPerStep, cpuMsPerStep, losses };
  } finally {
    await trainer.dispose();
  }
}
