import { createRng } from '@oqat/core';
import { describe, expect, it } from 'vitest';
import { NoValidSampleError } from '../errors';
import { dominates } from './dominance';
import { InvalidSearchConfigError } from './errors';
import { Evolution } from './evolution';
import type { EvolutionConfig } from './options';
import { randomSearch } from './random-search';
import { toyAccuracy, toyEncoder, toyLatencyMs, type Toy } from './toy-encoder.fixture';
import type { ScoredCandidate, SearchEvent } from './types';

const geneSum = (c: Toy): number => c.genes.reduce((s, g) => s + g, 0);

function config(seed: number, over: Partial<EvolutionConfig<Toy>> = {}): EvolutionConfig<Toy> {
  return {
    encoder: toyEncoder(10, 4),
    accuracy: async (c) => toyAccuracy(c),
    efficiency: { latencyMs: toyLatencyMs },
    metrics: { modelBytes: (c) => 100 * (geneSum(c) + 1) },
    hypervolume: { reference: { accuracy: 0.5, cost: 61 } },
    rng: createRng(seed),
    population: 16,
    generations: 6,
    ...over,
  };
}

const summary = (front: ScoredCandidate<Toy>[]): string[] => front.map((s) => `${s.key}:${s.accuracy.toFixed(6)}:${s.objectives.latencyMs}`);

describe('Evolution', () => {
  it('never keeps a candidate that breaks a limit, in the front or among the measured', async () => {
    const limits = { latencyMs: 20, modelBytes: 1400 };
    const measured: ScoredCandidate<Toy>[] = [];
    const result = await new Evolution(config(1, { limits })).run({
      onEvent: (e) => e.kind === 'evaluated' && measured.push(e.candidate),
    });
    expect(measured.length).toBe(result.evaluated);
    expect(result.front.length).toBeGreaterThan(0);
    for (const s of [...measured, ...result.front]) {
      expect(s.objectives.latencyMs).toBeLessThanOrEqual(20);
      expect(s.metrics.modelBytes).toBeLessThanOrEqual(1400);
    }
    expect(result.best).toBeDefined();
    expect(result.best!.accuracy).toBe(Math.max(...result.front.map((s) => s.accuracy)));
  });

  it('returns a non-dominated front, sorted by latency, and a hypervolume per generation that never drops', async () => {
    const result = await new Evolution(config(2)).run();
    const vec = (s: ScoredCandidate<Toy>): number[] => [-s.accuracy, s.objectives.latencyMs!];
    expect(result.front.length).toBeGreaterThan(1);
    for (const a of result.front) for (const b of result.front) expect(dominates(vec(a), vec(b))).toBe(false);
    const latencies = result.front.map((s) => s.objectives.latencyMs!);
    expect(latencies).toEqual([...latencies].sort((x, y) => x - y));
    expect(result.hypervolumes).toHaveLength(7);
    result.hypervolumes.slice(1).forEach((hv, g) => expect(hv).toBeGreaterThanOrEqual(result.hypervolumes[g]!));
    expect(result.evaluated).toBeLessThanOrEqual(16 * 7);
  });

  it('gives the same front for the same seed, and another for another seed', async () => {
    const a = await new Evolution(config(3, { limits: { latencyMs: 25 } })).run();
    const b = await new Evolution(config(3, { limits: { latencyMs: 25 } })).run();
    const c = await new Evolution(config(4, { limits: { latencyMs: 25 } })).run();
    expect(summary(a.front)).toEqual(summary(b.front));
    expect(a.hypervolumes).toEqual(b.hypervolumes);
    expect(summary(c.front)).not.toEqual(summary(a.front));
  });

  it('throws NoValidSampleError when no candidate can meet a limit', async () => {
    // The cheapest toy candidate has latency 1.
    const run = new Evolution(config(5, { limits: { latencyMs: 0.5 }, maxTries: 50 })).run();
    await expect(run).rejects.toThrow(NoValidSampleError);
    await expect(new Evolution(config(5, { limits: { latencyMs: 0.5 }, maxTries: 50 })).run()).rejects.toThrow(
      /initial sample within limits latencyMs <= 0.5 .*after 50 tries/,
    );
  });

  it('rejects a limit on an unknown cost and out-of-range settings', () => {
    expect(() => new Evolution(config(6, { limits: { latency: 5 } }))).toThrow(InvalidSearchConfigError);
    expect(() => new Evolution(config(6, { limits: { latency: 5 } }))).toThrow(/limits.latency names no cost \(known: latencyMs, modelBytes\)/);
    expect(() => new Evolution(config(6, { population: 1 }))).toThrow(/population must be an integer >= 2, got 1/);
    expect(() => new Evolution(config(6, { mutateProb: 2 }))).toThrow(/mutateProb/);
    expect(() => new Evolution(config(6, { efficiency: {} }))).toThrow(/efficiency must name at least one/);
  });

  it('stops at the space size when the space is smaller than the population', async () => {
    const result = await new Evolution(config(7, { encoder: toyEncoder(2, 2), population: 8, generations: 2 })).run();
    expect(result.evaluated).toBe(4);
    expect(new Set(result.front.map((s) => s.key)).size).toBe(result.front.length);
  });

  it("starts from the encoder's anchors that meet the limits, then samples", async () => {
    const corner = (g: number): Toy => ({ genes: Array(10).fill(g) as number[] });
    const encoder = { ...toyEncoder(10, 4), anchors: () => [corner(3), corner(0), corner(1)] };
    const initial: string[] = [];
    await new Evolution(config(5, { encoder, generations: 1, limits: { latencyMs: 40 } })).run({
      onEvent: (e) => e.kind === 'evaluated' && e.candidate.generation === 0 && initial.push(e.candidate.key),
    });
    // corner(3) costs 61 ms and breaks the limit: skipped, never measured.
    expect(initial.slice(0, 2)).toEqual([encoder.key(corner(0)), encoder.key(corner(1))]);
    expect(initial).not.toContain(encoder.key(corner(3)));
    expect(initial).toHaveLength(16);
  });

  it('beats random search at the same number of measurements (hypervolume)', async () => {
    let evo = 0;
    let rnd = 0;
    for (const seed of [11, 12, 13]) {
      const e = await new Evolution(config(seed, { generations: 8 })).run();
      const r = await randomSearch({ ...config(seed + 100), budget: e.evaluated, population: 16 });
      expect(r.evaluated).toBe(e.evaluated);
      evo += e.hypervolumes[e.hypervolumes.length - 1]!;
      rnd += r.hypervolumes[r.hypervolumes.length - 1]!;
    }
    expect(evo / rnd).toBeGreaterThan(1.02);
  });

  it('pre-screens offspring with the predictor and reports its rank correlation', async () => {
    const events: SearchEvent<Toy>[] = [];
    const evolution = new Evolution(config(8, { predictor: { warmup: 80, screenFactor: 3, measurePerGeneration: 8, mlp: { epochs: 60 } } }));
    const result = await evolution.run({ onEvent: (e) => events.push(e) });
    expect(result.evaluated).toBe(evolution.budget);
    expect(evolution.budget).toBe(80 + 6 * 8);
    expect(result.screened).toBeGreaterThanOrEqual(6 * 8 * 2 - 6);
    const fit = events.find((e) => e.kind === 'predictor');
    expect(fit).toMatchObject({ trainSamples: 64, heldOutSamples: 16 });
    expect(result.predictor!.heldOutSpearman).toBeGreaterThan(0.5);
    expect(result.predictor!.fits).toBe(6);
    expect(events.at(-1)!.kind).toBe('finished');
  });

  it('stops before the next measurement when aborted', async () => {
    const controller = new AbortController();
    let calls = 0;
    const run = new Evolution(
      config(9, {
        accuracy: async (c) => {
          if (++calls === 5) controller.abort();
          return toyAccuracy(c);
        },
      }),
    ).run({ signal: controller.signal });
    await expect(run).rejects.toThrow(/aborted/);
    expect(calls).toBe(5);
  });
});
