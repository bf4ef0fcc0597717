import { largestSubnet, lowerSubnet, planChain, predictLatency, smallestSubnet, validateLayers } from '@oqat/latency';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_SPACE as space } from './fashion-mnist-space';
import { subnetCosts } from './layer-costs';
import { SEGMENTATION_SCENES_SPACE as seg } from './segmentation-scenes-space';

describe('lowerSubnet', () => {
  it('writes the smallest fashion subnet layer by layer', () => {
    const layers = lowerSubnet(space, smallestSubnet(space, 2));
    const ops = layers.map((l) => l.op).join(' ');
    // stem, first block (dw, pw, add), 4 single-block stages (stage 1 and 3 with SE), head;
    // stage 1 (stride 1, 24 -> 40 channels) has no shortcut.
    expect(ops).toBe(
      'conv dwconv conv add ' +
        'conv dwconv conv ' +
        'conv dwconv se conv ' +
        'conv dwconv conv ' +
        'conv dwconv se conv ' +
        'conv avgpool fc fc',
    );
    expect(layers[0]).toMatchObject({ op: 'conv', inH: 24, inC: 1, outC: 16, kernel: 3, stride: 2, outH: 12, wBits: 8, aBits: 8 });
    // stage 0 expand: 16 * 2 = 32 channels, then a stride-2 depthwise conv 12 -> 6
    expect(layers[4]).toMatchObject({ op: 'conv', inC: 16, outC: 32, wBits: 2, act: 'relu' });
    expect(layers[5]).toMatchObject({ op: 'dwconv', inH: 12, outH: 6, groups: 32, stride: 2 });
    // SE of stage 1: 24 * 2 = 48 mid channels, at fixed 8 bits
    expect(layers[9]).toMatchObject({ op: 'se', inC: 48, outC: 48, wBits: 8, aBits: 8 });
    expect(layers.at(-1)).toMatchObject({ op: 'fc', inC: 512, outC: 10, wBits: 8 });
    expect(lowerSubnet(space, smallestSubnet(space, 2), { fixedBits: 32 })[0]!.wBits).toBe(32);
  });

  it('counts MACs, params, bytes and BitOPs', () => {
    const big = subnetCosts(lowerSubnet(space, largestSubnet(space, 4)));
    const small = subnetCosts(lowerSubnet(space, smallestSubnet(space, 4)));
    expect(big.macs).toBeGreaterThan(3 * small.macs);
    expect(big.params).toBeGreaterThan(small.params);
    const f = subnetCosts(lowerSubnet(space, largestSubnet(space, 32)));
    expect(f.macs).toBe(big.macs);
    expect(f.bitOps).toBe(f.macs);
    expect(big.bitOps).toBeLessThan(big.macs);
    expect(f.modelBytes).toBeGreaterThan(4 * big.modelBytes);
  });

  it('ends a segmentation subnet in its dense head at the subnet resolution, wired as a graph', () => {
    const spec = smallestSubnet(seg, 4);
    const layers = validateLayers(lowerSubnet(seg, spec));
    const head = layers.slice(-8);
    expect(head.map((l) => l.op).join(' ')).toBe('conv conv mul conv upsample conv add upsample');
    // features at output stride 8 (48 px -> 6x6), skip branch on the 24x24 first block, logits at 48x48
    expect(head[0]).toMatchObject({ inH: 6, inC: 128, outC: 32, act: 'relu', wBits: 4 });
    // the gate is per location (a 1x1 conv on the features), at the fixed precision
    expect(head[1]).toMatchObject({ op: 'conv', inH: 6, inC: 128, outC: 32, kernel: 1, act: 'sigmoid', wBits: 8 });
    expect(head[4]).toMatchObject({ inH: 6, inC: 11, outH: 24, outW: 24 });
    expect(head[5]).toMatchObject({ op: 'conv', inH: 24, inC: 16, outC: 11, wBits: 8 });
    expect(head.at(-1)).toMatchObject({ inH: 24, outH: 48, outC: 11 });
    // The shape-wired plan reads the final expansion twice (gated conv and gate), multiplies the
    // gate with the gated conv and adds the upsampled high logits to the skip logits: nothing but
    // the image is fed from outside.
    const plan = planChain(layers);
    const n = layers.length;
    const ref = (i: number) => ({ kind: 'layer', index: i });
    expect(plan.steps[n - 8]!.input).toEqual(ref(n - 9));
    expect(plan.steps[n - 7]!.input).toEqual(ref(n - 9));
    expect(plan.steps[n - 6]!.input).toEqual(ref(n - 7));
    expect(plan.steps[n - 6]!.second).toEqual(ref(n - 8));
    expect(plan.steps[n - 3]!.input).toEqual(ref(3)); // the first block's residual add
    expect(plan.steps[n - 2]!.second).toEqual(ref(n - 4));
    expect(plan.feeds).toHaveLength(1);
    expect(plan.dangling).toEqual([n - 1]);
    // Devices price the head: the larger subnet is slower, the head costs something on every device.
    const big = lowerSubnet(seg, largestSubnet(seg, 4));
    for (const device of ['xavier', 'fpga'] as const) {
      expect(predictLatency(device, big)).toBeGreaterThan(predictLatency(device, layers));
      expect(predictLatency(device, layers)).toBeGreaterThan(predictLatency(device, layers.slice(0, -8)));
    }
  });
});
