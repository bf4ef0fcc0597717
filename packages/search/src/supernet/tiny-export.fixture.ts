import { tf, type Tensor } from '@oqat/engine';
import type { SubnetSpec } from '@oqat/latency';
import type { StaticQuantConfig } from '../static/static-layer';
import { EVAL, TRAIN } from './forward-context';
import type { QuantFactory } from './layer-quant';
import { lsqQuantFactory } from './lsq-layer-quant';
import type { ElasticSupernet } from './networks/elastic-supernet';
import { MobileNetV3Supernet } from './networks/mobilenet-v3';
import { SegmentationSupernet } from './networks/segmentation-supernet';
import { reestimateBn } from './reestimate-bn';
import { TINY_SEGMENTATION_SPACE, TINY_SPACE } from './tiny-space';

/** Test fixture: a tiny quantized supernet with non-trivial BN (some negative γ) and kernel transforms. */
export interface TinyExportFixture<N extends ElasticSupernet = MobileNetV3Supernet> {
  net: N;
  /** BN re-estimation batches, 10x10 (segmentation: 14x14), so the exported resize is exercised */
  bn: Tensor[];
  /** test images, normalized-like, of the BN batches' size */
  images: Tensor;
  dispose(): void;
}

export const TINY_SPECS: Record<string, SubnetSpec> = {
  // resolution 12 > 10: upsampling; SE in stage 2; 7x7 kernel through both transforms
  large4: { resolution: 12, depths: [2, 2], kernels: [[5, 3], [7, 3]], expands: [[3, 2], [3, 3]], bits: 4 },
  // resolution 8 < 10: downsampling
  small2: { resolution: 8, depths: [1, 1], kernels: [[3], [5]], expands: [[2], [2]], bits: 2 },
  mid3: { resolution: 12, depths: [1, 2], kernels: [[5], [3, 5]], expands: [[2], [2, 3]], bits: 3 },
  float: { resolution: 8, depths: [2, 1], kernels: [[3, 5], [3]], expands: [[3, 2], [2]], bits: 32 },
  // mid3 with per-layer bits: the first block's depthwise and a stage-1 depthwise wider, a projection and the feature mix narrower
  mixed: {
    resolution: 12, depths: [1, 2], kernels: [[5], [3, 5]], expands: [[2], [2, 3]], bits: 3,
    bitsByLayer: { 'first.dw': 4, 'stages.1.0.dw': 4, 'stages.1.1.project': 2, 'head.mix': 2 },
  },
};

/** Subnets of TINY_SEGMENTATION_SPACE (resolutions 12 and 16) around the 14x14 fixture images. */
export const TINY_SEGMENTATION_SPECS: Record<string, SubnetSpec> = {
  large4: { resolution: 16, depths: [2, 2], kernels: [[5, 3], [7, 3]], expands: [[3, 2], [3, 3]], bits: 4 },
  small2: { resolution: 12, depths: [1, 1], kernels: [[3], [5]], expands: [[2], [2]], bits: 2 },
  float: { resolution: 12, depths: [2, 1], kernels: [[3, 5], [3]], expands: [[3, 2], [2]], bits: 32 },
};

/** Random kernel transforms and BN parameters, so the extraction and the fold are exercised. */
function perturb(net: ElasticSupernet, seed: number): void {
  tf.tidy(() => {
    for (const b of net.stages.flat()) {
      for (const v of b.dwConv.transforms.values()) v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.1, 'float32', seed + 1)));
    }
    // Negative and uneven γ, non-zero β: the BN fold must carry signs and shifts.
    for (const bn of net.batchNorms().values()) {
      const c = bn.maxChannels;
      bn.gamma.assign(tf.mul(tf.randomUniform([c], 0.5, 1.5, 'float32', seed + 2), tf.sign(tf.randomUniform([c], -0.3, 1, 'float32', seed + 3))));
      bn.beta.assign(tf.randomNormal([c], 0, 0.2, 'float32', seed + 4));
    }
  });
}

function fixture<N extends ElasticSupernet>(net: N, seed: number, size: number): TinyExportFixture<N> {
  perturb(net, seed);
  const bn = [tf.randomNormal([16, size, size, 1], 0, 1, 'float32', seed + 5), tf.randomNormal([16, size, size, 1], 0, 1, 'float32', seed + 6)];
  const images = tf.randomNormal([24, size, size, 1], 0, 1, 'float32', seed + 7);
  return {
    net,
    bn,
    images,
    dispose: () => {
      net.dispose();
      for (const t of [...bn, images]) t.dispose();
    },
  };
}

/** A perturbed tiny quantized supernet of TINY_SPACE on 10x10 images (LSQ's layers, or `quant`'s). */
export function tinyExportFixture(seed = 3, quant: QuantFactory = lsqQuantFactory): TinyExportFixture {
  return fixture(new MobileNetV3Supernet(TINY_SPACE, { seed, quant }), seed, 10);
}

/** The segmentation twin of tinyExportFixture: TINY_SEGMENTATION_SPACE, 14x14 images. */
export function tinySegmentationExportFixture(seed = 3): TinyExportFixture<SegmentationSupernet> {
  return fixture(new SegmentationSupernet(TINY_SEGMENTATION_SPACE, { seed, quant: lsqQuantFactory }), seed, 14);
}

/** Activates a spec, initialises its steps (a forward pass), re-estimates BN: what evaluation does first. */
export function prepareSubnet(f: TinyExportFixture<ElasticSupernet>, spec: SubnetSpec): void {
  f.net.setActive(spec);
  tf.tidy(() => void f.net.forward(f.bn[0]!, TRAIN));
  reestimateBn(f.net, f.bn);
}

/**
 * Bit inheritance down `chain` (from the active subnet's width, after
 * prepareSubnet), then each elastic layer's frozen weight quantizer at every
 * width of the chain, in chain order.
 */
export function inheritedWeightQuants(f: TinyExportFixture<ElasticSupernet>, chain: readonly number[]): StaticQuantConfig[][] {
  for (let i = 1; i < chain.length; i++) f.net.inheritSteps(chain[i - 1]!, chain[i]!);
  const elastic = [...f.net.layerQuants.values()].filter((q) => q.role.precision === 'elastic');
  return elastic.map((q) =>
    chain.map((bits) => {
      q.setBits(bits);
      return q.frozen().weight!;
    }),
  );
}

/** The app's own eval-mode logits of the active subnet. */
export function appLogits(f: TinyExportFixture<ElasticSupernet>, images: Tensor = f.images): Float32Array {
  return tf.tidy(() => Float32Array.from(f.net.forward(images, EVAL).dataSync()));
}

export function argmaxRows(logits: ArrayLike<number>, classes: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < logits.length / classes; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[i * classes + c]! > logits[i * classes + best]!) best = c;
    out.push(best);
  }
  return out;
}

/** Same predicted class wherever the reference's top two logits are not (numerically) tied. */
export function sameTop1(got: ArrayLike<number>, expected: ArrayLike<number>, classes: number): boolean {
  const a = argmaxRows(got, classes);
  return argmaxRows(expected, classes).every((top, i) => {
    const row = Array.from({ length: classes }, (_, c) => expected[i * classes + c]!).sort((x, y) => y - x);
    return row[0]! - row[1]! <= 1e-5 || a[i] === top;
  });
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
