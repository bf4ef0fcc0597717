import type { Tensor } from '@oqat/engine';
import type { SearchSpace } from '@oqat/latency';
import { InvalidSpaceError } from '../../errors';
import type { ForwardContext } from '../forward-context';
import { LrAsppHead } from '../heads/lr-aspp-head';
import type { ParamOwner } from '../named-param';
import type { DynamicBatchNorm } from '../ops/dynamic-batch-norm';
import { ElasticSupernet, type SupernetOptions } from './elastic-supernet';

export interface SegmentationSupernetConfig {
  type: 'mobilenet-v3-segmentation-supernet';
  space: SearchSpace;
  seed: number;
  fixedBits: 8 | 32;
}

/**
 * The elastic MobileNetV3 backbone with a fixed LR-ASPP dense head: images
 * [N, H, W, C] -> per-pixel logits [N, H, W, classes] at the input's size
 * (the subnet itself runs at its resolution). Needs a space with a
 * segmentationHead.
 */
export class SegmentationSupernet extends ElasticSupernet {
  readonly head: LrAsppHead;

  constructor(space: SearchSpace, options: SupernetOptions) {
    super(space, options);
    if (!space.segmentationHead) {
      this.dispose();
      throw new InvalidSpaceError('segmentationHead', `is missing in space '${space.name}'; a segmentation supernet needs one (e.g. the built-in 'segmentation-scenes' space)`);
    }
    this.head = new LrAsppHead(space, space.segmentationHead, options.seed, this.quant);
  }

  forward(images: Tensor, ctx: ForwardContext): Tensor {
    const { features, skip } = this.backbone(images, ctx, this.head.headSpace.skipStage);
    return this.head.forward(features, skip!, [images.shape[1]!, images.shape[2]!], this.activeResolution, ctx);
  }

  protected headParts(): ParamOwner[] {
    // Called by dispose() before the head exists when the constructor rejects the space.
    return this.head ? [this.head] : [];
  }

  protected headBatchNorms(): DynamicBatchNorm[] {
    return this.head.batchNorms();
  }

  toConfig(): SegmentationSupernetConfig {
    return { type: 'mobilenet-v3-segmentation-supernet', space: this.space, seed: this.options.seed, fixedBits: this.fixedBits };
  }
}
