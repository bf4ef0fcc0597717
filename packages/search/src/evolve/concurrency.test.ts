import { createRng } from '@oqat/core';
import { describe, expect, it } from 'vitest';
import { InvalidSearchConfigError } from './errors';
import { Evolution } from './evolution';
import type { EvolutionConfig } from './options';
import { randomSearch } from './random-search';
import { toyAccuracy, toyEncoder, toyLatencyMs, type Toy } from './toy-encoder.fixture';
import type { SearchEvent } from './types';

/**
 * An accuracy measured "elsewhere": each call ends after a few event-loop turns that vary by candidate, so
 * concurrent calls finish out of order, as queue workers answer out of order.
 */
function remoteAccuracy(stats: { inFlight: number; maxInFlight: number; calls: number }) {
  return async (c: Toy): Promise<number> => {
    stats.calls++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    const turns = (c.genes.reduce((s, g, i) => s + g * (i + 3), 0) * 7) % 11;
    for (let t = 0; t < turns; t++) await new Promise<void>((r) => setImmediate(r));
    stats.inFlight--;
    return toyAccuracy(c);
  };
}

function config(over: Partial<EvolutionConfig<Toy>> = {}): EvolutionConfig<Toy> {
  return {
    encoder: toyEncoder(10, 4),
    accuracy: async (c) => toyAccuracy(c),
    efficiency: { latencyMs: toyLatencyMs },
    limits: { latencyMs: 40 },
    hypervolume: { reference: { accuracy: 0.5, cost: 61 } },
    rng: createRng(3),
    population: 12,
    generations: 4,
    ...over,
  };
}

/** What a run shows a caller: every event in order (candidate keys, generation fronts) and the result. */
async function trace(run: (events: SearchEvent<Toy>[]) => Promise<unknown>): Promise<{ events: string[]; result: unknown }> {
  const events: SearchEvent<Toy>[] = [];
  const result = await run(events);
  const shown = events.map((e) =>
    e.kind === 'evaluated' ? `evaluated ${e.candidate.key} ${e.candidate.accuracy} g${e.candidate.generation} ${e.evaluated}/${e.budget}`
      : e.kind === 'generation' ? `generation ${e.generation} ${e.hypervolume} ${e.frontSize}` : e.kind,
  );
  // The predictor's fit time is a clock reading, not a result.
  return { events: shown, result: JSON.parse(JSON.stringify(result, (k, v) => (k === 'fitMs' ? undefined : v))) };
}

describe('concurrent accuracy measurements', () => {
  it('give the events and front of one-at-a-time measuring, with several calls in flight', async () => {
    const one = await trace((events) => new Evolution(config()).run({ onEvent: (e) => events.push(e) }));
    for (const concurrency of [3, Infinity]) {
      const stats = { inFlight: 0, maxInFlight: 0, calls: 0 };
      const many = await trace((events) => new Evolution(config({ concurrency, accuracy: remoteAccuracy(stats) })).run({ onEvent: (e) => events.push(e) }));
      expect(many).toEqual(one);
      expect(stats.maxInFlight).toBeGreaterThan(1);
      expect(stats.maxInFlight).toBeLessThanOrEqual(concurrency === Infinity ? 12 : 3);
      expect(stats.calls).toBe(one.events.filter((e) => e.startsWith('evaluated')).length);
    }
  });

  it('keep the random baseline and the predictor-screened evolution unchanged too', async () => {
    const random = (concurrency: number, accuracy = config().accuracy) => trace((events) =>
      randomSearch({ ...config({ concurrency, accuracy }), budget: 30, population: 8 }, { onEvent: (e) => events.push(e) }));
    const stats = { inFlight: 0, maxInFlight: 0, calls: 0 };
    expect(await random(Infinity, remoteAccuracy(stats))).toEqual(await random(1));
    expect(stats.maxInFlight).toBeGreaterThan(1);
    const screened = (concurrency: number, accuracy = config().accuracy) => trace((events) =>
      new Evolution(config({ concurrency, accuracy, predictor: { warmup: 24, screenFactor: 2, mlp: { epochs: 20 } } })).run({ onEvent: (e) => events.push(e) }));
    expect(await screened(4, remoteAccuracy({ inFlight: 0, maxInFlight: 0, calls: 0 }))).toEqual(await screened(1));
  });

  it('report the first failure in candidate order and start no call after it', async () => {
    let calls = 0;
    const accuracy = async (c: Toy): Promise<number> => {
      const n = calls++;
      await new Promise<void>((r) => setImmediate(r));
      if (n === 2) throw new Error(`worker lost candidate ${c.genes.join('')}`);
      return toyAccuracy(c);
    };
    await expect(new Evolution(config({ concurrency: 2, accuracy })).run()).rejects.toThrow(/worker lost candidate/);
    expect(calls).toBeLessThanOrEqual(4);
  });

  it('refuse a concurrency below 1 or not whole', () => {
    expect(() => new Evolution(config({ concurrency: 0 }))).toThrow(InvalidSearchConfigError);
    expect(() => new Evolution(config({ concurrency: 1.5 }))).toThrow(/concurrency/);
  });
});
