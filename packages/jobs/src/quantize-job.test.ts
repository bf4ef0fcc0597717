import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioService, type QuantizeJobResult, type QuantizeRequest, type Studio } from './index';

// A real SQLite file, real worker processes: a tiny training run with a float phase, then quantize runs of its smallest subnet.
// Batches of 32: a first quantized phase sets every layer's LSQ step from one batch (an MSE search on the host that grows with the batch).
describe('quantize job (MMSE post-training quantization)', () => {
  let studio: Studio;
  let trainRunId: string;
  const dir = mkdtempSync(join(tmpdir(), 'oqat-quantize-'));
  const request = (over: Partial<QuantizeRequest>): QuantizeRequest => ({
    runId: trainRunId, subnet: 'smallest', bits: 4, granularity: 'tensor', calibration: 'mse', percentile: 99.99,
    calibrationImages: 32, testImages: 0, bnImages: 64, seed: 1, backend: 'wasm', ...over,
  });

  beforeAll(async () => {
    studio = await createStudioService({ path: join(dir, 'runs.db') });
    ({ runId: trainRunId } = await studio.startRun({
      dataset: 'subset', bitsChain: [4], epochs: { float: 1, first: 1, inherited: 0 }, limitTrainImages: 32, batchSize: 32,
      evalImages: 50, devices: [], backend: 'wasm',
    }));
    await studio.idle();
  }, 900_000);
  afterAll(async () => {
    await studio.close();
  });

  it('calibrates the float subnet as a recorded run: every calibration scored, multi-tensor layers (refused by the export), a candidate', async () => {
    const events: string[] = [];
    const off = studio.onRunEvent((e) => events.push(e.kind));
    const { runId } = await studio.startQuantize(request({ multiTensor: { terms: 2, factor: 1.2 } }));
    await studio.idle();
    off();
    const run = (await studio.listRuns()).find((r) => r.id === runId)!;
    expect(run.kind).toBe('quantize');
    expect(run.status).toBe('finished');
    expect(run.parentRunId).toBe(trainRunId);
    expect(events).toContain('progress');
    const result = (await studio.store.getRun(runId)).result as QuantizeJobResult;
    expect(result.spec.bits).toBe(32);
    expect(result.rows.map((r) => `${r.calibration}${r.multiTensor ? '+mt' : ''}`)).toEqual(['min-max', 'percentile', 'mse', 'mse+mt']);
    expect(result.chosen.row).toBe(3);
    const mt = result.rows[3]!;
    expect(mt.multiTensorLayers.length).toBeGreaterThan(0);
    expect(mt.weightBytes).toBeGreaterThan(result.rows[2]!.weightBytes);
    expect(result.rows[2]!.weightBytes).toBeLessThan(result.float.weightBytes / 3);
    expect(result.bestAccuracy).toBe(mt.top1);
    // The whole test split, as an export's report measures it.
    expect(result.testImages).toBeGreaterThan(0);
    const [candidate] = await studio.candidates(runId);
    expect(candidate!.accuracy).toBe(mt.top1);
    // The files hold one integer tensor per weight: multi-tensor layers are refused in one line.
    await expect(studio.exportCandidate({ runId, candidateId: candidate!.id, formats: ['tfjs', 'onnx'], outDir: 'exports/ptq-mt' }))
      .rejects.toThrow(/tfjs, onnx cannot hold \d+ layer\(s\) quantized as sums of low-precision tensors/);
  }, 900_000);

  it('a per-channel MSE result exports with its own quantization (the report\'s app top-1 is the run\'s), and onnxruntime agrees with the app', async () => {
    const { runId } = await studio.startQuantize(request({ granularity: 'channel' }));
    await studio.idle();
    const result = (await studio.store.getRun(runId)).result as QuantizeJobResult;
    expect(result.rows).toHaveLength(3);
    expect(result.chosen.row).toBe(2);
    const [candidate] = await studio.candidates(runId);
    const report = await studio.exportCandidate({ runId, candidateId: candidate!.id, formats: ['tfjs', 'onnx', 'packed'], outDir: 'exports/ptq-onnx' });
    expect(report.appAccuracy).toBe(result.rows[2]!.top1);
    expect(Math.abs(report.onnxAccuracy! - report.appAccuracy)).toBeLessThanOrEqual(0.003);
  }, 900_000);

  it('refuses a bad request before a run exists', async () => {
    const before = (await studio.listRuns()).length;
    await expect(studio.startQuantize(request({ bits: 16 }))).rejects.toThrow(/bits must be a whole number of bits from 2 to 8/);
    await expect(studio.startQuantize(request({ granularity: 'kernel' as never }))).rejects.toThrow(/granularity must be tensor or channel, got "kernel"/);
    await expect(studio.startQuantize(request({ multiTensor: { terms: 1, factor: 2 } }))).rejects.toThrow(/multiTensor.terms must be a whole number of tensors from 2 to 8/);
    await expect(studio.startQuantize(request({ runId: undefined }))).rejects.toThrow(/give exactly one/);
    // A caller's checkpoint file by the caller-files rules: outside the work folder it is refused.
    await expect(studio.startQuantize(request({ runId: undefined, checkpoint: '/x.ckpt' }))).rejects.toThrow(/checkpoint '\/x.ckpt' is outside/);
    expect(await studio.listRuns()).toHaveLength(before);
  });
});
