import { tf, type Tensor } from '@oqat/engine';
import type { SubnetSpec } from '@oqat/latency';
import { StaticBackbone, type StaticBackboneConfig } from './static-backbone';
import type { StaticLayer, WeightMap } from './static-layer';
import { StaticLrAsppHead, type StaticLrAsppHeadConfig } from './static-lr-aspp-head';

export interface StaticSegmentationNetConfig extends StaticBackboneConfig {
  type: 'mobilenet-v3-segmentation';
  numClasses: number;
  segmentationHead: StaticLrAsppHeadConfig;
  /** the subnet this network was extracted as, and the space it came from (provenance) */
  subnet?: SubnetSpec;
  spaceName?: string;
}

/**
 * A segmentation subnet as an ordinary network (the static twin of
 * SegmentationSupernet's active subnet): images [N, H, W, C] -> per-pixel
 * logits [N, H, W, classes] at the images' size.
 */
export class StaticSegmentationNet implements StaticLayer<StaticSegmentationNetConfig> {
  readonly name = 'net';
  readonly backbone: StaticBackbone;
  readonly head: StaticLrAsppHead;

  constructor(
    readonly config: StaticSegmentationNetConfig,
    weights?: WeightMap,
    seed = 0,
  ) {
    this.backbone = new StaticBackbone(config, weights, seed);
    this.head = new StaticLrAsppHead(config.segmentationHead, weights, seed);
  }

  forward(images: Tensor): Tensor {
    const { features, skip } = this.backbone.forward(images, this.config.segmentationHead.skipAfterBlocks);
    return this.head.forward(features, skip!, [images.shape[1]!, images.shape[2]!], this.config.resolution);
  }

  /** Logits without keeping intermediates (inference helper). */
  predict(images: Tensor): Tensor {
    return tf.tidy(() => this.forward(images));
  }

  toConfig(): StaticSegmentationNetConfig {
    return JSON.parse(JSON.stringify(this.config)) as StaticSegmentationNetConfig;
  }

  private parts(): Array<StaticLayer<{ type: string }>> {
    return [...this.backbone.parts(), this.head];
  }

  weights(): WeightMap {
    return new Map(this.parts().flatMap((p) => [...p.weights()]));
  }

  dispose(): void {
    for (const p of this.parts()) p.dispose();
  }
}
