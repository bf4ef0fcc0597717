import { describe, expect, it } from 'vitest';
import { checkCompressRequest, type CompressRequest } from './compress-request';

const request = (over: Partial<CompressRequest>): CompressRequest => ({
  runId: 'r', subnet: 'largest', method: 'alq', validationImages: 500, testImages: 0, bnImages: 1000, seed: 1, backend: 'auto', ...over,
});

describe('compress request', () => {
  it('accepts a source, a method and settings of that method', () => {
    expect(() => checkCompressRequest(request({ alq: { averageBits: 1.5 } }))).not.toThrow();
    expect(() => checkCompressRequest(request({ method: 'vq', vq: { codewords: 64, reestimateBn: false } }))).not.toThrow();
    expect(() => checkCompressRequest(request({ runId: undefined, checkpoint: '/x.ckpt' }))).not.toThrow();
  });

  it('refuses, in one line, what the job could not run', () => {
    expect(() => checkCompressRequest(request({ runId: undefined }))).toThrow(/give exactly one, the training run or the supernet.ckpt to compress/);
    expect(() => checkCompressRequest(request({ method: 'pq' as never }))).toThrow('method must be alq or vq, got "pq"');
    expect(() => checkCompressRequest(request({ alq: { bits: 2 } as never }))).toThrow(/alq.bits is not a setting of ALQ \(its settings: averageBits, /);
    expect(() => checkCompressRequest(request({ alq: { averageBits: '1' as never } }))).toThrow('alq.averageBits must be a number, got "1"');
    expect(() => checkCompressRequest(request({ method: 'vq', vq: { reestimateBn: 1 as never } }))).toThrow('vq.reestimateBn must be true or false, got 1');
    expect(() => checkCompressRequest(request({ vq: { codewords: 8 } }))).toThrow('vq settings were given for method alq');
    expect(() => checkCompressRequest(request({ candidateId: 1.5 }))).toThrow('candidateId must be a candidate id (a whole number), got 1.5');
    expect(() => checkCompressRequest(request({ backend: 'tpu' as never }))).toThrow('backend must be one of auto, tensorflow, wasm, cpu, got "tpu"');
    expect(() => checkCompressRequest(request({ outDir: ' ' }))).toThrow('outDir must be a folder path');
  });
});
