import { initEngine, tf } from '@oqat/engine';
import { largestSubnet } from '@oqat/latency';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVAL } from '../forward-context';
import { lsqQuantFactory } from '../lsq-layer-quant';
import { SegmentationSupernet } from '../networks/segmentation-supernet';
import { TINY_SEGMENTATION_SPACE as space } from '../tiny-space';
import { gridPlacement, interpolationMatrix, resample } from '../../static/lr-aspp-resampling';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

describe('LR-ASPP upsampling alignment', () => {
  it("places a strided map's cells where 'same'-padded convs centre them", () => {
    // Regression: the head upsampled with aligned corners, putting the stride-8 cell i at pixel 9i
    // of a 64-pixel input instead of 8i + 7 (up to 7 pixels off for the class-carrying branch).
    expect(gridPlacement(64, [2, 1, 2, 2, 1])).toEqual({ scale: 8, offset: 7 });
    expect(gridPlacement(64, [2])).toEqual({ scale: 2, offset: 1 });
    expect(gridPlacement(7, [2])).toEqual({ scale: 2, offset: 0 });
    for (const [size, kernels] of [[64, [3, 5, 5]], [48, [3, 3, 5]], [62, [3, 5, 3]]] as const) {
      const placement = gridPlacement(size, [2, 2, 2]);
      const measured = tf.tidy(() => {
        // Each cell of a box-filtered ramp holds the mean input row it reads: its centre.
        let x: tf.Tensor = tf.reshape(tf.tile(tf.reshape(tf.range(0, size, 1, 'float32'), [size, 1]), [1, size]), [1, size, size, 1]);
        for (const k of kernels) x = tf.conv2d(x as tf.Tensor4D, tf.fill([k, k, 1, 1], 1 / (k * k)) as tf.Tensor4D, 2, 'same');
        return Array.from(tf.slice(x, [0, 2, 2, 0], [1, 2, 1, 1]).dataSync());
      });
      expect(measured[0]).toBeCloseTo(2 * placement.scale + placement.offset, 4);
      expect(measured[1]).toBeCloseTo(3 * placement.scale + placement.offset, 4);
    }
  });

  it('resamples separably like bilinear interpolation, with a gradient', () => {
    tf.tidy(() => {
      // Square: tfjs-core's ResizeBilinear gradient swaps height and width of non-square inputs.
      const x = tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 1);
      const rows = tf.tensor2d(interpolationMatrix(9, 4, (y) => (y * 3) / 8), [9, 4]);
      const cols = rows;
      const expected = tf.image.resizeBilinear(x as tf.Tensor4D, [9, 9], true);
      expect(tf.max(tf.abs(tf.sub(resample(x, rows, cols), expected))).dataSync()[0]).toBeLessThan(1e-5);
      const g = tf.grad((t: tf.Tensor) => tf.sum(resample(t, rows, cols)))(x);
      const gExpected = tf.grad((t: tf.Tensor) => tf.sum(tf.image.resizeBilinear(t as tf.Tensor4D, [9, 9], true)))(x);
      expect(tf.max(tf.abs(tf.sub(g, gExpected))).dataSync()[0]).toBeLessThan(1e-4);
    });
    // Coordinates outside the grid clamp to its edge.
    expect(Array.from(interpolationMatrix(2, 3, (y) => (y === 0 ? -1 : 5)))).toEqual([1, 0, 0, 0, 0, 1]);
  });
});

describe('LR-ASPP gate', () => {
  it('gates each location by its own features, not by the whole scene', () => {
    // Regression: the gate came from the scene's mean, so an item's logits changed with the other items of its scene.
    const net = new SegmentationSupernet(space, { seed: 1, quant: lsqQuantFactory });
    net.setActive(largestSubnet(space, 32));
    const right = tf.tidy(() => {
      // 16 px in, output stride 2: high cell i sits on pixel 2i + 1; output columns 12-15 read cells 5-7 only.
      const features = tf.randomUniform([1, 8, 8, space.head.finalExpandC], 0, 3, 'float32', 1);
      const otherLeft = tf.concat([tf.mul(tf.slice(features, [0, 0, 0, 0], [1, 8, 4, -1]), 5), tf.slice(features, [0, 0, 4, 0], [1, 8, 4, -1])], 2);
      const skip = tf.zeros([1, 16, 16, 4]);
      return [features, otherLeft].map((f) => tf.slice(net.head.forward(f, skip, [16, 16], 16, EVAL), [0, 0, 12, 0], [1, 16, 4, -1]));
    });
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(right[0]!, right[1]!))).dataSync()[0])).toBe(0);
    expect(tf.tidy(() => tf.max(tf.abs(right[0]!)).dataSync()[0])).toBeGreaterThan(0);
    right.forEach((t) => t.dispose());
    net.dispose();
  });
});
