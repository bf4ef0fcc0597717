import { tf, type Tensor } from '@oqat/engine';
import { floatConv2d, type AnalogRun, type MatmulDevice } from './analog-layers';

/** The device's differential noise of one layer: mean and standard deviation per output channel. */
export interface DifferentialNoise {
  mean: Float32Array;
  std: Float32Array;
  /** products measured per channel */
  count: number;
}

/** Differential noise by layer name. */
export type DifferentialNoiseTable = Map<string, DifferentialNoise>;

interface Moments {
  count: number;
  sum: Float64Array;
  sumSq: Float64Array;
}

/**
 * Runs every product on the analog device and records, per layer and output
 * channel, the moments of the differential ε = device(x, W) − x·W (x: the
 * layer's input as the device network computes it). DNF's calibration.
 */
export class DifferentialProbe implements MatmulDevice {
  private readonly moments = new Map<string, Moments>();

  constructor(private readonly run: AnalogRun) {}

  matmul(x: Tensor, w: Tensor, layer: string): Tensor {
    const analog = this.run.matmul(x, w);
    this.record(layer, analog, () => tf.matMul(x, w));
    return analog;
  }

  conv2d(x: Tensor, w: Tensor, kernel: number, stride: number, depthwise: boolean, layer: string): Tensor {
    const analog = this.run.conv2d(x, w, kernel, stride, depthwise);
    this.record(layer, analog, () => floatConv2d(x, w, stride, depthwise));
    return analog;
  }

  private record(layer: string, analog: Tensor, float: () => Tensor): void {
    const c = analog.shape[analog.rank - 1]!;
    const [sum, sumSq] = tf.tidy(() => {
      const d = tf.reshape(tf.sub(analog, float()), [-1, c]);
      return [tf.sum(d, 0).dataSync(), tf.sum(tf.square(d), 0).dataSync()];
    });
    const m = this.moments.get(layer) ?? { count: 0, sum: new Float64Array(c), sumSq: new Float64Array(c) };
    m.count += analog.size / c;
    for (let i = 0; i < c; i++) {
      m.sum[i]! += sum[i]!;
      m.sumSq[i]! += sumSq[i]!;
    }
    this.moments.set(layer, m);
  }

  /** Mean and standard deviation of ε per layer and channel over everything recorded. */
  table(): DifferentialNoiseTable {
    return new Map([...this.moments].map(([layer, m]) => {
      const mean = Float32Array.from(m.sum, (s) => s / m.count);
      const std = Float32Array.from(m.sumSq, (s, i) => Math.sqrt(Math.max(s / m.count - mean[i]! ** 2, 0)));
      return [layer, { mean, std, count: m.count }];
    }));
  }
}

/**
 * DNF's forward pass: every product in float, plus noise sampled from the
 * layer's differential distribution, ε ~ N(mean_c, std_c²) per output channel,
 * a fresh draw per call. ε does not depend on the weights, so the gradient is
 * the float product's: the noise is a differential term of the forward value only.
 */
export class DnfNoise implements MatmulDevice {
  private calls = 0;

  constructor(
    private readonly table: DifferentialNoiseTable,
    private readonly seed = 0,
  ) {}

  matmul(x: Tensor, w: Tensor, layer: string): Tensor {
    return this.noisy(tf.matMul(x, w), layer);
  }

  conv2d(x: Tensor, w: Tensor, _kernel: number, stride: number, depthwise: boolean, layer: string): Tensor {
    return this.noisy(floatConv2d(x, w, stride, depthwise), layer);
  }

  private noisy(y: Tensor, layer: string): Tensor {
    const noise = this.table.get(layer);
    if (!noise) return y;
    this.calls += 1;
    const z = tf.randomNormal(y.shape, 0, 1, 'float32', this.seed * 1_000_003 + this.calls);
    return tf.add(y, tf.add(tf.mul(z, tf.tensor1d(noise.std)), tf.tensor1d(noise.mean)));
  }
}
