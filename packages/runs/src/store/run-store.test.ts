import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDirs } from '../../test/temp-dir.ts';
import { openRunStore } from './open-run-store.ts';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

describe('RunStore records', () => {
  it('records a metrics batch in one transaction with one metric event, and reads it back in order', async () => {
    const s = await openRunStore({ path: join(await dirs.make(), 'runs.db') });
    const run = await s.createRun({ kind: 'train', config: {} });
    const points = Array.from({ length: 2_500 }, (_, i) => ({ name: i % 2 ? 'acc' : 'loss', value: i / 10, step: i >> 1, phase: 'w4' }));
    await s.recordMetrics(run.id, points);
    expect(await s.countMetrics(run.id)).toBe(2_500);
    const loss = await s.readMetrics(run.id, { name: 'loss' });
    expect(loss).toHaveLength(1_250);
    expect(loss[3]).toMatchObject({ runId: run.id, name: 'loss', step: 3, value: 0.6, phase: 'w4' });
    const metricEvents = (await s.readEvents(run.id)).filter((e) => e.kind === 'metric');
    expect(metricEvents).toHaveLength(1);
    await s.recordMetrics(run.id, points.slice(0, 10), { event: false });
    expect((await s.readEvents(run.id)).filter((e) => e.kind === 'metric')).toHaveLength(1);
    await s.close();
  });

  it('stores candidates with spec and metrics JSON and moves the front', async () => {
    const s = await openRunStore({ path: join(await dirs.make(), 'runs.db') });
    const run = await s.createRun({ kind: 'search', config: {} });
    const [a, b, c] = await s.addCandidates(run.id, [
      { device: 'pi4', spec: { bits: [4, 4] }, metrics: { accuracy: 0.8, latencyMs: 3 }, onFront: true },
      { device: 'pi4', spec: { bits: [2, 4] }, metrics: { accuracy: 0.7, latencyMs: 2 } },
      { device: 'm1', spec: { bits: [3, 3] }, metrics: { accuracy: 0.75, latencyMs: 1 } },
    ]);
    await s.markFront(run.id, 'pi4', [b.id]);
    expect((await s.listCandidates(run.id, { device: 'pi4', onFrontOnly: true })).map((x) => x.id)).toEqual([b.id]);
    const all = await s.listCandidates(run.id);
    expect(all.map((x) => [x.id, x.onFront])).toEqual([[a.id, false], [b.id, true], [c.id, false]]);
    expect(all[0]).toMatchObject({ spec: { bits: [4, 4] }, metrics: { accuracy: 0.8, latencyMs: 3 } });
    await s.close();
  });

  it('pages candidates, answers one device\'s points as columns and the counts per device', async () => {
    const s = await openRunStore({ path: join(await dirs.make(), 'runs.db') });
    const run = await s.createRun({ kind: 'search', config: {} });
    // 12 000 rows (more than one INSERT chunk): ids must come back in order and consecutive.
    const rows = Array.from({ length: 12_000 }, (_, i) => ({
      device: i % 3 === 0 ? 'm1' : 'pi4', spec: { i }, metrics: { latencyMs: 1 + ((i * 7919) % 1000) / 10, accuracy: ((i * 104729) % 997) / 997 },
    }));
    const added = await s.addCandidates(run.id, rows);
    expect(added.map((c) => c.id)).toEqual(added.map((_, i) => added[0]!.id + i));
    expect((await s.getCandidate(run.id, added[5]!.id))?.spec).toEqual({ i: 5 });
    const page = await s.listCandidates(run.id, { afterId: added[99]!.id, limit: 10 });
    expect(page.map((c) => c.id)).toEqual(added.slice(100, 110).map((c) => c.id));

    const axes = { x: 'latencyMs', y: 'accuracy' };
    const pi4 = rows.flatMap((r, i) => (r.device === 'pi4' ? [{ id: added[i]!.id, ...r.metrics }] : []));
    const first = await s.candidatePoints(run.id, 'pi4', axes, { limit: 5_000 });
    const rest = await s.candidatePoints(run.id, 'pi4', axes, { afterId: first.ids.at(-1), limit: 5_000 });
    expect([...first.ids, ...rest.ids]).toEqual(pi4.map((c) => c.id));
    expect(rest.x[3]).toBe(pi4[5_003]!.latencyMs);
    expect(rest.y[3]).toBe(pi4[5_003]!.accuracy);

    const counts = await s.candidateCounts(run.id);
    expect(counts.map((d) => [d.device, d.count])).toEqual([['m1', 4_000], ['pi4', 8_000]]);
    expect(counts[1]!.maxId).toBe(pi4.at(-1)!.id);
    expect(await s.candidateCounts(run.id, 'm1')).toEqual([counts[0]]);
    expect(await s.candidateFrontIds(run.id)).toEqual(new Map());
    await s.markFront(run.id, 'pi4', [pi4[3]!.id, pi4[1]!.id]);
    expect(await s.candidateFrontIds(run.id)).toEqual(new Map([['pi4', [pi4[1]!.id, pi4[3]!.id]]]));
    const rounded = await s.candidatePoints(run.id, 'pi4', { x: 'latencyMs', y: 'accuracy' }, { limit: 3, digits: 3 });
    expect(rounded.y).toEqual(pi4.slice(0, 3).map((c) => Number(c.accuracy.toPrecision(3))));
    await s.close();
  });

  it('hashes artifacts (size, SHA-256, absolute path)', async () => {
    const dir = await dirs.make();
    const s = await openRunStore({ path: join(dir, 'runs.db') });
    const run = await s.createRun({ kind: 'export', config: {} });
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) & 255));
    await writeFile(join(dir, 'model.bin'), bytes);
    const art = await s.addArtifact(run.id, { path: join(dir, 'model.bin'), kind: 'packed' });
    expect(art).toMatchObject({
      kind: 'packed',
      path: join(dir, 'model.bin'),
      sizeBytes: 70_000,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    expect(await s.listArtifacts(run.id)).toEqual([art]);
    await s.close();
  });

  it('resumeInfo gives the config, job and last checkpoint; delete cascades', async () => {
    const s = await openRunStore({ path: join(await dirs.make(), 'runs.db') });
    const job = { modulePath: '/app/jobs/train.ts', exportName: 'trainJob' };
    const run = await s.createRun({ kind: 'train', config: { epochs: 3 }, seed: 1, job });
    await s.markRunning(run.id);
    await s.addCheckpoint(run.id, { path: '/tmp/ck-1', step: 100, phase: 'w4' });
    await s.addCheckpoint(run.id, { path: '/tmp/ck-2', step: 200, phase: 'w3' });
    const running = await s.resumeInfo(run.id);
    expect(running.resumable).toBe(false);
    await s.markCancelled(run.id);
    const info = await s.resumeInfo(run.id);
    expect(info).toMatchObject({ config: { epochs: 3 }, job, resumable: true, checkpoint: { path: '/tmp/ck-2', step: 200, phase: 'w3' } });
    expect(await s.listCheckpoints(run.id)).toHaveLength(2);

    await s.recordMetrics(run.id, [{ name: 'loss', value: 1, step: 1 }]);
    await s.addCandidates(run.id, [{ device: 'd', spec: {}, metrics: {} }]);
    await s.deleteRun(run.id);
    expect(await s.countMetrics(run.id)).toBe(0);
    expect(await s.readEvents(run.id)).toEqual([]);
    expect(await s.listCandidates(run.id)).toEqual([]);
    expect(await s.listCheckpoints(run.id)).toEqual([]);
    await s.close();
  });

  it('lists newest first, filtered by kind and status', async () => {
    let t = 1_000;
    const s = await openRunStore({ path: join(await dirs.make(), 'runs.db'), now: () => (t += 1_000) });
    const a = await s.createRun({ kind: 'train', config: {} });
    const b = await s.createRun({ kind: 'search', config: {} });
    const c = await s.createRun({ kind: 'train', config: {} });
    await s.markCancelled(c.id);
    expect((await s.listRuns()).map((r) => r.id)).toEqual([c.id, b.id, a.id]);
    expect((await s.listRuns({ kind: 'train' })).map((r) => r.id)).toEqual([c.id, a.id]);
    expect((await s.listRuns({ status: 'cancelled' })).map((r) => r.id)).toEqual([c.id]);
    expect(await s.listRuns({ limit: 1 })).toHaveLength(1);
    await s.close();
  });
});
