import { tf, type Tensor } from '@oqat/engine';
import { type SearchSpace, type SegmentationHeadSpace, skipChannels } from '@oqat/latency';
import { lrAsppGrids, lrAsppResampling, perPixel, resample, resampleTensors } from '../../static/lr-aspp-resampling';
import type { ForwardContext } from '../forward-context';
import type { QuantFactory } from '../layer-quant';
import type { NamedBuffer, NamedParam, ParamOwner } from '../named-param';
import { DynamicBatchNorm } from '../ops/dynamic-batch-norm';
import { DynamicConv2d } from '../ops/dynamic-conv2d';
import { DynamicLinear } from '../ops/dynamic-linear';

function pointwise(layer: DynamicLinear, x: Tensor, outC: number): Tensor {
  return perPixel(x, outC, (rows) => layer.forward(rows, outC));
}

/**
 * LR-ASPP (MobileNetV3's segmentation head, torchvision's LRASPPHead) with
 * fixed widths: high = relu(bn(conv1x1(features))) * sigmoid(conv1x1(features)),
 * logits = up(classify(high)) + classify(skip), upsampled to the output size.
 * The gate is per location, not LR-ASPP's pooled one: a scene holds 1-4
 * items of different classes, and a gate from the scene's mean scales every
 * item's channels by the mix of all of them (per location: 38.4 against
 * 36.3 % mIoU after 150 float steps of the largest subnet alone; level in
 * seg-quick's supernet, where item recognition, not the head, limits mIoU).
 * The high branch is classified before upsampling (torchvision upsamples
 * first): 1x1 convs and bilinear interpolation commute, and 11 channels are
 * cheaper to upsample than `channels`. Both upsamplings interpolate at where
 * each map's cells really are on the input (gridPlacement), including the
 * resize of the input to the subnet's resolution. The gated conv runs at the supernet's
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
    this.highConv = new DynamicConv2d('seg.high', highConv, seed, quant('seg.high', { precision: 'elastic', signedInput: false, outChannels: c }));
    this.highBn = new DynamicBatchNorm('seg.high.bn', c);
    // Not 'seg.gate': checkpoints of the scene-wide gate have the same shapes and must not load into this one.
    const gate = { type: 'dynamic-linear' as const, maxIn: inC, maxOut: c };
    this.gate = new DynamicLinear('seg.pixel-gate', gate, seed, quant('seg.pixel-gate', { precision: 'fixed', signedInput: false, outChannels: c }));
    const highCls = { type: 'dynamic-linear' as const, maxIn: c, maxOut: k };
    this.highClassifier = new DynamicLinear('seg.high.classifier', highCls, seed, quant('seg.high.classifier', { precision: 'fixed', signedInput: false, outChannels: k }));
    // A block's output is linear (projection + BN + residual): signed inputs.
    const skipCls = { type: 'dynamic-linear' as const, maxIn: skipChannels(space, headSpace.skipStage), maxOut: k };
    this.skipClassifier = new DynamicLinear('seg.skip.classifier', skipCls, seed, quant('seg.skip.classifier', { precision: 'fixed', signedInput: true, outChannels: k }));
  }

  /**
   * features [N, h, w, finalExpandC] and skip [N, H', W', skipC], computed at
   * `resolution` from images of `outSize` -> logits [N, outH, outW, classes].
   */
  forward(features: Tensor, skip: Tensor, outSize: readonly [number, number], resolution: number, ctx: ForwardContext): Tensor {
    const c = this.headSpace.channels;
    const k = this.space.numClasses;
    const high = this.highBn.forward(this.highConv.forward(features, c), ctx, 'relu');
    const gated = tf.mul(high, tf.sigmoid(pointwise(this.gate, features, c)));
    const grids = lrAsppGrids(this.space, this.headSpace, resolution);
    const r = lrAsppResampling(grids, [features.shape[1]!, features.shape[2]!], [skip.shape[1]!, skip.shape[2]!], outSize, resolution);
    const highLogits = resample(pointwise(this.highClassifier, gated, k), ...resampleTensors(r.toSkip));
    const logits = tf.add(pointwise(this.skipClassifier, skip, k), highLogits);
    return resample(logits, ...resampleTensors(r.toOut));
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
