import { tf, type Tensor } from '@oqat/engine';
import type { SearchSpace } from '@oqat/latency';
import { poolInputQ8, type Q8 } from '@oqat/quant';
import { applyActivation } from '../../static/activation';
import { extractSubnet, type ExtractOptions } from '../extract-subnet';
import type { ForwardContext } from '../forward-context';
import { inputQ8, integerActivation, integerRequantOn } from '../integer-requant';
import type { ParamOwner } from '../named-param';
import type { DynamicBatchNorm } from '../ops/dynamic-batch-norm';
import { DynamicLinear } from '../ops/dynamic-linear';
import type { StaticMobileNet } from '../../static/static-mobilenet';
import { ElasticSupernet, type SupernetOptions } from './elastic-supernet';

export type { SupernetOptions } from './elastic-supernet';

export interface MobileNetV3SupernetConfig {
  type: 'mobilenet-v3-supernet';
  space: SearchSpace;
  seed: number;
  fixedBits: 8 | 32;
}

/**
 * Once-for-all MobileNetV3 classification supernet (OFA's OFAMobileNetV3):
 * the elastic backbone, then global pooling, an optional feature-mix layer
 * and the classifier (fixed widths).
 */
export class MobileNetV3Supernet extends ElasticSupernet {
  readonly featureMix?: DynamicLinear;
  readonly classifier: DynamicLinear;

  constructor(space: SearchSpace, options: SupernetOptions) {
    super(space, options);
    const { head } = space;
    let features = head.finalExpandC;
    if (head.featureC > 0) {
      const mix = { type: 'dynamic-linear' as const, maxIn: features, maxOut: head.featureC };
      this.featureMix = new DynamicLinear('head.mix', mix, options.seed, this.quant('head.mix', { precision: 'elastic', signedInput: false, outChannels: head.featureC }));
      features = head.featureC;
    }
    const cls = { type: 'dynamic-linear' as const, maxIn: features, maxOut: space.numClasses };
    // Inputs of the classifier follow h-swish: nearly non-negative, quantized unsigned (OQAT's choice for activations).
    this.classifier = new DynamicLinear('head.classifier', cls, options.seed, this.quant('head.classifier', { precision: 'fixed', signedInput: false, outChannels: space.numClasses }));
  }

  /** Images [N, H, W, C] at any size -> logits [N, classes] of the active subnet (inputs resized to its resolution). */
  forward(images: Tensor, ctx: ForwardContext): Tensor {
    const head = this.space.head;
    let x = tf.mean(this.backbone(images, ctx).features, [1, 2]);
    // under the onnxruntime preset: the head as the integer graph computes it (integer-requant.ts)
    const integer = integerRequantOn(this.classifier.quant);
    if (this.featureMix) {
      const mix = this.featureMix.forward(x, head.featureC, integer);
      x = integer ? integerActivation(mix, head.act, inputQ8(this.classifier.quant), true) : applyActivation(mix, head.act);
    }
    if (ctx.mode === 'train' && head.dropout > 0 && ctx.dropoutSeed !== undefined) {
      x = tf.dropout(x, head.dropout, undefined, ctx.dropoutSeed);
    }
    return this.classifier.forward(x, this.space.numClasses, integer);
  }

  /** The global pool reads the features: its reader's range, widened (poolInputQ8). */
  protected override integerFeaturesReader(): Q8 | undefined {
    const reader = inputQ8(this.featureMix?.quant ?? this.classifier.quant);
    return reader && poolInputQ8(reader);
  }

  protected headParts(): ParamOwner[] {
    return this.featureMix ? [this.featureMix, this.classifier] : [this.classifier];
  }

  protected headBatchNorms(): DynamicBatchNorm[] {
    return [];
  }

  /** The active subnet as a static network (re-estimate BN statistics for it first). */
  extractSubnet(options: ExtractOptions): StaticMobileNet {
    return extractSubnet(this, options);
  }

  toConfig(): MobileNetV3SupernetConfig {
    return { type: 'mobilenet-v3-supernet', space: this.space, seed: this.options.seed, fixedBits: this.fixedBits };
  }
}
