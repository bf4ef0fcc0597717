import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioService, type Studio } from './index';

// A real SQLite file, real worker processes, real (tiny) training and search.
// Batches of 32: a first quantized phase sets every layer's LSQ step from one batch (an MSE search on the host that grows with the batch).
describe('studio service', () => {
  let studio: Studio;
  const dir = mkdtempSync(join(tmpdir(), 'oqat-jobs-'));

  beforeAll(async () => {
    studio = await createStudioService({ path: join(dir, 'runs.db') });
  });
  afterAll(async () => {
    await studio.close();
  });

  it('rejects a bad config before creating a run', async () => {
    await expect(studio.startRun({ bitsChain: [8, 4] })).rejects.toThrow(/bitsChain 8 is not a bit width of space 'fashion-mnist-mbv3-small' \(its widths: 4, 3, 2\)/);
    expect(await studio.listRuns()).toEqual([]);
  });

  it('trains a tiny supernet, then searches it on a simulated device, all recorded', async () => {
    const events: string[] = [];
    const off = studio.onRunEvent((e) => events.push(e.kind));
    const { runId } = await studio.startRun({
      dataset: 'subset', bitsChain: [4, 2], epochs: { float: 0, first: 1, inherited: 1 }, limitTrainImages: 32, batchSize: 32,
      evalImages: 100, devices: ['fpga'], generations: 1, population: 4, backend: 'wasm',
    });
    await studio.idle();
    off();
    const runs = await studio.listRuns();
    const trainRun = runs.find((r) => r.id === runId)!;
    const searchRun = runs.find((r) => r.parentRunId === runId)!;
    expect(trainRun.status).toBe('finished');
    expect(trainRun.bits).toEqual([4, 2]);
    expect(searchRun?.status).toBe('finished');
    const detail = await studio.getRun(runId);
    expect(detail.checkpoints.length).toBeGreaterThan(0);
    const metrics = await studio.metrics(runId);
    expect(metrics.some((m) => m.name === 'loss' && m.phase === '2bit')).toBe(true);
    const candidates = await studio.candidates(searchRun.id);
    expect(candidates.length).toBeGreaterThanOrEqual(4);
    expect(candidates.some((c) => c.onFront)).toBe(true);
    for (const c of candidates) {
      expect([2, 4]).toContain(c.bits);
      expect(c.latencyMs).toBeGreaterThan(0);
    }
    expect(events).toContain('finished');
  }, 600_000);

  it("labels a search of a checkpoint file with that supernet's task and widths, and refuses an unreadable file before creating a run", async () => {
    const trained = (await studio.listRuns()).find((r) => r.kind === 'train')!;
    const checkpointPath = await studio.checkpointOf(trained.id);
    const before = (await studio.listRuns()).length;
    await expect(studio.startRun({ kind: 'search', checkpointPath: join(studio.workDir, 'missing.ckpt'), devices: ['fpga'] })).rejects.toThrow(/missing\.ckpt' does not exist/);
    expect(await studio.listRuns()).toHaveLength(before);
    // The form's default widths are 4, 3, 2; the supernet was trained at 4 and 2.
    // Searched per layer: its offspring mix 4- and 2-bit layers, each a valid spec measured on the real supernet.
    const { runId } = await studio.startRun({ kind: 'search', checkpointPath, devices: ['fpga'], generations: 1, population: 4, evalImages: 50, backend: 'wasm', perLayerBits: true });
    const run = (await studio.listRuns()).find((r) => r.id === runId)!;
    expect(run.bits).toEqual([4, 2]);
    expect(run.task).toBe('classification');
    await studio.idle();
    const mixed = (await studio.candidates(runId)).filter((c) => (c.spec as { bitsByLayer?: Record<string, number> }).bitsByLayer);
    expect(mixed.length).toBeGreaterThan(0);
    for (const c of mixed) expect(new Set([c.bits, ...Object.values((c.spec as { bitsByLayer: Record<string, number> }).bitsByLayer)])).toEqual(new Set([4, 2]));
  }, 300_000);
});
