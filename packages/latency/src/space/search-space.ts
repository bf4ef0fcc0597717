import { makeDivisible } from '../ir/output-shape';

/**
 * A search space is plain JSON data: the elastic choices of a MobileNetV3-like
 * supernet (once-for-all's OFAMobileNetV3, scaled to the data at hand). The
 * supernet, sampling and lowering all read this one shape.
 *
 * It lives in @oqat/latency (tfjs-free, below search) so that search trains and
 * latency prices one space, one sampler and one lowering (space/lower-subnet.ts).
 */

/** Activations a stage may use (MobileNetV3 uses ReLU early, h-swish late). */
export type SpaceActivation = 'relu' | 'relu6' | 'hswish';

/** The fixed first conv (never elastic, kept at higher precision). */
export interface StemSpace {
  outC: number;
  kernel: number;
  stride: number;
  act: SpaceActivation;
}

/**
 * The fixed first inverted-residual block with expand ratio 1 (depthwise conv
 * then pointwise projection), as in OFA's MobileNetV3. Optional.
 */
export interface FirstBlockSpace {
  outC: number;
  kernel: number;
  act: SpaceActivation;
  se: boolean;
}

/** One stage of inverted-residual blocks; the first block carries the stride. */
export interface StageSpace {
  outC: number;
  stride: number;
  /** elastic depth: a subnet keeps the first d blocks */
  depths: number[];
  /** elastic depthwise kernel per block (centre crop + learned transforms) */
  kernels: number[];
  /** elastic expand ratio per block (first k expanded channels after sorting) */
  expands: number[];
  se: boolean;
  act: SpaceActivation;
}

/** Final 1x1 expansion, global pool, 1x1 feature mix, classifier. */
export interface HeadSpace {
  /** channels of the final 1x1 conv applied before pooling */
  finalExpandC: number;
  /** channels of the feature-mix layer after pooling (0 = none) */
  featureC: number;
  act: SpaceActivation;
  dropout: number;
}

/**
 * A light LR-ASPP-like dense head (MobileNetV3's segmentation head): a 1x1
 * conv + BN + ReLU on the final expansion gated by a sigmoid of its global
 * pool, classified and bilinearly upsampled to the skip feature's size,
 * added to a 1x1 classification of the skip feature, upsampled to the input
 * size. Its widths are fixed (not elastic).
 */
export interface SegmentationHeadSpace {
  /** stage whose output feeds the skip branch; -1: the stem / fixed first block output (highest resolution) */
  skipStage: number;
  /** channels of the gated 1x1 conv on the final expansion */
  channels: number;
}

export interface SearchSpace {
  name: string;
  inputC: number;
  numClasses: number;
  /** input resolutions (square), ascending */
  resolutions: number[];
  /** bit widths a subnet may use for weights and activations; 32 = float */
  bits: number[];
  stem: StemSpace;
  firstBlock?: FirstBlockSpace;
  stages: StageSpace[];
  /** classification head; a segmentation supernet uses its finalExpandC and act only */
  head: HeadSpace;
  /** present: the space predicts per-pixel classes (numClasses includes background) with this head */
  segmentationHead?: SegmentationHeadSpace;
}

/** Channels of the feature a segmentation head's skip branch reads (its skipStage's output). */
export function skipChannels(space: SearchSpace, skipStage: number): number {
  if (skipStage >= 0) return space.stages[skipStage]!.outC;
  return space.firstBlock ? space.firstBlock.outC : space.stem.outC;
}

/**
 * Expanded (middle) channels of an inverted-residual block, as OFA's
 * DynamicMBConvLayer computes them: round(in * expand) made divisible by 8.
 * The supernet allocates this for the largest expand; a subnet keeps the
 * first `blockMiddleChannels(in, e)` of them.
 */
export function blockMiddleChannels(inC: number, expand: number): number {
  return makeDivisible(Math.round(inC * expand), 8);
}

/**
 * One architecture of a search space: what a supernet activates, what the
 * search mutates and what gets exported. Per-stage lists hold one entry per
 * active block (length = depth), so a spec carries no dead choices.
 */
export interface SubnetSpec {
  resolution: number;
  /** active blocks per stage */
  depths: number[];
  /** depthwise kernel per active block, per stage */
  kernels: number[][];
  /** expand ratio per active block, per stage */
  expands: number[][];
  /** weight and activation bits of the quantized layers; 32 = float */
  bits: number;
  /**
   * Per-layer precision: elastic layers (by the supernet's layer name, see
   * elasticLayerNames) that run at other bits than `bits`. Absent: every
   * elastic layer at `bits` (a uniform subnet, what OQAT trains). Never in a
   * float subnet; entries equal to `bits` are dropped (withLayerBits).
   */
  bitsByLayer?: Record<string, number>;
}
