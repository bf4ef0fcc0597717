import { tf } from '../tf';
import type { Tensor2D, Tensor4D } from '../tf';
import { createReferenceNet } from './reference-net';
import { REFERENCE_CLASSES, REFERENCE_INPUT } from './reference-net-spec';

export interface ReferenceNetBenchmarkOptions {
  batch?: number;
  mode?: 'train' | 'infer';
  /** timed steps; the figure is their median. */
  repeats?: number;
  /** untimed steps first (kernel set-up, heap growth). */
  warmup?: number;
  seed?: number;
  learningRate?: number;
}

export interface ReferenceNetBenchmark {
  batch: number;
  mode: 'train' | 'infer';
  backend: string;
  /** batch / median step time. */
  imagesPerSec: number;
  msPerStep: number[];
  /** train mode: the loss after each timed step (it should fall on a fixed batch). */
  losses: number[];
}

const DEFAULTS = { batch: 64, mode: 'train', repeats: 10, warmup: 3, seed: 1, learningRate: 0.05 } as const;

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
  const { batch, mode, repeats, warmup, seed, learningRate } = { ...DEFAULTS, ...options };
  const net = createReferenceNet(seed);
  const { height, width, channels } = REFERENCE_INPUT;
  const x = tf.randomNormal([batch, height, width, channels], 0, 1, 'float32', seed) as Tensor4D;
  const labels = tf.tidy(() =>
    tf.oneHot(tf.randomUniform([batch], 0, REFERENCE_CLASSES, 'int32', seed + 1) as tf.Tensor1D, REFERENCE_CLASSES).toFloat(),
  ) as Tensor2D;
  const optimizer = tf.train.momentum(learningRate, 0.9);
  const inference = mode === 'infer' ? net.foldForInference() : undefined;

  const step = (): number => {
    if (inference) {
      const logits = inference.logits(x);
      logits.dataSync();
      logits.dispose();
      return Number.NaN;
    }
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(labels, net.trainLogits(x)) as tf.Scalar,
      true,
      net.variables,
    )!;
    const value = loss.dataSync()[0]!;
    loss.dispose();
    return value;
  };

  try {
    for (let i = 0; i < warmup; i++) step();
    const msPerStep: number[] = [];
    const losses: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      const loss = step();
      msPerStep.push(performance.now() - start);
      if (!Number.isNaN(loss)) losses.push(loss);
    }
    return { batch, mode, backend: tf.getBackend(), imagesPerSec: (batch / median(msPerStep)) * 1000, msPerStep, losses };
  } finally {
    inference?.dispose();
    optimizer.dispose();
    net.dispose();
    tf.dispose([x, labels]);
  }
}
