import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine } from '@oqat/engine';
import { analogDevice } from '@oqat/quant';
import { classifyOnDevice, loadStaticSubnet, staticTop1 } from '@oqat/search';
import { TINY_SPACE, writeWidthsCheckpoint } from '@oqat/search/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpointEvalData } from './eval-data';
import { createStudioService, type FinetuneJobResult, type FinetuneRequest, type Studio } from './index';

// A real SQLite file and worker processes: an untrained tiny supernet (float + 4 bit) on the shipped subset,
// its largest 4-bit subnet finetuned by DNF for a few steps on a small noisy device, then its file measured again.
describe('finetune job (DNF for the analog device)', () => {
  let studio: Studio;
  const dir = mkdtempSync(join(tmpdir(), 'oqat-finetune-'));
  const ckpt = join(dir, 'runs', 'supernet.ckpt');
  const device = { blockSize: 16, adcBits: 6, gain: 2, noise: 0.01 };
  const request = (over: Partial<FinetuneRequest> = {}): FinetuneRequest => ({
    checkpoint: ckpt, subnet: 'largest', bits: 4, method: 'dnf', steps: 3, batchSize: 16, calibrationImages: 16, refreshSteps: 2,
    testImages: 40, bnImages: 32, ...device, seed: 1, backend: 'wasm', ...over,
  });

  beforeAll(async () => {
    await initEngine({ backend: 'wasm' });
    mkdirSync(join(dir, 'runs'), { recursive: true });
    writeWidthsCheckpoint(ckpt, { ...TINY_SPACE, numClasses: 10 }, 6, [32, 4]).dispose();
    studio = await createStudioService({ path: join(dir, 'runs.db') });
  });
  afterAll(async () => {
    await studio.close();
  });

  it('measures, finetunes and writes the subnet as a recorded run; the file reads back and scores the same, and a run of it with 0 steps measures it again', async () => {
    const { runId } = await studio.startFinetune(request());
    await studio.idle();
    const detail = await studio.getRun(runId);
    expect(detail.kind).toBe('finetune');
    expect(detail.status).toBe('finished');
    const result = (await studio.store.getRun(runId)).result as FinetuneJobResult;
    expect(result.steps).toBe(3);
    expect(result.spec.bits).toBe(4);
    expect(result.device).toMatchObject({ ...device, inputBits: 8, weightBits: 8 });
    expect(result.noise!.layers).toBeGreaterThan(0);
    expect(result.testImages).toBe(40);
    expect(result.bestAccuracy).toBe(result.after.analog);
    const kinds = new Set((await studio.events(runId)).map((e) => e.kind));
    for (const k of ['started', 'progress', 'metric', 'log', 'finished']) expect(kinds).toContain(k);
    const metrics = await studio.metrics(runId);
    expect(metrics.filter((m) => m.name === 'loss').map((m) => m.step)).toEqual([1, 2, 3]);
    expect(metrics.filter((m) => m.name === 'top1/analog').map((m) => [m.step, m.value])).toEqual([[0, result.before.analog], [3, result.after.analog]]);
    expect(metrics.filter((m) => m.name === 'top1/digital').map((m) => [m.step, m.value])).toEqual([[0, result.before.digital], [3, result.after.digital]]);
    expect(detail.artifacts.map((a) => [a.kind, a.path])).toEqual([['checkpoint', result.file.path]]);
    const [candidate] = await studio.candidates(runId);
    expect(candidate!.accuracy).toBe(result.after.analog);

    // The file, read back here, computes what the run measured.
    const loaded = loadStaticSubnet(result.file.path);
    const { test, normalization, bn } = await loadCheckpointEvalData(loaded.config, 40, 0, 1);
    for (const t of bn) t.dispose();
    try {
      expect(staticTop1(loaded.net, test, normalization)).toBe(result.after.digital);
      expect(classifyOnDevice(loaded.net, { test, batchSize: 500, normalization }, analogDevice(device), 1).top1).toBe(result.after.analog);
    } finally {
      loaded.net.dispose();
    }

    // oqat finetune --checkpoint FILE --steps 0: the same figures, before and after.
    const again = await studio.startFinetune(request({ checkpoint: result.file.path, bits: undefined, steps: 0 }));
    await studio.idle();
    const measured = (await studio.store.getRun(again.runId)).result as FinetuneJobResult;
    expect(measured.steps).toBe(0);
    expect(measured.before).toEqual(result.after);
    expect(measured.after).toEqual(result.after);
  }, 120_000);

  it('refuses a bad request before a run exists', async () => {
    const before = (await studio.listRuns()).length;
    await expect(studio.startFinetune(request({ steps: -1 }))).rejects.toThrow(/^run config: steps must be a whole number from 0 to 100000, got -1$/);
    await expect(studio.startFinetune(request({ runId: 'x' }))).rejects.toThrow(/give exactly one/);
    await expect(studio.startFinetune(request({ checkpoint: '/x.ckpt' }))).rejects.toThrow(/checkpoint '\/x.ckpt' is outside/);
    expect(await studio.listRuns()).toHaveLength(before);
  });
});
