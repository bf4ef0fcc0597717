import { tf, type Tensor } from '@oqat/engine';
import { skipChannels, type SearchSpace, type SegmentationHeadSpace } from '../../space/search-space';
import type { ForwardContext } from '../forward-context';
import type { QuantFactory } from '../layer-quant';
import type { NamedBuffer, NamedParam, ParamOwner } from '../named-param';
import { DynamicBatchNorm } from '../ops/dynamic-batch-norm';
import { DynamicConv2d } from '../ops/dynamic-conv2d';
import { DynamicLinear } from '../ops/dynamic-linear';

/** A 1x1 conv with bias as a linear layer over every pixel: [N, H, W, C] -> [N, H, W, outC]. */
function pointwise(layer: DynamicLinear, x: Tensor, outC: number): Tensor {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  return tf.reshape(layer.forward(tf.reshape(x, [n * h * w, c]), outC), [n, h, w, outC]);
}

/**
 * Bilinear resize with aligned corners: wasm's ResizeBilinearGrad (like
 * tfjs-core's gradient) ignores halfPixelCenters, so only the corner-aligned
 * mapping has a gradient that matches its forward pass.
 */
export function upsampleBilinear(x: Tensor, size: readonly [number, number]): Tensor {
  if (x.shape[1] === size[0] && x.shape[2] === size[1]) return x;
  return tf.image.resizeBilinear(x as tf.Tensor4D, [size[0], size[1]], true);
}

/**
 * LR-ASPP (MobileNetV3's segmentation head, torchvision's LRASPPHead) with
 * fixed widths: high = relu(bn(conv1x1(features))) * sigmoid(fc(pool(features))),
 * logits = up(classify(high)) + classify(skip), upsampled to the output size.
 * The high branch is classified before upsampling (torchvision upsamples
 * first): 1x1 convs and bilinear interpolation commute, and 11 channels are
 * cheaper to upsample than `channels`. The gated conv runs at the supernet's
 * bit width; the gate and both classifiers at the fixed precision, as OQAT
 * keeps squeeze-excite and the classifier. Step sizes are one per layer,
 * shared by every subnet, like the backbone's.
 */
export class LrAsppHead implements ParamOwner {
  readonly name = 'seg';
  readonly highConv: DynamicConv2d;
  readonly highBn: DynamicBatchNorm;
  readonly gate: DynamicLinear;
  readonly highClassifier: DynamicLinear;
  readonly skipClassifier: DynamicLinear;

  constructor(
    readonly space: SearchSpace,
    readonly headSpace: SegmentationHeadSpace,
    seed: number,
    quant: QuantFactory,
  ) {
    const inC = space.head.finalExpandC;
    const c = headSpace.channels;
    const k = space.numClasses;
    const highConv = { type: 'dynamic-conv2d' as const, maxInC: inC, maxOutC: c, kernel: 1, stride: 1 };
    // The final expansion ends in h-swish (nearly non-negative): unsigned inputs, as the classifier's mix layer.
    this.highConv = new DynamicConv2d('seg.high', highConv, seed, quant('seg.high', { precision: 'elastic', signedInput: false }));
    this.highBn = new DynamicBatchNorm('seg.high.bn', c);
    this.gate = new DynamicLinear('seg.gate', { type: 'dynamic-linear', maxIn: inC, maxOut: c }, seed, quant('seg.gate', { precision: 'fixed', signedInput: false }));
    const highCls = { type: 'dynamic-linear' as const, maxIn: c, maxOut: k };
    this.highClassifier = new DynamicLinear('seg.high.classifier', highCls, seed, quant('seg.high.classifier', { precision: 'fixed', signedInput: false }));
    // A block's output is linear (projection + BN + residual): signed inputs.
    const skipCls = { type: 'dynamic-linear' as const, maxIn: skipChannels(space, headSpace.skipStage), maxOut: k };
    this.skipClassifier = new DynamicLinear('seg.skip.classifier', skipCls, seed, quant('seg.skip.classifier', { precision: 'fixed', signedInput: true }));
  }

  /** features [N, h, w, finalExpandC] and skip [N, H', W', skipC] -> logits [N, outH, outW, classes]. */
  forward(features: Tensor, skip: Tensor, outSize: readonly [number, number], ctx: ForwardContext): Tensor {
    const c = this.headSpace.channels;
    const k = this.space.numClasses;
    const n = features.shape[0]!;
    const high = this.highBn.forward(this.highConv.forward(features, c), ctx, 'relu');
    const gate = tf.sigmoid(this.gate.forward(tf.mean(features, [1, 2]), c));
    const gated = tf.mul(high, tf.reshape(gate, [n, 1, 1, c]));
    const highLogits = upsampleBilinear(pointwise(this.highClassifier, gated, k), [skip.shape[1]!, skip.shape[2]!]);
    const logits = tf.add(pointwise(this.skipClassifier, skip, k), highLogits);
    return upsampleBilinear(logits, outSize);
  }

  private parts(): ParamOwner[] {
    return [this.highConv, this.highBn, this.gate, this.highClassifier, this.skipClassifier];
  }

  batchNorms(): DynamicBatchNorm[] {
    return [this.highBn];
  }

  params(): NamedParam[] {
    return this.parts().flatMap((p) => p.params());
  }

  buffers(): NamedBuffer[] {
    return this.parts().flatMap((p) => p.buffers());
  }

  dispose(): void {
    for (const p of this.parts()) p.dispose();
  }
}
