import type { SearchSpace } from '@oqat/latency';

/**
 * Default segmentation space for the 64x64 grey scenes of @oqat/data
 * (Fashion-MNIST items on a canvas; 11 classes with background). The same
 * MobileNetV3 layout as FASHION_MNIST_SPACE, with the strides arranged for
 * dense prediction: output stride 8 (8x8 features at 64 px, never pooled
 * before the head) and the skip branch on the stride-2 first block (32x32),
 * since item boundaries are pixel-exact (a mask is a thresholded item).
 * Three stages, not four, keep a 2-core CPU run within minutes.
 */
export const SEGMENTATION_SCENES_SPACE: SearchSpace = {
  name: 'scenes-mbv3-seg',
  inputC: 1,
  numClasses: 11,
  resolutions: [48, 56, 64],
  bits: [2, 3, 4, 32],
  stem: { outC: 16, kernel: 3, stride: 2, act: 'hswish' },
  firstBlock: { outC: 16, kernel: 3, act: 'relu', se: false },
  stages: [
    { outC: 24, stride: 2, depths: [1, 2], kernels: [3, 5], expands: [2, 3, 4], se: false, act: 'relu' },
    { outC: 40, stride: 2, depths: [1, 2, 3], kernels: [3, 5], expands: [2, 3, 4], se: true, act: 'hswish' },
    { outC: 64, stride: 1, depths: [1, 2, 3], kernels: [3, 5], expands: [2, 3, 4], se: true, act: 'hswish' },
  ],
  head: { finalExpandC: 128, featureC: 0, act: 'hswish', dropout: 0 },
  segmentationHead: { skipStage: -1, channels: 32 },
};
