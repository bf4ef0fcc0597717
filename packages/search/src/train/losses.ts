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

/** Per-pixel logits [N, H, W, C] as rows [N*H*W, C]; classification logits [N, C] unchanged. */
export function logitRows(logits: Tensor): Tensor {
  return logits.rank > 2 ? tf.reshape(logits, [-1, logits.shape[logits.rank - 1]!]) : logits;
}

/**
 * Per-pixel cross entropy (segmentation): mean over labelled pixels of the
 * label-smoothed cross entropy; labels outside 0..C-1 (a dataset's ignore
 * value) count for nothing.
 */
export function pixelCrossEntropy(logits: Tensor, labels: Tensor, smoothing: number): Tensor {
  const rows = logitRows(logits);
  const classes = rows.shape[1]!;
  const flat = tf.reshape(tf.cast(labels, 'int32'), [-1]) as tf.Tensor1D;
  const labelled = tf.cast(tf.logicalAnd(tf.greaterEqual(flat, 0), tf.less(flat, classes)), 'float32');
  // oneHot leaves an out-of-range label's row at zero; smoothing mass goes to labelled pixels only.
  const oneHot = tf.oneHot(flat, classes);
  const target = smoothing > 0 ? tf.add(tf.mul(oneHot, 1 - smoothing), tf.mul(tf.expandDims(labelled, 1), smoothing / classes)) : oneHot;
  const perPixel = tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(rows)), 1));
  return tf.div(tf.sum(perPixel), tf.maximum(tf.sum(labelled), 1));
}

/** The loss against labels for either task: per-image (logits [N, C]) or per-pixel (logits [N, H, W, C]). */
export function labelLoss(logits: Tensor, labels: Tensor, smoothing: number): Tensor {
  return logits.rank > 2 ? pixelCrossEntropy(logits, labels, smoothing) : smoothedCrossEntropy(logits, labels, smoothing);
}

/** In-place distillation from the teacher's probabilities, per image or per pixel. */
export function distillationLoss(logits: Tensor, teacherProbabilities: Tensor): Tensor {
  return softCrossEntropy(logitRows(logits), logitRows(teacherProbabilities));
}
