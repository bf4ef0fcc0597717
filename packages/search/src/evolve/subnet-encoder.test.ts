import { createHash } from 'node:crypto';
import { createRng } from '@oqat/core';
import { elasticLayerNames, lowerSubnet, type SubnetSpec } from '@oqat/latency';
import { describe, expect, it } from 'vitest';
import { subnetCosts } from '../space/layer-costs';
import { FASHION_MNIST_SPACE } from '../space/fashion-mnist-space';
import { subnetFeatureLength } from '../space/encode-subnet';
import { assertSubnetSpec } from '../space/subnet-spec';
import { InvalidSearchConfigError } from './errors';
import { Evolution } from './evolution';
import { subnetEncoder } from './subnet-encoder';

const space = FASHION_MNIST_SPACE;

describe('subnetEncoder', () => {
  const encoder = subnetEncoder(space, { bits: [4, 2, 3] });
  const rng = createRng(3);

  it('anchors the search at the largest and smallest subnet of every trained width', () => {
    const anchors = encoder.anchors!();
    expect(anchors.map((a) => a.bits)).toEqual([2, 2, 3, 3, 4, 4]);
    for (const a of anchors) expect(() => assertSubnetSpec(space, a)).not.toThrow();
    const macs = anchors.map((a) => subnetCosts(lowerSubnet(space, a)).macs);
    expect(macs[0]).toBe(Math.max(...macs));
    expect(macs[1]).toBe(Math.min(...macs));
  });

  it('samples, mutates and crosses over valid specs at the trained bit widths only', () => {
    const seen = new Set<number>();
    let parent = encoder.sample(rng);
    for (let i = 0; i < 200; i++) {
      const other = encoder.sample(rng);
      const child = encoder.mutate(encoder.crossover(parent, other, rng), rng, 0.3);
      for (const spec of [other, child]) {
        expect(() => assertSubnetSpec(space, spec)).not.toThrow();
        seen.add(spec.bits);
      }
      parent = child;
    }
    expect([...seen].sort()).toEqual([2, 3, 4]);
  });

  it('keys like subnetKey and encodes one-hot choices plus an ordinal bit width', () => {
    const spec = encoder.sample(rng);
    expect(encoder.key(spec)).toMatch(/^r\d+-b\d-/);
    expect(encoder.key(structuredClone(spec))).toBe(encoder.key(spec));
    const f = encoder.feature(spec);
    expect(f.length).toBe(subnetFeatureLength({ ...space, bits: [2, 3, 4] }) + 1);
    expect(f[f.length - 1]).toBeCloseTo(Math.log2(spec.bits) / 5);
    // one-hot part: per active block a kernel and an expand, plus resolution and bits
    const active = spec.depths.reduce((s, d) => s + d, 0);
    expect(f.subarray(0, f.length - 1).reduce((s, v) => s + v, 0)).toBe(2 * active + 2);
  });

  it('rejects bit widths the space does not have', () => {
    expect(() => subnetEncoder(space, { bits: [8] })).toThrow(InvalidSearchConfigError);
    expect(() => subnetEncoder(space, { bits: [8] })).toThrow(/bits must be distinct widths of space 'fashion-mnist-mbv3-small' \(2, 3, 4, 32\), got 8/);
  });

  it('drives the evolution over real specs with BitOPs as the objective and a model-bytes limit', async () => {
    const costs = (s: SubnetSpec) => subnetCosts(lowerSubnet(space, s));
    // A synthetic accuracy: more BitOPs help with diminishing returns, 2 bit hurts (stands in for a trained supernet).
    const accuracy = async (s: SubnetSpec): Promise<number> => 0.9 - 0.1 * Math.exp(-costs(s).bitOps / 2e5) - (s.bits === 2 ? 0.03 : 0);
    const maxBytes = 150_000; // about the 10 % smallest of uniformly sampled specs
    const result = await new Evolution({
      encoder,
      accuracy,
      efficiency: { bitOps: (s) => costs(s).bitOps },
      metrics: { modelBytes: (s) => costs(s).modelBytes },
      limits: { modelBytes: maxBytes },
      hypervolume: { reference: { accuracy: 0.8, cost: 2e6 } },
      rng: createRng(9),
      population: 12,
      generations: 3,
    }).run();
    expect(result.front.length).toBeGreaterThan(1);
    for (const s of result.front) {
      expect(s.metrics.modelBytes).toBeLessThanOrEqual(maxBytes);
      expect([2, 3, 4]).toContain(s.candidate.bits);
    }
  });

  const costs = (s: SubnetSpec) => subnetCosts(lowerSubnet(space, s));
  // A synthetic accuracy where per-layer bits matter: each layer below 4 bits costs accuracy, depthwise layers three times as much.
  const layerAccuracy = async (s: SubnetSpec): Promise<number> => {
    const layers = lowerSubnet(space, s).filter((l) => l.name && elasticLayerNames(space, s.depths).includes(l.name));
    return 0.95 - 0.1 * Math.exp(-costs(s).macs / 2e6) - layers.reduce((sum, l) => sum + (4 - l.wBits) * (l.op === 'dwconv' ? 0.006 : 0.002), 0);
  };
  const evolve = (encoder: ReturnType<typeof subnetEncoder>, accuracy = layerAccuracy) =>
    new Evolution({ encoder, accuracy, efficiency: { bitOps: (s) => costs(s).bitOps }, hypervolume: { reference: { accuracy: 0.8, cost: 2e6 } }, rng: createRng(11), population: 12, generations: 4 }).run();

  it('keeps the uniform search as it was: the same seed gives the front it gave before per-layer bits', async () => {
    const accuracy = async (s: SubnetSpec): Promise<number> => 0.9 - 0.1 * Math.exp(-costs(s).bitOps / 2e5) - (s.bits === 2 ? 0.03 : 0);
    for (const options of [{ bits: [2, 3, 4] }, { bits: [2, 3, 4], perLayerBits: false }]) {
      const r = await evolve(subnetEncoder(space, options), accuracy);
      // recorded with the search before per-layer bits existed (commit 7fc8875)
      expect(r.front).toHaveLength(50);
      expect(createHash('sha256').update(r.front.map((c) => c.key).join('\n')).digest('hex').slice(0, 16)).toBe('06644b556c80f871');
      expect(r.hypervolumes.at(-1)).toBeCloseTo(173371.0537698237, 6);
    }
  });

  it('perLayerBits: breeds mixed subnets from the uniform initial population and encodes each layer\'s bits', async () => {
    const uniform = await evolve(subnetEncoder(space, { bits: [2, 3, 4] }));
    const perLayer = await evolve(subnetEncoder(space, { bits: [2, 3, 4], perLayerBits: true }));
    expect(perLayer.hypervolumes[0]).toBe(uniform.hypervolumes[0]);
    const mixed = perLayer.front.filter((c) => c.candidate.bitsByLayer);
    expect(mixed.length).toBeGreaterThan(0);
    for (const c of mixed) expect(() => assertSubnetSpec(space, c.candidate)).not.toThrow();
    const encoder = subnetEncoder(space, { bits: [2, 3, 4], perLayerBits: true });
    const f = encoder.feature(mixed[0]!.candidate);
    expect(f.length).toBe(subnetFeatureLength({ ...space, bits: [2, 3, 4] }) + 1 + elasticLayerNames(space).length);
    expect(f.subarray(f.length - elasticLayerNames(space).length).some((v) => Math.abs(v - Math.log2(mixed[0]!.candidate.bits) / 5) > 1e-6)).toBe(true);
  });

  it('perLayerBits: layerMutateProb sets each layer\'s redraw rate apart from the choices\' (checked as a probability)', () => {
    const rng = createRng(8);
    const parent = subnetEncoder(space, { bits: [2, 3, 4] }).sample(rng);
    expect(subnetEncoder(space, { bits: [2, 3, 4], perLayerBits: true, layerMutateProb: 0 }).mutate(parent, rng, 0)).toEqual(parent);
    expect(subnetEncoder(space, { bits: [2, 3, 4], perLayerBits: true, layerMutateProb: 1 }).mutate(parent, rng, 0).bitsByLayer).toBeDefined();
    expect(() => subnetEncoder(space, { perLayerBits: true, layerMutateProb: 1.5 })).toThrow(/layerMutateProb must be a probability in 0..1, got 1.5/);
  });
});
