import { tf, type Tensor } from '@oqat/engine';
import type { SpaceActivation } from '../space/search-space';
import type { SubnetSpec } from '../space/subnet-spec';
import { applyActivation } from '../supernet/activation';
import { StaticBatchNorm } from './static-batch-norm';
import { StaticConv2d, type StaticConv2dConfig } from './static-conv2d';
import type { StaticLayer, WeightMap } from './static-layer';
import { StaticLinear, type StaticLinearConfig } from './static-linear';
import { StaticMbBlock, type StaticMbBlockConfig } from './static-mb-block';

export interface StaticMobileNetConfig {
  type: 'mobilenet-v3';
  /** input side the network was chosen at; other sizes are resized to it */
  resolution: number;
  inputC: number;
  numClasses: number;
  stem: { conv: StaticConv2dConfig; act: SpaceActivation };
  blocks: StaticMbBlockConfig[];
  head: { expand: StaticConv2dConfig; act: SpaceActivation; mix?: StaticLinearConfig; classifier: StaticLinearConfig };
  /** the subnet this network was extracted as, and the space it came from (provenance) */
  subnet?: SubnetSpec;
  spaceName?: string;
}

/**
 * A subnet as an ordinary network: its own tensors, fixed shapes, BN
 * statistics and frozen quantization steps. What export serialises; its
 * outputs equal the supernet's for the same subnet in eval mode.
 */
export class StaticMobileNet implements StaticLayer<StaticMobileNetConfig> {
  readonly name = 'net';
  readonly stem: { conv: StaticConv2d; bn: StaticBatchNorm };
  readonly blocks: StaticMbBlock[];
  readonly headExpand: { conv: StaticConv2d; bn: StaticBatchNorm };
  readonly mix?: StaticLinear;
  readonly classifier: StaticLinear;

  constructor(
    readonly config: StaticMobileNetConfig,
    weights?: WeightMap,
    seed = 0,
  ) {
    const convBn = (name: string, c: StaticConv2dConfig): { conv: StaticConv2d; bn: StaticBatchNorm } => ({
      conv: new StaticConv2d(name, c, weights, seed),
      bn: new StaticBatchNorm(`${name}.bn`, { type: 'batch-norm', channels: c.outC }, weights),
    });
    this.stem = convBn('stem', config.stem.conv);
    this.blocks = config.blocks.map((b, i) => new StaticMbBlock(`blocks.${i}`, b, weights, seed));
    this.headExpand = convBn('head.expand', config.head.expand);
    if (config.head.mix) this.mix = new StaticLinear('head.mix', config.head.mix, weights, seed);
    this.classifier = new StaticLinear('head.classifier', config.head.classifier, weights, seed);
  }

  /** Images [N, H, W, C] -> logits [N, classes]. */
  forward(images: Tensor): Tensor {
    const r = this.config.resolution;
    let x = images;
    if (x.shape[1] !== r || x.shape[2] !== r) x = tf.image.resizeBilinear(x as tf.Tensor4D, [r, r]);
    x = applyActivation(this.stem.bn.forward(this.stem.conv.forward(x)), this.config.stem.act);
    for (const block of this.blocks) x = block.forward(x);
    const act = this.config.head.act;
    x = applyActivation(this.headExpand.bn.forward(this.headExpand.conv.forward(x)), act);
    x = tf.mean(x, [1, 2]);
    if (this.mix) x = applyActivation(this.mix.forward(x), act);
    return this.classifier.forward(x);
  }

  /** Logits without keeping intermediates (inference helper). */
  predict(images: Tensor): Tensor {
    return tf.tidy(() => this.forward(images));
  }

  toConfig(): StaticMobileNetConfig {
    return JSON.parse(JSON.stringify(this.config)) as StaticMobileNetConfig;
  }

  private parts(): Array<StaticLayer<{ type: string }>> {
    const p: Array<StaticLayer<{ type: string }> | undefined> = [
      this.stem.conv, this.stem.bn, ...this.blocks, this.headExpand.conv, this.headExpand.bn, this.mix, this.classifier,
    ];
    return p.filter((x): x is StaticLayer<{ type: string }> => x !== undefined);
  }

  weights(): WeightMap {
    return new Map(this.parts().flatMap((p) => [...p.weights()]));
  }

  dispose(): void {
    for (const p of this.parts()) p.dispose();
  }
}
