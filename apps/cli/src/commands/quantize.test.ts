import { describe, expect, it } from 'vitest';
import type { QuantizeJobResult } from '@oqat/jobs';
import { formatQuantizeResult, quantize } from './quantize';

const row = (calibration: 'min-max' | 'percentile' | 'mse', top1: number, multiTensorLayers: string[] = []) => ({
  calibration, multiTensor: multiTensorLayers.length > 0, top1, calibrationSeconds: 1.5, weightBytes: 1000 + 100 * multiTensorLayers.length, multiTensorLayers,
});

const result = {
  spec: { resolution: 28, depths: [1], kernels: [[3]], expands: [[3]], bits: 32 },
  bits: 4, fixedBits: 8, granularity: 'channel', float: { top1: 0.87, weightBytes: 4000 },
  rows: [row('min-max', 0.236), row('percentile', 0.14), row('mse', 0.818), row('mse', 0.846, ['blocks.0.dw', 'head.expand'])],
  chosen: { row: 3, config: {}, layers: [] }, calibrationImages: 256, samplingSeconds: 20, testImages: 1000, bestAccuracy: 0.846,
} as unknown as QuantizeJobResult;

describe('oqat quantize', () => {
  it('prints float and each calibration with its drop from float, the result starred, and the multi-tensor layers', () => {
    const text = formatQuantizeResult(result);
    expect(text).toMatch(/float\s+87.00 %\s+0.00/);
    expect(text).toMatch(/min-max\s+23.60 %\s+-63.40/);
    expect(text).toMatch(/mse \+ multi-tensor \*\s+84.60 %\s+-2.40\s+1.50\s+1200\s+2/);
    expect(text).toContain('INT4 weights and inputs (weights per output channel; stem, SE and classifier at 8 bit)');
    expect(text).toContain('multi-tensor layers: blocks.0.dw, head.expand');
  });

  it('refuses a missing or double source before opening the store', async () => {
    const io = { cwd: '/tmp', stdout: { write: () => true }, stderr: { write: () => true }, env: {} } as never;
    await expect(quantize({}, io)).rejects.toThrow('give --run RUN (a training run) or --checkpoint supernet.ckpt');
    await expect(quantize({ run: 'r', checkpoint: 'c' }, io)).rejects.toThrow('give --run RUN');
    await expect(quantize({ run: 'r', bits: '16' }, io)).rejects.toThrow("--bits must be an integer from 2 to 8, got '16'");
  });
});
