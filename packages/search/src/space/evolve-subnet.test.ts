import { createRng } from '@oqat/core';
import { elasticLayerNames, largestSubnet, sampleSubnet, smallestSubnet, subnetLayerBits, withLayerBits, type SubnetSpec } from '@oqat/latency';
import { describe, expect, it } from 'vitest';
import { encodeLayerBits } from './encode-subnet';
import { crossoverSubnets, mutateSubnet, withModeBits } from './evolve-subnet';
import { FASHION_MNIST_SPACE } from './fashion-mnist-space';
import { assertSubnetSpec } from './subnet-spec';

const space = { ...FASHION_MNIST_SPACE, bits: [2, 3, 4] };
const bitsOf = (spec: SubnetSpec): number[] => elasticLayerNames(space, spec.depths).map((n) => subnetLayerBits(spec, n, 8, 'elastic'));
/** Canonical per-layer form: assertSubnetSpec parses what the search stores, and the subnet's bits are its commonest width. */
function expectCanonical(spec: SubnetSpec): void {
  expect(assertSubnetSpec(space, spec)).toEqual(spec);
  const layers = bitsOf(spec);
  const count = (b: number) => layers.filter((x) => x === b).length;
  for (const b of space.bits) expect(count(b)).toBeLessThanOrEqual(count(spec.bits));
}

describe('per-layer bits in mutation and crossover', () => {
  it('mutates each layer at layerProb into a valid, canonical mixed subnet', () => {
    const rng = createRng(4);
    let x = sampleSubnet(space, rng);
    let mixed = 0;
    for (let i = 0; i < 300; i++) {
      x = mutateSubnet(space, x, rng, { prob: 0.1, layerProb: 0.1 });
      expectCanonical(x);
      if (x.bitsByLayer) mixed++;
    }
    expect(mixed).toBeGreaterThan(250);
  });

  it('keeps the parent\'s layer bits at probability 0, redraws them all at 1, and a bit-width move shifts every layer', () => {
    const rng = createRng(5);
    const parent = mutateSubnet(space, largestSubnet(space, 3), rng, { prob: 0, layerProb: 0.5 });
    expect(parent.bitsByLayer).toBeDefined();
    expect(mutateSubnet(space, parent, rng, { prob: 0, layerProb: 0 })).toEqual(parent);
    const redrawn = Array.from({ length: 20 }, () => bitsOf(mutateSubnet(space, parent, rng, { prob: 0, layerProb: 1 })));
    // 40 layers each redrawn among 3 widths: every width shows up in every child
    for (const layers of redrawn) expect(new Set(layers).size).toBe(3);
    // prob 1 redraws the bit width too: whenever it moved, the child is uniform at the new width
    for (let i = 0; i < 30; i++) {
      const child = mutateSubnet(space, parent, rng, { prob: 1, layerProb: 0 });
      if (child.bits !== parent.bits) expect(child.bitsByLayer).toBeUndefined();
    }
  });

  it("moves a redrawn layer one width up or down with layerMoves 'adjacent'", () => {
    const rng = createRng(7);
    const four = largestSubnet(space, 4);
    // 4's only neighbour is 3: every layer redrawn lands there, a uniform 3-bit subnet
    expect(mutateSubnet(space, four, rng, { prob: 0, layerProb: 1, layerMoves: 'adjacent' })).toEqual(largestSubnet(space, 3));
    for (let i = 0; i < 10; i++) {
      const layers = bitsOf(mutateSubnet(space, largestSubnet(space, 3), rng, { prob: 0, layerProb: 1, layerMoves: 'adjacent' }));
      expect(new Set(layers)).toEqual(new Set([2, 4]));
    }
  });

  it('crosses layer bits over from one parent or the other, the deeper one for blocks only it has', () => {
    const rng = createRng(6);
    const deep = withModeBits(space, largestSubnet(space, 4), Object.fromEntries(elasticLayerNames(space).map((n, i) => [n, i % 5 === 0 ? 2 : 4])));
    const shallow = smallestSubnet(space, 3);
    for (let i = 0; i < 50; i++) {
      const child = crossoverSubnets(deep, shallow, rng, { layerBitsOf: space });
      expectCanonical(child);
      const names = elasticLayerNames(space, child.depths);
      const shallowNames = new Set(elasticLayerNames(space, shallow.depths));
      names.forEach((name, j) => {
        const b = bitsOf(child)[j]!;
        const fromDeep = subnetLayerBits(deep, name, 8, 'elastic');
        if (shallowNames.has(name)) expect([fromDeep, 3]).toContain(b);
        else expect(b).toBe(fromDeep);
      });
    }
    // without layerBitsOf a child is uniform
    expect(crossoverSubnets(deep, shallow, rng).bitsByLayer).toBeUndefined();
  });

  it('names a subnet by its commonest width (ties: the wider), so one network has one key', () => {
    const names = elasticLayerNames(space, smallestSubnet(space).depths);
    const half = Object.fromEntries(names.map((n, i) => [n, i < names.length / 2 ? 2 : 4]));
    const a = withModeBits(space, smallestSubnet(space, 2), half);
    const b = withModeBits(space, smallestSubnet(space, 3), half);
    expect(a).toEqual(b);
    expect(a.bits).toBe(4);
    expect(Object.values(a.bitsByLayer!).every((x) => x === 2)).toBe(true);
    expect(withModeBits(space, smallestSubnet(space, 2), Object.fromEntries(names.map((n) => [n, 3])))).toEqual(smallestSubnet(space, 3));
  });
});

describe('encodeLayerBits', () => {
  it('has one ordinal per elastic layer of the space, zeros for skipped blocks', () => {
    const all = elasticLayerNames(space);
    expect(all).toHaveLength(2 + 4 * 3 * 3 + 2);
    const small = smallestSubnet(space, 4);
    const f = encodeLayerBits(space, small);
    expect(f).toHaveLength(all.length);
    const active = new Set(elasticLayerNames(space, small.depths));
    all.forEach((name, i) => expect(f[i]).toBeCloseTo(active.has(name) ? 0.4 : 0));
    const mixed = withLayerBits(space, small, { 'stages.1.0.dw': 2 });
    const g = encodeLayerBits(space, mixed);
    expect(g[all.indexOf('stages.1.0.dw')]).toBeCloseTo(0.2);
    expect(g[all.indexOf('stages.1.0.project')]).toBeCloseTo(0.4);
  });
});
