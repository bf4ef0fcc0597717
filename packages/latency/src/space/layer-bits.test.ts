import { describe, expect, it } from 'vitest';
import { elasticLayerNames, layerBits, subnetLayerBits, withLayerBits } from './layer-bits';
import { lowerSubnet } from './lower-subnet';
import { OFA_MBV3_SPACE as ofa } from './ofa-mbv3-space';
import { smallestSubnet } from './sample-subnet';

describe('per-layer precision', () => {
  it('names the elastic layers of the active blocks in forward order', () => {
    const names = elasticLayerNames(ofa, [2, 2, 2, 2, 2]);
    expect(names.slice(0, 5)).toEqual(['first.dw', 'first.project', 'stages.0.0.expand', 'stages.0.0.dw', 'stages.0.0.project']);
    expect(names).toHaveLength(2 + 5 * 2 * 3 + 2);
    expect(names.slice(-2)).toEqual(['head.expand', 'head.mix']);
    expect(elasticLayerNames(ofa)).toHaveLength(2 + 5 * 4 * 3 + 2);
  });

  it('gives a layer its own bits, fixed layers and float subnets their rule', () => {
    const spec = { ...smallestSubnet(ofa, 3), bitsByLayer: { 'stages.0.1.dw': 2 } };
    expect(subnetLayerBits(spec, 'stages.0.1.dw', 8, 'elastic')).toBe(2);
    expect(subnetLayerBits(spec, 'stages.0.0.dw', 8, 'elastic')).toBe(3);
    expect(subnetLayerBits(spec, 'stem', 8, 'fixed')).toBe(8);
    expect(subnetLayerBits({ ...spec, bits: 32 }, 'stages.0.1.dw', 8, 'elastic')).toBe(32);
    expect(layerBits(3, 32, 'fixed')).toBe(32);
  });

  it('keeps a canonical form: no entries equal to the subnet bits or of inactive blocks, uniform when none is left', () => {
    const base = smallestSubnet(ofa, 4);
    const mixed = withLayerBits(ofa, base, { 'head.expand': 2, 'stages.0.0.dw': 4, 'stages.0.3.dw': 2, 'first.dw': 3 });
    expect(mixed.bitsByLayer).toEqual({ 'first.dw': 3, 'head.expand': 2 });
    expect(Object.keys(mixed.bitsByLayer!)).toEqual(['first.dw', 'head.expand']);
    expect(withLayerBits(ofa, mixed, {})).toEqual(base);
    expect(withLayerBits(ofa, { ...base, bits: 32 }, { 'first.dw': 3 })).toEqual({ ...base, bits: 32 });
  });

  it('lowers each elastic layer at its own bits, named as the supernet names it', () => {
    const spec = withLayerBits(ofa, smallestSubnet(ofa, 4), { 'stages.1.0.dw': 2, 'head.expand': 3 });
    const layers = lowerSubnet(ofa, spec);
    const byName = new Map(layers.filter((l) => l.name).map((l) => [l.name!, l]));
    expect(byName.get('stages.1.0.dw')).toMatchObject({ op: 'dwconv', wBits: 2, aBits: 2 });
    expect(byName.get('stages.1.0.expand')).toMatchObject({ op: 'conv', wBits: 4, aBits: 4 });
    expect(byName.get('head.expand')).toMatchObject({ wBits: 3, aBits: 3 });
    expect(byName.get('stem')).toMatchObject({ wBits: 8 });
    expect(byName.get('stages.1.0.se')).toMatchObject({ op: 'se', wBits: 8 });
    expect(byName.get('head.classifier')).toMatchObject({ op: 'fc', wBits: 8 });
    for (const name of elasticLayerNames(ofa, spec.depths)) expect(byName.has(name)).toBe(true);
  });
});
