import { tf, type Tensor } from '@oqat/engine';
import { lrAsppResampling, perPixel, resample, resampleTensors, type GridPlacement, type LrAsppResampling } from './lr-aspp-resampling';
import type { StaticConv2dConfig } from './static-conv2d';
import { staticConvBn, type StaticConvBn } from './static-conv-bn';
import type { StaticLayer, WeightMap } from './static-layer';
import { StaticLinear, type StaticLinearConfig } from './static-linear';

export interface StaticLrAsppHeadConfig {
  type: 'lr-aspp-head';
  /** the skip branch reads the output of the backbone's first n blocks (0: the stem's) */
  skipAfterBlocks: number;
  /** 1x1 conv on the final expansion, BN and ReLU */
  high: StaticConv2dConfig;
  /** per-pixel gate (sigmoid) of the high branch */
  gate: StaticLinearConfig;
  highClassifier: StaticLinearConfig;
  skipClassifier: StaticLinearConfig;
  /** where the cells of the high and skip maps sit on the resized input (gridPlacement at the subnet's resolution) */
  grids: { high: GridPlacement; skip: GridPlacement };
}

/**
 * The static twin of LrAsppHead: high = relu(bn(conv1x1(features))) ·
 * sigmoid(gate(features)), logits = up(classify(high)) + classify(skip),
 * upsampled to the output size, with the supernet's own interpolation
 * weights (lrAsppResampling) and frozen quantization steps.
 */
export class StaticLrAsppHead implements StaticLayer<StaticLrAsppHeadConfig> {
  readonly name = 'seg';
  readonly high: StaticConvBn;
  readonly gate: StaticLinear;
  readonly highClassifier: StaticLinear;
  readonly skipClassifier: StaticLinear;

  constructor(
    readonly config: StaticLrAsppHeadConfig,
    weights?: WeightMap,
    seed = 0,
  ) {
    this.high = staticConvBn('seg.high', config.high, weights, seed);
    this.gate = new StaticLinear('seg.gate', config.gate, weights, seed);
    this.highClassifier = new StaticLinear('seg.high.classifier', config.highClassifier, weights, seed);
    this.skipClassifier = new StaticLinear('seg.skip.classifier', config.skipClassifier, weights, seed);
  }

  /** The interpolation weights for maps of these sizes, computed at `resolution` from images of `outSize`. */
  resampling(highSize: readonly [number, number], skipSize: readonly [number, number], outSize: readonly [number, number], resolution: number): LrAsppResampling {
    return lrAsppResampling(this.config.grids, highSize, skipSize, outSize, resolution);
  }

  /** features [N, h, w, C] and skip [N, H', W', skipC] -> logits [N, outH, outW, classes]. */
  forward(features: Tensor, skip: Tensor, outSize: readonly [number, number], resolution: number): Tensor {
    const c = this.config.high.outC;
    const k = this.config.highClassifier.outF;
    const high = tf.relu(this.high.bn.forward(this.high.conv.forward(features)));
    const gated = tf.mul(high, tf.sigmoid(perPixel(features, c, (rows) => this.gate.forward(rows))));
    const r = this.resampling([features.shape[1]!, features.shape[2]!], [skip.shape[1]!, skip.shape[2]!], outSize, resolution);
    const highLogits = resample(perPixel(gated, k, (rows) => this.highClassifier.forward(rows)), ...resampleTensors(r.toSkip));
    const logits = tf.add(perPixel(skip, k, (rows) => this.skipClassifier.forward(rows)), highLogits);
    return resample(logits, ...resampleTensors(r.toOut));
  }

  toConfig(): StaticLrAsppHeadConfig {
    return JSON.parse(JSON.stringify(this.config)) as StaticLrAsppHeadConfig;
  }

  parts(): Array<StaticLayer<{ type: string }>> {
    return [this.high.conv, this.high.bn, this.gate, this.highClassifier, this.skipClassifier];
  }

  weights(): WeightMap {
    return new Map(this.parts().flatMap((p) => [...p.weights()]));
  }

  dispose(): void {
    for (const p of this.parts()) p.dispose();
  }
}
