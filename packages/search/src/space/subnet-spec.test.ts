import { createRng } from '@oqat/core';
import { largestSubnet, middleSubnet, sampleSubnet, smallestSubnet } from '@oqat/latency';
import { describe, expect, it } from 'vitest';
import { InvalidSubnetError } from '../errors';
import { encodeSubnet, subnetFeatureLength } from './encode-subnet';
import { crossoverSubnets, mutateSubnet } from './evolve-subnet';
import { FASHION_MNIST_SPACE as space } from './fashion-mnist-space';
import { assertSubnetSpec, parseSubnetSpec, subnetKey } from './subnet-spec';

describe('SubnetSpec helpers', () => {
  it('largest / smallest / middle take the extreme and middle choices', () => {
    const big = largestSubnet(space, 4);
    expect(big).toMatchObject({ resolution: 32, depths: [3, 3, 3, 3], bits: 4 });
    expect(big.kernels.flat().every((k) => k === 5)).toBe(true);
    const small = smallestSubnet(space);
    expect(small).toMatchObject({ resolution: 24, depths: [1, 1, 1, 1], bits: 2, kernels: [[3], [3], [3], [3]] });
    expect(middleSubnet(space, 3)).toMatchObject({ resolution: 28, depths: [2, 2, 2, 2], bits: 3 });
    expect(largestSubnet(space).bits).toBe(32);
  });

  it('samples valid subnets, the same ones for the same seed', () => {
    const a = createRng(7);
    const b = createRng(7);
    for (let i = 0; i < 50; i++) {
      const s = sampleSubnet(space, a);
      expect(assertSubnetSpec(space, s)).toEqual(s);
      expect(sampleSubnet(space, b)).toEqual(s);
    }
    expect(sampleSubnet(space, createRng(1), 3).bits).toBe(3);
  });

  it('mutation and crossover keep subnets valid and per-block lists at depth length', () => {
    const rng = createRng(3);
    let x = sampleSubnet(space, rng);
    for (let i = 0; i < 100; i++) {
      const y = mutateSubnet(space, x, rng, { prob: 0.3 });
      const z = crossoverSubnets(x, sampleSubnet(space, rng), rng);
      assertSubnetSpec(space, y);
      assertSubnetSpec(space, z);
      x = y;
    }
    const fixed = mutateSubnet(space, largestSubnet(space, 4), rng, { prob: 1, keepBits: true });
    expect(fixed.bits).toBe(4);
    expect(mutateSubnet(space, x, rng, { prob: 0 })).toEqual(x);
  });

  it('encodes a subnet as one-hots with zeros for skipped blocks', () => {
    const n = subnetFeatureLength(space);
    expect(n).toBe(4 * 3 * (2 + 3) + 3 + 4);
    const small = encodeSubnet(space, smallestSubnet(space, 4));
    expect(small.length).toBe(n);
    // 4 stages x 1 block x (kernel + expand) + resolution + bits
    expect(small.reduce((a, v) => a + v, 0)).toBe(4 * 2 + 2);
    const big = encodeSubnet(space, largestSubnet(space, 4));
    expect(big.reduce((a, v) => a + v, 0)).toBe(12 * 2 + 2);
    expect(subnetKey(smallestSubnet(space, 2))).toBe('r24-b2-k3e2_k3e2_k3e2_k3e2');
  });

  it('rejects subnets that do not fit the space, naming the field', () => {
    const s = largestSubnet(space, 4) as any;
    s.kernels[1][2] = 9;
    expect(() => parseSubnetSpec(space, s)).toThrow(InvalidSubnetError);
    expect(() => parseSubnetSpec(space, s)).toThrow('subnet: kernels[1][2] must be one of 3, 5, got 9');
    const t = largestSubnet(space, 4) as any;
    t.depths[0] = 2;
    expect(() => parseSubnetSpec(space, t)).toThrow('kernels[0] must have one entry per active block (depth 2), got 3');
    expect(() => parseSubnetSpec(space, { ...largestSubnet(space), bits: 5 })).toThrow('bits must be one of 2, 3, 4, 32, got 5');
  });
});

describe('per-layer bits in a SubnetSpec', () => {
  const mixed = { ...smallestSubnet(space, 4), bitsByLayer: { 'stages.0.0.dw': 2, 'head.expand': 3 } };

  it('round-trips through JSON and keys apart from its uniform twin', () => {
    expect(parseSubnetSpec(space, JSON.parse(JSON.stringify(mixed)))).toEqual(mixed);
    expect(subnetKey(mixed)).not.toBe(subnetKey(smallestSubnet(space, 4)));
    expect(subnetKey({ ...mixed, bitsByLayer: { 'head.expand': 3, 'stages.0.0.dw': 2 } })).toBe(subnetKey(mixed));
  });

  it('drops entries equal to the subnet bits; a spec left with none is uniform', () => {
    expect(parseSubnetSpec(space, { ...mixed, bitsByLayer: { 'stages.0.0.dw': 4 } })).toEqual(smallestSubnet(space, 4));
  });

  it('rejects layers the subnet lacks, widths the space lacks and per-layer bits in a float subnet', () => {
    expect(() => parseSubnetSpec(space, { ...mixed, bitsByLayer: { 'stages.0.2.dw': 2 } })).toThrow(/bitsByLayer\.stages\.0\.2\.dw.*not an elastic layer/);
    expect(() => parseSubnetSpec(space, { ...mixed, bitsByLayer: { 'stem': 2 } })).toThrow(InvalidSubnetError);
    expect(() => parseSubnetSpec(space, { ...mixed, bitsByLayer: { 'head.expand': 5 } })).toThrow(/bitsByLayer\.head\.expand/);
    expect(() => parseSubnetSpec(space, { ...mixed, bits: 32 })).toThrow(/float/);
  });
});
