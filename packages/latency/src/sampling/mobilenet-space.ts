import type { Activation } from '../ir/layer-desc';

/**
 * A once-for-all MobileNetV3-like space (ofa/imagenet_classification/
 * elastic_nn/networks/ofa_mbv3.py): stem conv, one fixed first block, then
 * stages of inverted-residual blocks with elastic depth, kernel and expand
 * ratio, a final expand conv, global pool, feature-mix conv and classifier.
 * Bits are one width for the whole network (OQAT), with the stem, SE convs
 * and classifier at `highPrecisionBits`.
 */
export interface MobileNetSpace {
  resolutions: readonly number[];
  inChannels: number;
  stemChannels: number;
  stages: ReadonlyArray<{ width: number; stride: number; act: Activation; se: boolean }>;
  depths: readonly number[];
  expands: readonly number[];
  kernels: readonly number[];
  bits: readonly number[];
  /** bits of the stem, SE convs and classifier (8 is deployable; OQAT keeps them float = 32) */
  highPrecisionBits: number;
  /** channels of the final 1x1 expand conv and of the feature-mix conv */
  finalExpandChannels: number;
  featureChannels: number;
  classes: number;
}

const OFA_STAGES: MobileNetSpace['stages'] = [
  { width: 24, stride: 2, act: 'relu', se: false },
  { width: 40, stride: 2, act: 'relu', se: true },
  { width: 80, stride: 2, act: 'hswish', se: false },
  { width: 112, stride: 1, act: 'hswish', se: true },
  { width: 160, stride: 2, act: 'hswish', se: true },
];

/** OFA MobileNetV3 w1.0 at ImageNet resolutions. */
export const MOBILENET_V3_SPACE: MobileNetSpace = {
  resolutions: [128, 144, 160, 176, 192, 208, 224],
  inChannels: 3,
  stemChannels: 16,
  stages: OFA_STAGES,
  depths: [2, 3, 4],
  expands: [3, 4, 6],
  kernels: [3, 5, 7],
  bits: [2, 3, 4, 8, 32],
  highPrecisionBits: 8,
  finalExpandChannels: 960,
  featureChannels: 1280,
  classes: 1000,
};

/** The same space at the small inputs this project trains on (28-40 px, 10 classes): cheap to measure. */
export const SMALL_MOBILENET_SPACE: MobileNetSpace = {
  ...MOBILENET_V3_SPACE,
  resolutions: [32, 36, 40],
  classes: 10,
};

/** One point of the space. */
export interface MobileNetArch {
  resolution: number;
  bits: number;
  /** per stage, the active blocks (first `depth` of the stage) */
  stages: Array<Array<{ kernel: number; expand: number }>>;
}
