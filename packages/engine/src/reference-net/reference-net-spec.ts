/**
 * The reference net of the foundation issue (the speed figure's workload):
 * 32x32x1 input, stem 3x3 conv 16 + BN + ReLU, six inverted-residual blocks,
 * 1x1 conv 160 + BN + ReLU, global average pool, dense 10. No conv biases.
 */
export interface InvertedResidualSpec {
  expand: number;
  kernel: number;
  out: number;
  stride: number;
}

export const REFERENCE_INPUT = { height: 32, width: 32, channels: 1 } as const;
export const REFERENCE_STEM_CHANNELS = 16;
export const REFERENCE_BLOCKS: readonly InvertedResidualSpec[] = [
  { expand: 4, kernel: 3, out: 24, stride: 2 },
  { expand: 4, kernel: 3, out: 24, stride: 1 },
  { expand: 4, kernel: 5, out: 40, stride: 2 },
  { expand: 4, kernel: 5, out: 40, stride: 1 },
  { expand: 6, kernel: 3, out: 80, stride: 2 },
  { expand: 6, kernel: 3, out: 80, stride: 1 },
];
export const REFERENCE_HEAD_CHANNELS = 160;
export const REFERENCE_CLASSES = 10;
