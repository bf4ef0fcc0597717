/**
 * A search space is plain JSON data: the elastic choices of a MobileNetV3-like
 * supernet (once-for-all's OFAMobileNetV3, scaled to the data at hand). The
 * supernet, sampling and lowering all read this one shape.
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

/** Squeeze-excite hidden width: OFA divides by 4 and rounds to a multiple of 8. */
export function seHiddenChannels(channels: number): number {
  return makeDivisible(channels / 4, 8);
}

/** MobileNet's channel rounding: nearest multiple of `divisor`, never below 90 % of v. */
export function makeDivisible(v: number, divisor: number): number {
  const rounded = Math.max(divisor, Math.floor(v + divisor / 2) - (Math.floor(v + divisor / 2) % divisor));
  return rounded < 0.9 * v ? rounded + divisor : rounded;
}
