import { elasticLayerNames, lowerSubnet, smallestSubnet, subnetLayerBits, type SubnetSpec } from '@oqat/latency';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_SPACE } from '../space/fashion-mnist-space';
import { subnetCosts } from '../space/layer-costs';
import { measurePrecisionTable, measureRaisedTables } from './precision-table';
import { solvePrecisionExact } from './solve-exact';
import { solvePrecisionGreedy } from './solve-greedy';
import { tunePrecision, tunePrecisionOver } from './tune-precision';

const space = FASHION_MNIST_SPACE;
const subnet = smallestSubnet(space, 2);
const names = elasticLayerNames(space, subnet.depths);
const IMAGES = 600;

/**
 * A made-up validation score in whole images: each layer below 4 bit loses
 * images by its position (depthwise convs the most), and lowering more than
 * four layers together loses 6 more, which the one-layer sensitivities do
 * not see: the first answer misses and the budget must tighten.
 */
function score(spec: SubnetSpec): number {
  let lost = 0;
  let lowered = 0;
  names.forEach((name, i) => {
    const bits = subnetLayerBits(spec, name, 8, 'elastic');
    if (bits === 4) return;
    lowered++;
    lost += (4 - bits) * (name.endsWith('.dw') ? 3 : 1 + (i % 2));
  });
  if (lowered > 4) lost += 6;
  return (540 - lost) / IMAGES;
}

const cost = (spec: SubnetSpec) => subnetCosts(lowerSubnet(space, spec, { fixedBits: 8 })).bitOps;

describe('tunePrecision', () => {
  it('measures one sensitivity per layer and width, and the uniform widths', async () => {
    let evaluations = 0;
    const table = await measurePrecisionTable({ space, subnet, widths: [2, 3, 4], score: (s) => (evaluations++, score(s)), resolution: 1 / IMAGES, cost });
    expect(evaluations).toBe(1 + names.length * 2 + 2);
    expect(table.base).toEqual({ ...subnet, bits: 4 });
    expect(table.layers.map((l) => l.name)).toEqual(names);
    const dw = table.layers.find((l) => l.name === 'stages.0.0.dw')!;
    expect(dw.choices.map((c) => [c.bits, c.drop])).toEqual([[4, 0], [3, 3], [2, 6]]);
    expect(dw.choices[2]!.cost).toBeLessThan(dw.choices[1]!.cost);
    expect(table.uniform.map((u) => u.bits)).toEqual([4, 3, 2]);
  });

  it('verifies the answer, tightens the budget when it misses, and meets the requirement at less cost than the best uniform width', async () => {
    const table = await measurePrecisionTable({ space, subnet, widths: [2, 3, 4], score, resolution: 1 / IMAGES, cost });
    const minScore = 520 / IMAGES;
    const exact = await tunePrecision(table, { space, minScore, solver: solvePrecisionExact, score, cost });
    expect(exact.rounds.length).toBeGreaterThan(1);
    expect(exact.rounds[0]!.met).toBe(false);
    expect(exact.rounds[1]!.budget).toBeLessThan(exact.rounds[0]!.budget);
    expect(exact.fellBack).toBe(false);
    expect(exact.score).toBeGreaterThanOrEqual(minScore);
    expect(exact.score).toBe(score(exact.spec));
    expect(exact.cost).toBe(cost(exact.spec));
    expect(exact.cost).toBeLessThan(exact.bestUniform.cost);
    // Canonical: only layers below the widest width are listed.
    expect(Object.values(exact.spec.bitsByLayer ?? {}).every((b) => b < 4)).toBe(true);
    const greedy = await tunePrecision(table, { space, minScore, solver: solvePrecisionGreedy, score, cost });
    expect(greedy.score).toBeGreaterThanOrEqual(minScore);
    expect(exact.rounds[exact.rounds.length - 1]!.predictedCost).toBeLessThanOrEqual(greedy.rounds[greedy.rounds.length - 1]!.predictedCost + 1e-9);
  });

  it('raises the budget when the measured drops overstate what a mix of layers loses, and keeps the cheapest answer that met', async () => {
    // Each layer alone loses 5 images per bit removed; together they lose no more than the worst one alone (as on a supernet whose widths were trained apart).
    const subadditive = (spec: SubnetSpec): number => {
      const worst = Math.max(0, ...names.map((name) => 4 - subnetLayerBits(spec, name, 8, 'elastic')));
      return (540 - 5 * worst) / IMAGES;
    };
    const table = await measurePrecisionTable({ space, subnet, widths: [2, 3, 4], score: subadditive, resolution: 1 / IMAGES, cost });
    const tuned = await tunePrecision(table, { space, minScore: 530 / IMAGES, solver: solvePrecisionExact, score: subadditive, cost });
    expect(tuned.rounds[0]!.budget).toBe(10);
    expect(tuned.rounds[0]!.met).toBe(true);
    expect(tuned.rounds[1]!.budget).toBeGreaterThan(10);
    // Every layer at 2 bit loses 10 images: the calibrated budget reaches it, the one-layer model alone never would.
    expect(Object.values(tuned.bits).every((b) => b === 2)).toBe(true);
    expect(tuned.cost).toBeLessThan(tuned.rounds[0]!.cost);
    expect(tuned.cost).toBe(Math.min(...tuned.rounds.filter((r) => r.met).map((r) => r.cost)));
  });

  it('answers with the best uniform width when no mix meets the requirement for less', async () => {
    const uniformOnly = (spec: SubnetSpec): number => (spec.bitsByLayer ? 0.5 : score(spec));
    const table = await measurePrecisionTable({ space, subnet, widths: [2, 3, 4], score: uniformOnly, resolution: 1 / IMAGES, cost });
    const tuned = await tunePrecision(table, { space, minScore: 500 / IMAGES, solver: solvePrecisionExact, score: uniformOnly, cost });
    // Only an answer with no layer lowered (the widest subnet itself) meets it, at more cost than a uniform width.
    expect(tuned.rounds.filter((r) => r.met).every((r) => r.cost > tuned.cost)).toBe(true);
    expect(tuned.fellBack).toBe(true);
    expect(tuned.spec).toEqual({ ...subnet, bits: tuned.bestUniform.bits });
    expect(tuned.bestUniform.bits).toBe(Math.min(...table.uniform.filter((u) => u.score >= 500 / IMAGES).map((u) => u.bits)));
    expect(tuned.score).toBe(uniformOnly(tuned.spec));
  });

  it('refuses a requirement the widest subnet misses, in one line', async () => {
    const table = await measurePrecisionTable({ space, subnet, widths: [2, 3, 4], score, resolution: 1 / IMAGES, cost });
    await expect(tunePrecision(table, { space, minScore: 0.95, solver: solvePrecisionExact, score, cost, metric: 'top-1' })).rejects.toThrow(
      /reaches 90.00 % top-1 on the validation split with every layer at 4 bit, below the required 95.00 %/,
    );
  });
});

describe('measurePrecisionTable', () => {
  it('refuses a requirement the widest subnet misses after its first evaluation', async () => {
    let evaluations = 0;
    const measuring = measurePrecisionTable({
      space, subnet, widths: [2, 3, 4], score: (s) => (evaluations++, score(s)), resolution: 1 / IMAGES, cost, minScore: 0.95, metric: 'top-1',
    });
    await expect(measuring).rejects.toThrow(/below the required 95.00 %/);
    expect(evaluations).toBe(1);
  });
});

describe('measureRaisedTables and tunePrecisionOver', () => {
  // A subnet runs the weights of its narrowest width (540, 530 or 490 images right at 4, 3, 2 bit); each layer above that width gains 2 images per bit.
  const UNIFORM: Record<number, number> = { 4: 540, 3: 530, 2: 490 };
  const narrowestWeights = (spec: SubnetSpec): number => {
    const bits = names.map((name) => subnetLayerBits(spec, name, 8, 'elastic'));
    const w = Math.min(...bits);
    return Math.min(540, UNIFORM[w]! + bits.reduce((g, b) => g + 2 * (b - w), 0)) / IMAGES;
  };

  it('measures one table per narrower width, each layer raised with the rest there, and solves them all', async () => {
    let evaluations = 0;
    const score = (spec: SubnetSpec) => (evaluations++, narrowestWeights(spec));
    const widest = await measurePrecisionTable({ space, subnet, widths: [2, 3, 4], score, resolution: 1 / IMAGES, cost, lowerLayers: false });
    expect(evaluations).toBe(3);
    expect(widest.layers.every((l) => l.choices.length === 1)).toBe(true);
    const raised = await measureRaisedTables(widest, { space, subnet, widths: [2, 3, 4], score, resolution: 1 / IMAGES, cost });
    expect(evaluations).toBe(3 + names.length * 2 + names.length);
    expect(raised.map((t) => t.base.bits)).toEqual([3, 2]);
    const from2 = raised[1]!.layers[0]!;
    expect(from2.choices.map((c) => [c.bits, c.drop])).toEqual([[2, 4], [4, 0], [3, 2]]);
    expect(raised[1]!.baseScore).toBeCloseTo((490 + 4 * names.length) / IMAGES, 12);
    const tuned = await tunePrecisionOver([widest, ...raised], { space, minScore: 520 / IMAGES, solver: solvePrecisionExact, score, cost });
    expect(tuned.fellBack).toBe(false);
    expect(tuned.score).toBeGreaterThanOrEqual(520 / IMAGES);
    expect(tuned.cost).toBeLessThan(tuned.bestUniform.cost);
    expect(Math.min(...Object.values(tuned.bits))).toBe(2);
    expect(new Set(tuned.rounds.map((r) => r.from))).toEqual(new Set([4, 3, 2]));
  });
});
