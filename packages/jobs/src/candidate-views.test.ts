import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioService, type Studio } from './index';
import { writeSyntheticSearch } from './synthetic-search';

// The Search screen's data path at scale: 150 000 candidates on one device, in a real SQLite file.
describe('candidate views of a large search', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oqat-candidates-'));
  let studio: Studio;
  let runId: string;
  const N = 150_000;

  beforeAll(async () => {
    studio = await createStudioService({ path: join(dir, 'runs.db') });
    runId = await writeSyntheticSearch(studio.store, { candidates: N, devices: ['xavier'], seed: 3 });
  }, 120_000);
  afterAll(async () => {
    await studio.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends counts, ranges, front and steps, then every point as columns in one page, compact', async () => {
    const overview = await studio.candidateOverview(runId);
    expect(overview.total).toBe(N);
    const [xavier] = overview.devices;
    expect(xavier).toMatchObject({ device: 'xavier', count: N });
    expect(xavier!.front.length).toBe(xavier!.steps.ids.length);
    expect(xavier!.front.every((c) => c.onFront && c.device === 'xavier')).toBe(true);

    const points = await studio.candidatePoints(runId, 'xavier');
    expect(points.ids).toHaveLength(N);
    expect(points.next).toBeUndefined();
    expect(points.ids.at(-1)).toBe(xavier!.lastId);
    // Compact: ids and two 6-digit numbers per point, well under the 388 B per candidate of the old full list.
    expect(JSON.stringify(points).length / N).toBeLessThan(40);
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of points.latencyMs) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
    expect(lo).toBeCloseTo(xavier!.latencyMs[0], 3);
    expect(hi).toBeCloseTo(xavier!.latencyMs[1], 3);

    // The best under a budget (last step at or below it) is the best of all points under it.
    const budget = (lo + hi) / 3;
    let best = -1;
    for (let i = 0; i < N; i++) if (points.latencyMs[i]! <= budget && (best < 0 || points.accuracy[i]! > points.accuracy[best]!)) best = i;
    const steps = xavier!.steps;
    let step = -1;
    steps.latencyMs.forEach((x, i) => { if (x <= budget) step = i; });
    expect(steps.accuracy[step]).toBeCloseTo(points.accuracy[best]!, 5);
    const whole = await studio.candidate(runId, steps.ids[step]!);
    expect(whole).toMatchObject({ id: steps.ids[step], device: 'xavier', onFront: true });
    expect(Object.keys(whole.latencies)).toEqual(['xavier']);
  }, 60_000);

  it('pages points and whole candidates by id, and refuses bad arguments in one line', async () => {
    const first = await studio.candidatePoints(runId, 'xavier', 0, 1_000);
    expect(first.ids).toHaveLength(1_000);
    const second = await studio.candidatePoints(runId, 'xavier', first.next, 1_000);
    expect(second.ids[0]).toBeGreaterThan(first.ids.at(-1)!);
    const page = await studio.candidatePage(runId, first.ids[9], 5);
    expect(page.map((c) => c.id)).toEqual(first.ids.slice(10, 15));
    await expect(studio.candidatePoints(runId, 'xavier', -1)).rejects.toThrow(/afterId must be a whole number >= 0/);
    await expect(studio.candidate(runId, 0)).rejects.toThrow(/0 is not a candidate of run/);
  }, 30_000);
});
