import { tf, type Tensor } from '@oqat/engine';
import { analogMatmul, type AnalogDevice } from '@oqat/quant';

/**
 * What a static conv or linear runs its product on when not on tf's float
 * kernels: the analog device (AnalogRun), or DNF's float product plus
 * sampled device noise (see differential-noise.ts). `layer` is the layer's name.
 */
export interface MatmulDevice {
  /** x [M, K] · w [K, N] */
  matmul(x: Tensor, w: Tensor, layer: string): Tensor;
  /** a conv ('same', NHWC, no bias) of x with w [k, k, C, out] (depthwise: [k, k, C, 1]) */
  conv2d(x: Tensor, w: Tensor, kernel: number, stride: number, depthwise: boolean, layer: string): Tensor;
}

/**
 * An evaluation on the analog device: the device, and the seed of each
 * matrix product's noise draw (one fresh seed per layer call, so two runs
 * from the same seed see the same noise).
 */
export class AnalogRun implements MatmulDevice {
  private calls = 0;

  constructor(
    readonly device: AnalogDevice,
    readonly seed = 0,
  ) {}

  /** x·w on the device, with the next noise seed. */
  matmul(x: Tensor, w: Tensor): Tensor {
    this.calls += 1;
    return analogMatmul(x, w, this.device, { seed: this.seed * 1_000_003 + this.calls });
  }

  conv2d(x: Tensor, w: Tensor, kernel: number, stride: number, depthwise: boolean): Tensor {
    return analogConv2d(this, x, w, kernel, stride, depthwise);
  }
}

/** tf's float conv ('same', NHWC): what the device's product is compared with. */
export function floatConv2d(x: Tensor, w: Tensor, stride: number, depthwise: boolean): Tensor {
  return depthwise ? tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, 'same') : tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, 'same');
}

/** 'same' padding of one spatial side as tf computes it: [before, after] and the output size. */
function samePadding(size: number, kernel: number, stride: number): { before: number; after: number; out: number } {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return { before: Math.floor(total / 2), after: total - Math.floor(total / 2), out };
}

/**
 * The k·k windows of x [N, H, W, C] ('same' padding, stride s) as
 * [N, Ho, Wo, k·k, C], taps in (ky, kx) order: the input vectors a k×k conv
 * multiplies with its weight [k, k, C, out] reshaped to [k·k·C, out].
 */
function windows(x: Tensor, kernel: number, stride: number): { patches: Tensor; out: [number, number] } {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const ph = samePadding(h, kernel, stride);
  const pw = samePadding(w, kernel, stride);
  const padded = tf.pad(x, [[0, 0], [ph.before, ph.after], [pw.before, pw.after], [0, 0]]);
  const taps: Tensor[] = [];
  for (let ky = 0; ky < kernel; ky++) {
    for (let kx = 0; kx < kernel; kx++) {
      taps.push(tf.stridedSlice(padded, [0, ky, kx, 0], [n, ky + (ph.out - 1) * stride + 1, kx + (pw.out - 1) * stride + 1, c], [1, stride, stride, 1]));
    }
  }
  return { patches: tf.stack(taps, 3), out: [ph.out, pw.out] };
}

/**
 * A conv ('same', NHWC, no bias) on the analog device: every output pixel's
 * window is one input vector of length k·k·C (dense) or k·k per channel
 * (depthwise, one group per channel), multiplied by the weight's columns.
 */
export function analogConv2d(run: { matmul(x: Tensor, w: Tensor): Tensor }, x: Tensor, weight: Tensor, kernel: number, stride: number, depthwise: boolean): Tensor {
  return tf.tidy(() => {
    const n = x.shape[0]!;
    const c = x.shape[3]!;
    const { patches, out } = windows(x, kernel, stride);
    const m = n * out[0] * out[1];
    if (!depthwise) {
      const outC = weight.shape[3]!;
      const y = run.matmul(tf.reshape(patches, [m, kernel * kernel * c]), tf.reshape(weight, [kernel * kernel * c, outC]));
      return tf.reshape(y, [n, out[0], out[1], outC]);
    }
    // [m, k·k, C] -> [C, m, k·k]; weight [k, k, C, 1] -> [C, k·k, 1]
    const x3 = tf.transpose(tf.reshape(patches, [m, kernel * kernel, c]), [2, 0, 1]);
    const w3 = tf.reshape(tf.transpose(tf.reshape(weight, [kernel * kernel, c]), [1, 0]), [c, kernel * kernel, 1]);
    const y = run.matmul(x3, w3); // [C, m, 1]
    return tf.reshape(tf.transpose(tf.reshape(y, [c, m]), [1, 0]), [n, out[0], out[1], c]);
  });
}
