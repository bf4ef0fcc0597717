import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elasticLayerNames } from '@oqat/latency';
import { FASHION_MNIST_SPACE, parseSubnetSpec, smallestSubnet } from '@oqat/search';
import { createStudioService, type Studio, type TuneJobResult, type TuneRequest } from './index';

// A real SQLite file, real worker processes: a tiny training run, then tune runs of its smallest subnet.
// Batches of 32: a first quantized phase sets every layer's LSQ step from one batch (an MSE search on the host that grows with the batch).
describe('tune job', () => {
  let studio: Studio;
  let trainRunId: string;
  const dir = mkdtempSync(join(tmpdir(), 'oqat-tune-'));
  const request = (over: Partial<TuneRequest>): TuneRequest => ({
    runId: trainRunId, subnet: 'smallest', minAccuracy: 0.01, device: 'fpga', cost: 'latency', method: 'exact', model: 'lowered', maxRounds: 6,
    testImages: 50, validationImages: 60, bnImages: 64, ...over,
  });

  beforeAll(async () => {
    studio = await createStudioService({ path: join(dir, 'runs.db') });
    ({ runId: trainRunId } = await studio.startRun({
      dataset: 'subset', bitsChain: [4, 3, 2], epochs: { float: 0, first: 1, inherited: 1 }, limitTrainImages: 32, batchSize: 32,
      evalImages: 50, devices: [], backend: 'wasm',
    }));
    await studio.idle();
  }, 600_000);
  afterAll(async () => {
    await studio.close();
  });

  it('tunes per-layer bits as a recorded run: progress, rounds, the answer verified and scored, a candidate', async () => {
    const events: string[] = [];
    const off = studio.onRunEvent((e) => events.push(e.kind));
    const { runId } = await studio.startTune(request({}));
    await studio.idle();
    off();
    const run = (await studio.listRuns()).find((r) => r.id === runId)!;
    expect(run.kind).toBe('tune');
    expect(run.status).toBe('finished');
    expect(run.parentRunId).toBe(trainRunId);
    expect(events).toContain('progress');
    const result = (await studio.store.getRun(runId)).result as TuneJobResult;
    const spec = parseSubnetSpec(FASHION_MNIST_SPACE, result.spec);
    const names = elasticLayerNames(FASHION_MNIST_SPACE, spec.depths);
    expect(result.layers.map((l) => l.name)).toEqual(names);
    expect(result.layers.every((l) => [2, 3, 4].includes(l.bits))).toBe(true);
    expect(spec.bits).toBe(4);
    expect(spec.depths).toEqual(smallestSubnet(FASHION_MNIST_SPACE, 4).depths);
    // Sensitivity: the widest subnet, each layer at 3 and at 2 bit, the uniform 3 and 2 bit; then verification rounds.
    expect(result.evaluations).toBeGreaterThanOrEqual(1 + names.length * 2 + 2);
    expect(result.rounds.length).toBeGreaterThanOrEqual(1);
    expect(result.validationAccuracy).toBeGreaterThanOrEqual(result.minAccuracy);
    expect(result.costValue).toBeLessThanOrEqual(result.widest.costValue);
    expect(result.costValue).toBeCloseTo(result.latencyMs, 9);
    expect(result.testAccuracy).toBeGreaterThan(0);
    const candidates = await studio.candidates(runId);
    expect(candidates).toHaveLength(1);
    expect(candidates[0]!.spec).toEqual(result.spec);
    expect(candidates[0]!.accuracy).toBe(result.validationAccuracy);
    // The answer exports as a search candidate does.
    const report = await studio.exportCandidate({ runId, candidateId: candidates[0]!.id, formats: ['packed'], outDir: 'exports/tuned' });
    expect(report.artifacts.length).toBeGreaterThan(0);
    expect(report.appAccuracy).toBeGreaterThan(0);
  }, 900_000);

  it('fails the run in one line when the widest subnet misses the requirement, after one evaluation', async () => {
    const { runId } = await studio.startTune(request({ minAccuracy: 1 }));
    await studio.idle();
    const run = (await studio.listRuns()).find((r) => r.id === runId)!;
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/with every layer at 4 bit, below the required 100.00 %; ask for less or tune a larger subnet/);
  }, 900_000); // one evaluation, but a worker's start and the data's load took 11 min at load average 100

  it('refuses a bad request before a run exists', async () => {
    const before = (await studio.listRuns()).length;
    await expect(studio.startTune(request({ minAccuracy: 85 }))).rejects.toThrow(/minAccuracy must be a top-1 share in \(0, 1\], got 85/);
    await expect(studio.startTune(request({ subnet: undefined }))).rejects.toThrow(/subnet is required with training run/);
    await expect(studio.startTune(request({ runId: 'nope' }))).rejects.toThrow(/nope/);
    expect(await studio.listRuns()).toHaveLength(before);
  });
});
