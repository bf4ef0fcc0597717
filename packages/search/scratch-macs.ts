import { lowerSubnet } from './src/space/lower-subnet';
import { subnetCosts } from './src/space/layer-costs';
import { FASHION_MNIST_SPACE as F } from './src/space/fashion-mnist-space';
import type { SearchSpace } from './src/space/search-space';
import { largestSubnet, smallestSubnet, middleSubnet } from './src/space/sample-subnet';
export const B: SearchSpace = {
  ...F,
  stem: { outC: 16, kernel: 3, stride: 2, act: 'hswish' },
  stages: [
    { outC: 24, stride: 1, depths: [1, 2, 3], kernels: [3, 5], expands: [2, 3, 4], se: false, act: 'relu' },
    { outC: 40, stride: 2, depths: [1, 2, 3], kernels: [3, 5], expands: [2, 3, 4], se: true, act: 'relu' },
    { outC: 64, stride: 2, depths: [1, 2, 3], kernels: [3, 5], expands: [2, 3, 4], se: false, act: 'hswish' },
    { outC: 96, stride: 1, depths: [1, 2, 3], kernels: [3, 5], expands: [2, 3, 4], se: true, act: 'hswish' },
  ],
};
if (process.argv[2] === 'print') for (const [n, s] of [['F', F], ['B', B]] as const) for (const g of [largestSubnet, middleSubnet, smallestSubnet]) { const c = subnetCosts(lowerSubnet(s, g(s, 32))); console.log(n, g.name, (c.macs / 1e6).toFixed(2), 'M MACs', (c.params / 1e3).toFixed(0), 'k params'); }
