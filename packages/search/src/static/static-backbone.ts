import { tf, type Tensor } from '@oqat/engine';
import type { SpaceActivation } from '@oqat/latency';
import { applyActivation } from './activation';
import type { StaticConv2dConfig } from './static-conv2d';
import { staticConvBn, type StaticConvBn } from './static-conv-bn';
import type { StaticLayer, WeightMap } from './static-layer';
import { StaticMbBlock, type StaticMbBlockConfig } from './static-mb-block';

/** The backbone part of a static network's config (both tasks' networks carry these fields). */
export interface StaticBackboneConfig {
  /** input side the network was chosen at; other sizes are resized to it */
  resolution: number;
  inputC: number;
  stem: { conv: StaticConv2dConfig; act: SpaceActivation };
  blocks: StaticMbBlockConfig[];
  /** the final 1x1 expansion (its BN follows) and the head's activation */
  head: { expand: StaticConv2dConfig; act: SpaceActivation };
}

/** The backbone's outputs: the final expansion's map and, when asked for, a skip map. */
export interface StaticBackboneFeatures {
  features: Tensor;
  skip?: Tensor;
}

/**
 * The static twin of ElasticSupernet's body: resize to the resolution, stem,
 * blocks, final expansion (weights named as the classification network has
 * always named them: 'stem', 'blocks.i', 'head.expand').
 */
export class StaticBackbone {
  readonly stem: StaticConvBn;
  readonly blocks: StaticMbBlock[];
  readonly headExpand: StaticConvBn;

  constructor(
    readonly config: StaticBackboneConfig,
    weights?: WeightMap,
    seed = 0,
  ) {
    this.stem = staticConvBn('stem', config.stem.conv, weights, seed);
    this.blocks = config.blocks.map((b, i) => new StaticMbBlock(`blocks.${i}`, b, weights, seed));
    this.headExpand = staticConvBn('head.expand', config.head.expand, weights, seed);
  }

  /** Images [N, H, W, C] -> features; `skipAfterBlocks` also returns the output of the first n blocks (0: the stem's). */
  forward(images: Tensor, skipAfterBlocks?: number): StaticBackboneFeatures {
    const r = this.config.resolution;
    let x = images;
    if (x.shape[1] !== r || x.shape[2] !== r) x = tf.image.resizeBilinear(x as tf.Tensor4D, [r, r]);
    x = applyActivation(this.stem.bn.forward(this.stem.conv.forward(x)), this.config.stem.act);
    let skip = skipAfterBlocks === 0 ? x : undefined;
    this.blocks.forEach((block, i) => {
      x = block.forward(x);
      if (i + 1 === skipAfterBlocks) skip = x;
    });
    const features = applyActivation(this.headExpand.bn.forward(this.headExpand.conv.forward(x)), this.config.head.act);
    return skip ? { features, skip } : { features };
  }

  parts(): Array<StaticLayer<{ type: string }>> {
    return [this.stem.conv, this.stem.bn, ...this.blocks, this.headExpand.conv, this.headExpand.bn];
  }
}
