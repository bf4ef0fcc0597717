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
  return tf.mean(rowCrossEntropy(logits, target));
}

/** -sum(target * log_softmax(logits)) of each row [R, C] -> [R]. */
function rowCrossEntropy(logits: Tensor, target: Tensor): Tensor {
  return tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1));
}

/** Per-pixel logits [N, H, W, C] as rows [N*H*W, C]; classification logits [N, C] unchanged. */
export function logitRows(logits: Tensor): Tensor {
  return logits.rank > 2 ? tf.reshape(logits, [-1, logits.shape[logits.rank - 1]!]) : logits;
}

/**
 * How strongly the per-pixel training loss balances classes: a pixel of class
 * c weighs (share of c among the batch's labelled pixels)^-PIXEL_CLASS_BALANCE.
 * With a plain per-pixel mean, background (most pixels) dominates the loss:
 * foreground/background is learnt in a few steps and the item classes then
 * get a gradient scaled by their small pixel share, so within a short run the
 * loss sits at "right mask, uniform over item classes". 0.5 (inverse square
 * root of frequency) gives the rare classes most of the loss without the
 * noise of full inverse-frequency weights.
 */
export const PIXEL_CLASS_BALANCE = 0.5;

/**
 * Per-pixel loss weights [P] (P = every label) that sum to 1 over labelled
 * pixels: each class's pixels weigh share^-power (power 0: a plain mean);
 * labels outside 0..classes-1 (a dataset's ignore value) weigh 0. No gradient.
 */
export function classBalancedPixelWeights(labels: Tensor, classes: number, power: number): Tensor {
  return tf.tidy(() => {
    const flat = tf.reshape(tf.cast(labels, 'int32'), [-1]) as tf.Tensor1D;
    // oneHot leaves an out-of-range label's row at zero.
    const oneHot = tf.oneHot(flat, classes);
    const counts = tf.sum(oneHot, 0);
    const labelled = tf.maximum(tf.sum(counts), 1);
    const present = tf.greater(counts, 0);
    const share = tf.div(tf.maximum(counts, 1), labelled);
    const perClass = power > 0 ? tf.where(present, tf.pow(share, -power), tf.zerosLike(share)) : tf.cast(present, 'float32');
    const perPixel = tf.squeeze(tf.matMul(oneHot, tf.reshape(perClass, [classes, 1])), [1]);
    return tf.div(perPixel, tf.maximum(tf.sum(perPixel), 1e-12));
  });
}

/**
 * Per-pixel cross entropy (segmentation): label-smoothed cross entropy
 * summed over pixels with `pixelWeights` [N*H*W] (summing to 1, e.g.
 * classBalancedPixelWeights of `labels`); without them, the plain mean over
 * labelled pixels. Labels outside 0..C-1 (a dataset's ignore value) count for nothing.
 */
export function pixelCrossEntropy(logits: Tensor, labels: Tensor, smoothing: number, pixelWeights?: Tensor): Tensor {
  const rows = logitRows(logits);
  const classes = rows.shape[1]!;
  const flat = tf.reshape(tf.cast(labels, 'int32'), [-1]) as tf.Tensor1D;
  const weights = pixelWeights ?? classBalancedPixelWeights(flat, classes, 0);
  // oneHot leaves an out-of-range label's row at zero; smoothing mass goes to labelled pixels only.
  const oneHot = tf.oneHot(flat, classes);
  const target = smoothing > 0 ? tf.add(tf.mul(oneHot, 1 - smoothing), tf.mul(tf.sum(oneHot, 1, true), smoothing / classes)) : oneHot;
  return tf.sum(tf.mul(rowCrossEntropy(rows, target), weights));
}

/**
 * The training loss against labels for either task: per-image (logits [N, C])
 * or per-pixel, class-balanced (logits [N, H, W, C]; `pixelWeights` are the
 * batch's classBalancedPixelWeights at PIXEL_CLASS_BALANCE when the caller
 * already has them).
 */
export function labelLoss(logits: Tensor, labels: Tensor, smoothing: number, pixelWeights?: Tensor): Tensor {
  if (logits.rank <= 2) return smoothedCrossEntropy(logits, labels, smoothing);
  const weights = pixelWeights ?? classBalancedPixelWeights(labels, logits.shape[logits.rank - 1]!, PIXEL_CLASS_BALANCE);
  return pixelCrossEntropy(logits, labels, smoothing, weights);
}

/**
 * In-place distillation from the teacher's probabilities, per image or per
 * pixel. `pixelWeights` [N*H*W] (summing to 1, e.g. classBalancedPixelWeights
 * of the batch's masks) weight a per-pixel loss as the label loss is weighted;
 * without them every pixel counts the same.
 */
export function distillationLoss(logits: Tensor, teacherProbabilities: Tensor, pixelWeights?: Tensor): Tensor {
  if (!pixelWeights || logits.rank <= 2) return softCrossEntropy(logitRows(logits), logitRows(teacherProbabilities));
  return tf.sum(tf.mul(rowCrossEntropy(logitRows(logits), logitRows(teacherProbabilities)), pixelWeights));
}
