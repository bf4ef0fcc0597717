import type { SearchSpace } from './search-space';

/**
 * Default space for 28x28 grey Fashion-MNIST (resolutions 24-32): OFA's
 * MobileNetV3 layout scaled down so that the largest subnet trains at a
 * usable speed on a 2-core CPU. Four stages instead of five (a 32 px input
 * has room for three stride-2 steps after a stride-1 stem), depth 1-3 instead
 * of 2-4, expand 2-4 instead of 3-6, kernels 3/5/7 as in OFA.
 */
export const FASHION_MNIST_SPACE: SearchSpace = {
  name: 'fashion-mnist-mbv3-small',
  inputC: 1,
  numClasses: 10,
  resolutions: [24, 28, 32],
  bits: [2, 3, 4, 32],
  stem: { outC: 16, kernel: 3, stride: 1, act: 'hswish' },
  firstBlock: { outC: 16, kernel: 3, act: 'relu', se: false },
  stages: [
    { outC: 24, stride: 2, depths: [1, 2, 3], kernels: [3, 5, 7], expands: [2, 3, 4], se: false, act: 'relu' },
    { outC: 40, stride: 2, depths: [1, 2, 3], kernels: [3, 5, 7], expands: [2, 3, 4], se: true, act: 'relu' },
    { outC: 64, stride: 2, depths: [1, 2, 3], kernels: [3, 5, 7], expands: [2, 3, 4], se: false, act: 'hswish' },
    { outC: 96, stride: 1, depths: [1, 2, 3], kernels: [3, 5, 7], expands: [2, 3, 4], se: true, act: 'hswish' },
  ],
  head: { finalExpandC: 384, featureC: 512, act: 'hswish', dropout: 0.1 },
};
