import type { SearchSpace } from '@oqat/latency';

/**
 * Default space for 28x28 grey Fashion-MNIST (resolutions 24-32): OFA's
 * MobileNetV3 layout scaled down so that the supernet trains on a 2-core CPU
 * with TensorFlow.js wasm. What was scaled and why:
 * - four stages instead of five, depth 1-3 instead of 2-4, expand 2-4
 *   instead of 3-6, widths 24/40/64/96;
 * - a stride-2 stem: training time on wasm follows activation volume
 *   (elementwise BN, activation and LSQ passes), not MACs; after the stem
 *   the maps are 12-16 px, then 6-8 and 3-4;
 * - kernels {3, 5} (learned transform 5 -> 3): wasm's depthwise conv is fast
 *   only for 9- and 25-tap kernels; a 7x7 (49 taps) takes its scalar path.
 *   The 7 -> 5 -> 3 chain is exercised by OFA_MBV3_SPACE.
 * Largest subnet at 32 px: about 10.5 M MACs, 0.83 M parameters.
 */
export const FASHION_MNIST_SPACE: SearchSpace = {
  name: 'fashion-mnist-mbv3-small',
  inputC: 1,
  numClasses: 10,
  resolutions: [24, 28, 32],
  bits: [2, 3, 4, 32],
  stem: { outC: 16, kernel: 3, stride: 2, act: 'hswish' },
  firstBlock: { outC: 16, kernel: 3, act: 'relu', se: false },
  stages: [
    { outC: 24, stride: 2, depths: [1, 2, 3], kernels: [3, 5], expands: [2, 3, 4], se: false, act: 'relu' },
    { outC: 40, stride: 1, depths: [1, 2, 3], kernels: [3, 5], expands: [2, 3, 4], se: true, act: 'relu' },
    { outC: 64, stride: 2, depths: [1, 2, 3], kernels: [3, 5], expands: [2, 3, 4], se: false, act: 'hswish' },
    { outC: 96, stride: 1, depths: [1, 2, 3], kernels: [3, 5], expands: [2, 3, 4], se: true, act: 'hswish' },
  ],
  head: { finalExpandC: 384, featureC: 512, act: 'hswish', dropout: 0.1 },
};
