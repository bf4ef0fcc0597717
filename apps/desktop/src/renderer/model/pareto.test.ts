import { describe, expect, it } from 'vitest';
import type { CandidateDto } from '@oqat/jobs';
import { frontOf, paretoFront } from './pareto';
import { MetricSeries } from './metric-series';

const c = (id: number, latencyMs: number, accuracy: number, onFront = false) =>
  ({ id, latencyMs, accuracy, onFront, device: 'cpu' }) as CandidateDto;

describe('Pareto helpers', () => {
  const list = [c(1, 1, 0.5), c(2, 2, 0.7), c(3, 2.5, 0.6), c(4, 3, 0.9), c(5, 0.5, 0.4)];

  it('keeps the candidates nothing beats on both latency and accuracy', () => {
    expect(paretoFront(list).map((x) => x.id)).toEqual([5, 1, 2, 4]);
  });

  it('prefers the service front flags when present', () => {
    expect(frontOf([c(1, 1, 0.5, true), c(2, 2, 0.4)]).map((x) => x.id)).toEqual([1]);
  });
});

describe('MetricSeries', () => {
  it('de-duplicates points from loads and live events and groups them per phase', () => {
    const m = new MetricSeries();
    m.addAll([{ phase: '4bit', step: 1, name: 'loss', value: 2, at: 1 }, { phase: '3bit', step: 3, name: 'loss', value: 1, at: 3 }]);
    const rev = m.revision;
    expect(m.add({ phase: '4bit', step: 1, name: 'loss', value: 2, at: 9 })).toBe(false);
    expect(m.revision).toBe(rev);
    m.add({ phase: '4bit', step: 2, name: 'loss', value: 1.5, at: 2 });
    expect([...m.byPhase('loss')]).toEqual([['4bit', [[1, 2], [2, 1.5]]], ['3bit', [[3, 1]]]]);
    expect(m.all('loss').map(([s]) => s)).toEqual([1, 2, 3]);
    expect(m.latest('loss')?.value).toBe(1);
  });
});
