import { describe, expect, it } from 'vitest';
import type { RunEventDto } from '@oqat/jobs';
import { isAccuracyMetric, mainAccuracyMetric, metricsOf, progressOf, statusAfter } from './run-events';

const base = { runId: 'r', seq: 1, at: 100 };

describe('run event payloads', () => {
  it('reads metric events carrying one point or a batch ({points}, as packages/runs sends them)', () => {
    const one: RunEventDto = { ...base, kind: 'metric', payload: { phase: '4bit', step: 3, name: 'loss', value: 1.5, at: 90 } };
    const batch: RunEventDto = { ...base, kind: 'metric', payload: { points: [{ name: 'lr', value: 0.1, step: 3, phase: '4bit' }, { bogus: 1 }] } };
    expect(metricsOf(one)).toEqual([{ phase: '4bit', step: 3, name: 'loss', value: 1.5, at: 90 }]);
    expect(metricsOf(batch)).toEqual([{ phase: '4bit', step: 3, name: 'lr', value: 0.1, at: 100 }]);
    expect(metricsOf({ ...base, kind: 'log', payload: {} })).toEqual([]);
  });

  it('reads progress with the phase on the payload or in its detail', () => {
    expect(progressOf({ ...base, kind: 'progress', payload: { current: 2, total: 6, status: 's', detail: { phase: '3bit' } } }))
      .toEqual({ current: 2, total: 6, status: 's', phase: '3bit' });
    expect(progressOf({ ...base, kind: 'progress', payload: { total: 6 } })).toBeUndefined();
  });

  it('maps lifecycle events to statuses, interrupted included', () => {
    expect(statusAfter({ ...base, kind: 'started', payload: {} })).toBe('running');
    expect(statusAfter({ ...base, kind: 'failed', payload: { error: 'x' } })).toBe('failed');
    expect(statusAfter({ ...base, kind: 'interrupted' as RunEventDto['kind'], payload: {} })).toBe('interrupted');
    expect(statusAfter({ ...base, kind: 'log', payload: {} })).toBeUndefined();
  });

  it('knows accuracy metrics and prefers the largest subnet', () => {
    expect(['top1', 'top1/largest', 'miou/smallest', 'accuracy'].every(isAccuracyMetric)).toBe(true);
    expect(isAccuracyMetric('loss')).toBe(false);
    expect(mainAccuracyMetric(['loss', 'top1/smallest', 'top1/largest'])).toBe('top1/largest');
    expect(mainAccuracyMetric(['loss'])).toBeUndefined();
  });
});
