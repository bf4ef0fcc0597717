import { createRng, type Rng } from '@oqat/core';
import { takeItems, type ImageDataset, type Normalization } from '@oqat/data';
import type { Tensor } from '@oqat/engine';
import type { SubnetSpec } from '@oqat/latency';
import type { CompressedTensor } from '@oqat/quant';
import { InvalidSubnetError } from '../errors';
import { ptqLayers, type PtqLayer } from '../ptq/ptq-layers';
import type { StaticMobileNet } from '../static/static-mobilenet';
import type { MobileNetV3Supernet } from '../supernet/networks/mobilenet-v3';
import { staticSubnet } from '../supernet/static-subnet';

/**
 * One weight layer of the subnet a compression step may compress: its name
 * in the static network ('blocks.3.dw', 'head.classifier'), the layer (its
 * `weight` tensor: conv [k, k, in, out] or [k, k, in, 1] depthwise, linear
 * [in, out]) and its role in the supernet's precision plan (elastic layers,
 * or the fixed ones: stem, squeeze-excite, classifier).
 */
export type CompressLayer = PtqLayer;

/**
 * What a compression step (ALQ, VQ) gets: a trained float subnet as a static
 * network and the data it may use. Weights only are compressed; activations
 * stay float (both papers' main tables).
 */
export interface CompressSubject {
  /** the float static subnet (BN re-estimated for it); the step must not change or dispose it */
  float: StaticMobileNet;
  /** the subnet compressed */
  spec: SubnetSpec;
  /** every conv and linear layer in forward order */
  layers: CompressLayer[];
  /** each layer's float weights on the host, by layer name, row-major in the layer weight's shape */
  weights: Map<string, Float32Array>;
  /** the training split less the validation images: labels there for ALQ's loss; VQ uses the images only */
  train: ImageDataset;
  /** held-out training images (never the test split) a step may select or stop on */
  validation: ImageDataset;
  /** the input scaling the checkpoint was trained with (floatBatches' `normalize`) */
  normalization: Normalization;
  /** the run's seed and an rng from it (@oqat/core) */
  seed: number;
  rng: Rng;
  /** progress of the step, 0..1, with a one-line status */
  onProgress(fraction: number, message: string): void;
  /** aborted when the run is cancelled: check it between layers and steps */
  signal: AbortSignal;
}

/** How far one layer was compressed. */
export interface CompressLayerReport {
  name: string;
  /** weights in the layer */
  weights: number;
  /** bytes its compressed form takes (compressedBytes) */
  bytes: number;
  /** bytes·8 / weights, side data (coefficients, codebooks) included */
  bitsPerWeight: number;
  /** the method's reconstruction error of the layer, relative (ALQ: ‖W − Ŵ‖²/‖W‖²; VQ: of the layer's outputs) */
  error: number;
  /** what `error` measures, in a few words */
  errorOf?: string;
  /** method-specific figures (ALQ: average bases; VQ: block size, codewords) */
  detail?: Record<string, number | string>;
}

/** What a compression step returns: the compressed layers (the rest stays float32) and how it went. */
export interface CompressionResult {
  /** compressed layers by name (CompressLayer.name); every other layer stays float32 */
  layers: Record<string, CompressedTensor>;
  report: {
    layers: CompressLayerReport[];
    /** layers left in float32 and why (e.g. the stem: 3·3·1·16 weights, the classifier: the paper keeps it) */
    skipped: Array<{ name: string; reason: string }>;
  };
  /**
   * Float weights the step changed besides the compressed layers, by the
   * static network's weight name ('blocks.2.dw.bn.gamma' …): a finetuning
   * of BN or biases. Absent: none changed.
   */
  floatWeights?: Record<string, Float32Array>;
  /** what the finetuning used (data, labels or not, steps), when the step finetuned; absent: no finetuning */
  finetune?: string;
}

export interface CompressSubjectOptions {
  /** the training split (labels kept) and the checkpoint's input scaling */
  train: ImageDataset;
  normalization: Normalization;
  /** BN re-estimation batches for the float subnet */
  bn: readonly Tensor[];
  /** the last `validationImages` training images are held out as `validation` (default 500, at most a tenth of the split) */
  validationImages?: number;
  seed: number;
  onProgress?: (fraction: number, message: string) => void;
  signal?: AbortSignal;
}

/** The default held-out share of the training split: 500 images, at most a tenth. */
function validationCount(train: ImageDataset, asked: number | undefined): number {
  return Math.min(asked ?? 500, Math.floor(train.count / 10));
}

/**
 * The compression subject of a float subnet of a supernet (spec bits 32:
 * the float phase's weights), BN re-estimated on `bn`. The caller disposes
 * `subject.float` (or calls `disposeCompressSubject`).
 */
export function compressSubject(supernet: MobileNetV3Supernet, spec: SubnetSpec, options: CompressSubjectOptions): CompressSubject {
  if (spec.bits !== 32) throw new InvalidSubnetError('bits', `must be 32 for compression (it starts from the float subnet), got ${spec.bits}`);
  const float = staticSubnet(supernet, spec, { bnImages: options.bn });
  try {
    const layers = ptqLayers(float, supernet);
    return subjectOf(float, spec, layers, options);
  } catch (err) {
    float.dispose();
    throw err;
  }
}

/** A subject over a static network already built (tests, tools): its layers with the roles given (elastic when absent). */
export function subjectOf(float: StaticMobileNet, spec: SubnetSpec, layers: CompressLayer[], options: Omit<CompressSubjectOptions, 'bn'>): CompressSubject {
  const { train: all } = options;
  const held = validationCount(all, options.validationImages);
  const index = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);
  const train = held > 0 ? takeItems(all, index(0, all.count - held)) : all;
  const validation = takeItems(all, index(all.count - held, all.count));
  return {
    float,
    spec,
    layers,
    weights: new Map(layers.map((l) => [l.name, Float32Array.from(l.layer.weight.dataSync())])),
    train,
    validation,
    normalization: options.normalization,
    seed: options.seed,
    rng: createRng(options.seed),
    onProgress: options.onProgress ?? (() => undefined),
    signal: options.signal ?? new AbortController().signal,
  };
}
