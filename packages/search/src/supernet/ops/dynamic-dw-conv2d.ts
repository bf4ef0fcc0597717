import { tf, type Tensor, type Variable } from '@oqat/engine';
import { heNormalFanOut, ownedVariable } from '../../init-weights';
import type { LayerQuant } from '../layer-quant';
import type { NamedBuffer, NamedParam, ParamOwner } from '../named-param';
import { sliceLeading } from './slice-leading';

export interface DynamicDwConv2dConfig {
  type: 'dynamic-dw-conv2d';
  maxChannels: number;
  /** kernel choices, ascending; the weight is stored at the largest */
  kernels: number[];
  stride: number;
}

/** Start offset of a centred `small` x `small` window inside `big` x `big`. */
function centreStart(big: number, small: number): number {
  return (big - small) / 2;
}

/**
 * Depthwise conv with elastic kernel and channels (OFA's
 * DynamicSeparableConv2d). The weight is stored at the largest kernel; a
 * smaller kernel is the centre crop of the next larger one, passed through a
 * learned (k^2 x k^2) transform shared by all channels and initialised to the
 * identity (7 -> 5 -> 3), so small kernels need not equal the big kernel's centre.
 */
export class DynamicDwConv2d implements ParamOwner {
  readonly weight: Variable;
  /** '7to5' -> [25, 25], '5to3' -> [9, 9] */
  readonly transforms = new Map<string, Variable>();

  constructor(
    readonly name: string,
    readonly config: DynamicDwConv2dConfig,
    seed: number,
    readonly quant?: LayerQuant,
  ) {
    const k = this.maxKernel;
    this.weight = ownedVariable(() => heNormalFanOut([k, k, config.maxChannels, 1], k * k, seed, `${name}.weight`), true);
    const ks = config.kernels;
    for (let i = ks.length - 1; i > 0; i--) {
      const t = ks[i - 1]!;
      this.transforms.set(`${ks[i]}to${t}`, ownedVariable(() => tf.eye(t * t), true));
    }
  }

  get maxKernel(): number {
    return this.config.kernels[this.config.kernels.length - 1]!;
  }

  /** The float depthwise filter [k, k, channels, 1] a subnet with this kernel uses. */
  activeFilter(kernel: number, channels: number): Tensor {
    const ks = this.config.kernels;
    let filter = sliceLeading(this.weight, [this.maxKernel, this.maxKernel, channels, 1]);
    for (let i = ks.length - 1; i > 0 && ks[i]! > kernel; i--) {
      const src = ks[i]!;
      const t = ks[i - 1]!;
      const s = centreStart(src, t);
      const crop = tf.slice(filter, [s, s, 0, 0], [t, t, channels, 1]);
      // Rows are kernel taps, columns channels: the transform mixes taps within each channel.
      const mixed = tf.matMul(this.transforms.get(`${src}to${t}`)!, tf.reshape(crop, [t * t, channels]));
      filter = tf.reshape(mixed, [t, t, channels, 1]);
    }
    return filter;
  }

  forward(x: Tensor, kernel: number): Tensor {
    const channels = x.shape[3]!;
    let w = this.activeFilter(kernel, channels);
    let input = x;
    if (this.quant) {
      w = this.quant.weight(w);
      input = this.quant.input(x);
    }
    return tf.depthwiseConv2d(input as tf.Tensor4D, w as tf.Tensor4D, this.config.stride, 'same');
  }

  params(): NamedParam[] {
    const transforms = [...this.transforms].map(([key, variable]) => ({
      name: `${this.name}.transform.${key}`,
      variable,
      // The transforms' prior is the identity, not zero: decay would bias them towards empty kernels.
      decay: false,
    }));
    return [{ name: `${this.name}.weight`, variable: this.weight, decay: true }, ...transforms, ...(this.quant?.params() ?? [])];
  }

  buffers(): NamedBuffer[] {
    return [];
  }

  toConfig(): DynamicDwConv2dConfig {
    return { ...this.config, kernels: [...this.config.kernels] };
  }

  dispose(): void {
    this.weight.dispose();
    for (const v of this.transforms.values()) v.dispose();
    this.quant?.dispose();
  }
}
