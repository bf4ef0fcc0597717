import { tf, type Tensor } from '@oqat/engine';

/** Cross entropy with label smoothing: targets (1 - eps) on the label plus eps / classes everywhere. */
export function smoothedCrossEntropy(logits: Tensor, labels: Tensor, smoothing: number): Tensor {
  const classes = logits.shape[1]!;
  const oneHot = tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, classes);
  const target = smoothing > 0 ? tf.add(tf.mul(oneHot, 1 - smoothing), smoothing / classes) : oneHot;
  return softCrossEntropy(logits, target);
}

/** Mean over the batch of -sum(target * log_softmax(logits)): OFA's distillation loss with soft targets. */
export function softCrossEntropy(logits: Tensor, target: Tensor): Tensor {
  return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1)));
}
