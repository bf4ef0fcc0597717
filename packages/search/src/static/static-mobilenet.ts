import { tf, type Tensor } from '@oqat/engine';
import type { SubnetSpec } from '@oqat/latency';
import { applyActivation } from './activation';
import { StaticBackbone, type StaticBackboneConfig } from './static-backbone';
import type { StaticLayer, WeightMap } from './static-layer';
import { StaticLinear, type StaticLinearConfig } from './static-linear';

export interface StaticMobileNetConfig extends StaticBackboneConfig {
  type: 'mobilenet-v3';
  numClasses: number;
  head: StaticBackboneConfig['head'] & { mix?: StaticLinearConfig; classifier: StaticLinearConfig };
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
  readonly backbone: StaticBackbone;
  readonly mix?: StaticLinear;
  readonly classifier: StaticLinear;

  constructor(
    readonly config: StaticMobileNetConfig,
    weights?: WeightMap,
    seed = 0,
  ) {
    this.backbone = new StaticBackbone(config, weights, seed);
    if (config.head.mix) this.mix = new StaticLinear('head.mix', config.head.mix, weights, seed);
    this.classifier = new StaticLinear('head.classifier', config.head.classifier, weights, seed);
  }

  /** Images [N, H, W, C] -> logits [N, classes]. */
  forward(images: Tensor): Tensor {
    let x = tf.mean(this.backbone.forward(images).features, [1, 2]);
    if (this.mix) x = applyActivation(this.mix.forward(x), this.config.head.act);
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
    const p: Array<StaticLayer<{ type: string }> | undefined> = [...this.backbone.parts(), this.mix, this.classifier];
    return p.filter((x): x is StaticLayer<{ type: string }> => x !== undefined);
  }

  weights(): WeightMap {
    return new Map(this.parts().flatMap((p) => [...p.weights()]));
  }

  dispose(): void {
    for (const p of this.parts()) p.dispose();
  }
}
