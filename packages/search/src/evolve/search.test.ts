import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { NoValidSampleError } from '../errors';
import { search, type SearchConfig } from './search';
import { toyAccuracy, toyEncoder, toyLatencyMs, type Toy } from './toy-encoder.fixture';
import type { SearchEvent } from './types';

function config(over: Partial<SearchConfig<Toy>> = {}, counter?: { calls: number }): SearchConfig<Toy> {
  return {
    seed: 42,
    encoder: toyEncoder(8, 4),
    accuracy: async (c) => {
      if (counter) counter.calls++;
      return toyAccuracy(c);
    },
    efficiency: { latencyMs: toyLatencyMs },
    limits: { latencyMs: 30 },
    hypervolume: { reference: { accuracy: 0.5, cost: 50 } },
    population: 8,
    generations: 3,
    ...over,
  };
}

describe('search', () => {
  it('is cold: nothing is measured before subscription, and each subscription runs afresh from the seed', async () => {
    const counter = { calls: 0 };
    const search$ = search(config({}, counter));
    await new Promise((r) => setTimeout(r, 5));
    expect(counter.calls).toBe(0);
    const a = await lastValueFrom(search$);
    const b = await lastValueFrom(search$);
    expect(counter.calls).toBe(2 * (a.kind === 'finished' ? a.result.evaluated : NaN));
    expect(a).toEqual(b);
  });

  it('emits started, evaluated, one event per generation, then finished with the front, and completes', async () => {
    const events = await lastValueFrom(search(config()).pipe(toArray()));
    const kinds = events.map((e) => e.kind);
    expect(kinds[0]).toBe('started');
    expect(kinds.at(-1)).toBe('finished');
    const generations = events.filter((e): e is Extract<SearchEvent<Toy>, { kind: 'generation' }> => e.kind === 'generation');
    expect(generations.map((g) => g.generation)).toEqual([0, 1, 2, 3]);
    for (const g of generations) {
      expect(g.seed).toBe(42);
      expect(g.frontSize).toBeGreaterThan(0);
      expect(g.best!.objectives.latencyMs).toBeLessThanOrEqual(30);
    }
    const finished = events.at(-1) as Extract<SearchEvent<Toy>, { kind: 'finished' }>;
    expect(finished.result.front.length).toBe(generations.at(-1)!.frontSize);
    expect(finished.result.hypervolumes).toEqual(generations.map((g) => g.hypervolume));
    expect(kinds.filter((k) => k === 'evaluated')).toHaveLength(finished.result.evaluated);
  });

  it('aborts the run when the subscriber unsubscribes', async () => {
    const counter = { calls: 0 };
    // take(3): started + two evaluations, then rxjs unsubscribes, which aborts the job.
    await lastValueFrom(search(config({}, counter)).pipe(take(3)));
    await new Promise((r) => setTimeout(r, 20));
    expect(counter.calls).toBe(2);
  });

  it('runs the random baseline with the evolution budget by default', async () => {
    const last = await lastValueFrom(search(config({ strategy: 'random' })));
    expect(last.kind === 'finished' && last.result.strategy).toBe('random');
    expect(last.kind === 'finished' && last.result.evaluated).toBe(8 * 4);
  });

  it('ends with an error notification when no candidate meets the limits', async () => {
    await expect(firstValueFrom(search(config({ limits: { latencyMs: 0 }, maxTries: 20 })).pipe(toArray()))).rejects.toThrow(NoValidSampleError);
    await expect(lastValueFrom(search(config({ population: 0 })))).rejects.toThrow(/population/);
  });
});
