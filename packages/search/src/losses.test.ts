import { initEngine, tf } from '@oqat/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { classBalancedPixelWeights, distillationLoss, labelLoss, pixelCrossEntropy } from './losses';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

/** One 8x8 mask: a 2x2 item of class 3 on background 0, and one ignored pixel (255). */
function itemMask(): tf.Tensor {
  const m = new Int32Array(64);
  for (const p of [18, 19, 26, 27]) m[p] = 3;
  m[63] = 255;
  return tf.tensor3d(m, [1, 8, 8], 'int32');
}

/** Share of the loss gradient's L1 mass that falls on the item's pixels, for zero logits. */
function itemGradientShare(loss: (logits: tf.Tensor, masks: tf.Tensor) => tf.Tensor): number {
  return tf.tidy(() => {
    const masks = itemMask();
    const g = tf.grad((x: tf.Tensor) => loss(x, masks))(tf.zeros([1, 8, 8, 4]));
    const perPixel = Array.from(tf.sum(tf.abs(tf.reshape(g, [64, 4])), 1).dataSync());
    const item = [18, 19, 26, 27].reduce((a, p) => a + perPixel[p]!, 0);
    return item / perPixel.reduce((a, v) => a + v, 0);
  });
}

describe('per-pixel losses', () => {
  it('class-balanced weights sum to 1 over labelled pixels, weigh rare classes more and ignored pixels 0', () => {
    const w = classBalancedPixelWeights(tf.tensor1d([0, 0, 0, 1, 255], 'int32'), 2, 0.5).dataSync();
    const common = 0.75 ** -0.5;
    const rare = 0.25 ** -0.5;
    const sum = 3 * common + rare;
    expect(Array.from(w)).toEqual([common / sum, common / sum, common / sum, rare / sum, 0].map((v) => expect.closeTo(v, 6)));
    expect(Array.from(classBalancedPixelWeights(tf.tensor1d([0, 0, 0, 1, 255], 'int32'), 2, 0).dataSync())).toEqual([0.25, 0.25, 0.25, 0.25, 0]);
  });

  it('the training loss does not let background swamp a small item (the plain pixel mean gives it only its pixel share)', () => {
    // Regression: with a plain mean over pixels the item classes got ~their pixel share (here 4/63) of the
    // gradient, and the seg-quick supernet stalled at "right mask, uniform item classes" (mIoU ~14 %).
    const plain = itemGradientShare((x, m) => pixelCrossEntropy(x, m, 0));
    const training = itemGradientShare((x, m) => labelLoss(x, m, 0));
    expect(plain).toBeLessThan(0.1);
    expect(training).toBeGreaterThan(3 * plain);
    // The evaluation loss stays the plain per-pixel mean: ln 4 for uniform logits.
    expect(tf.tidy(() => pixelCrossEntropy(tf.zeros([1, 8, 8, 4]), itemMask(), 0).dataSync()[0])).toBeCloseTo(Math.log(4), 5);
  });

  it('per-pixel distillation uses the pixel weights when given, else the plain mean', () => {
    tf.tidy(() => {
      const logits = tf.randomNormal([1, 2, 2, 3], 0, 1, 'float32', 1);
      const teacher = tf.softmax(tf.randomNormal([1, 2, 2, 3], 0, 1, 'float32', 2));
      const perPixel = Array.from(tf.neg(tf.sum(tf.mul(tf.reshape(teacher, [4, 3]), tf.logSoftmax(tf.reshape(logits, [4, 3]))), 1)).dataSync());
      const weights = [0.1, 0.2, 0.3, 0.4];
      expect(distillationLoss(logits, teacher).dataSync()[0]).toBeCloseTo(perPixel.reduce((a, v) => a + v, 0) / 4, 5);
      expect(distillationLoss(logits, teacher, tf.tensor1d(weights)).dataSync()[0]).toBeCloseTo(perPixel.reduce((a, v, i) => a + v * weights[i]!, 0), 5);
    });
  });
});
