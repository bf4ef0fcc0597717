import { createRng, derive } from '@oqat/core';
import { describe, expect, it } from 'vitest';
import type { LayerDesc } from '../ir/layer-desc';
import { networkFigures } from '../ir/network-figures';
import { randomSubnetLayers, SMALL_OFA_SPACE } from '../space/random-subnet.test-support';
import { priorSource } from './fewshot-model';
import { chooseFewShotNetworks } from './fit-fewshot-design';

const networks = (seed: number, n: number): LayerDesc[][] => Array.from({ length: n }, (_, i) => randomSubnetLayers(createRng(derive(seed, i)), SMALL_OFA_SPACE));
const SOURCES = [priorSource({ name: 'xavier', simulator: 'xavier' }), priorSource({ name: 'fpga', simulator: 'fpga' })];
const logMacs = (l: readonly LayerDesc[]) => Math.log(networkFigures(l).macs);

describe('chooseFewShotNetworks', () => {
  const candidates = networks(21, 80);

  it('picks k distinct networks, the same ones every time, never a duplicate candidate twice', () => {
    const withCopies = [...candidates, ...candidates.slice(0, 20)];
    const picked = chooseFewShotNetworks(withCopies, 10, SOURCES);
    expect(picked).toHaveLength(10);
    expect(new Set(picked.map((i) => JSON.stringify(withCopies[i])).values()).size).toBe(10);
    expect(chooseFewShotNetworks(withCopies, 10, SOURCES)).toEqual(picked);
    expect(chooseFewShotNetworks(candidates.slice(0, 4), 10, SOURCES)).toEqual([0, 1, 2, 3]);
  });

  it('spreads the samples over the candidates: a wider MACs range than random picks of the same size', () => {
    const span = (idx: number[]) => Math.max(...idx.map((i) => logMacs(candidates[i]!))) - Math.min(...idx.map((i) => logMacs(candidates[i]!)));
    const chosen = span(chooseFewShotNetworks(candidates, 10, SOURCES));
    const all = span(candidates.map((_, i) => i));
    // ten random picks (the first ten of each of 20 shuffles) on average cover clearly less of the range
    const rng = createRng(5);
    let randomSpan = 0;
    for (let r = 0; r < 20; r++) {
      const order = candidates.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      randomSpan += span(order.slice(0, 10)) / 20;
    }
    expect(chosen).toBeGreaterThan(0.8 * all);
    expect(chosen).toBeGreaterThan(randomSpan);
  });
});
