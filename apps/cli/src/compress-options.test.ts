import { describe, expect, it } from 'vitest';
import type { CompressJobResult } from '@oqat/jobs';
import { ALQ_DEFAULTS, VQ_BLOCK_PRESETS, VQ_DEFAULTS } from '@oqat/search';
import { formatCompressResult } from './commands/compress';
import { ALQ_FLAGS, COMPRESS_METHOD_OPTIONS, methodSettings, VQ_BLOCKS, VQ_FLAGS } from './compress-options';

describe('oqat compress options', () => {
  it("help's defaults are the methods' own (ALQ_DEFAULTS, VQ_DEFAULTS): every setting has a flag", () => {
    expect(Object.fromEntries(Object.values(ALQ_FLAGS).map((f) => [f.setting, f.default]))).toEqual({ ...ALQ_DEFAULTS });
    expect(Object.fromEntries(Object.values(VQ_FLAGS).map((f) => [f.setting, f.default]))).toEqual({ ...VQ_DEFAULTS });
    for (const [name, preset] of Object.entries(VQ_BLOCKS)) {
      expect({ pointwiseBlockSize: preset['block-size'], kernelsPerBlock: preset['kernels-per-block'] }).toEqual(VQ_BLOCK_PRESETS[name as keyof typeof VQ_BLOCK_PRESETS]);
    }
    expect(COMPRESS_METHOD_OPTIONS['average-bits']).toMatchObject({ default: '1' });
  });

  it('maps flags to the method settings; refuses the other method\'s flags and non-numbers', () => {
    expect(methodSettings('alq', { 'average-bits': '1.5', 'max-bases': '4' })).toEqual({ alq: { averageBits: 1.5, maxBases: 4 } });
    expect(methodSettings('vq', { blocks: 'small', codewords: '64' })).toEqual({ vq: { pointwiseBlockSize: 4, kernelsPerBlock: 1, codewords: 64 } });
    expect(methodSettings('vq', { blocks: 'small', 'block-size': '2' })).toEqual({ vq: { pointwiseBlockSize: 2, kernelsPerBlock: 1 } });
    expect(methodSettings('vq', {})).toEqual({ vq: {} });
    expect(methodSettings('vq', { 'reestimate-bn': 'off' })).toEqual({ vq: { reestimateBn: false } });
    expect(() => methodSettings('vq', { 'reestimate-bn': 'maybe' })).toThrow("--reestimate-bn must be on or off, got 'maybe'");
    expect(() => methodSettings('alq', { codewords: '64' })).toThrow('--codewords is a setting of vq, not of --method alq');
    expect(() => methodSettings('vq', { 'average-bits': '1' })).toThrow('--average-bits is a setting of alq, not of --method vq');
    expect(() => methodSettings('alq', { 'average-bits': 'low' })).toThrow("--average-bits must be a number, got 'low'");
  });

  it('prints float, the app, both files and the finetuning', () => {
    const text = formatCompressResult({
      method: 'vq', spec: { bits: 32 }, settings: {}, float: { top1: 0.9, weightBytes: 4000 },
      compressed: { top1: 0.88, modelBytes: 200, ratio: 20, bitsPerWeight: 0.5, seconds: 3 }, layers: [{}, {}], skipped: [{ name: 'stem', reason: 'first conv' }],
      finetune: 'codewords, distilled', files: { outDir: '/o', container: { path: '/o/model.oqatc', bytes: 2048, top1: 0.88 }, onnx: { path: '/o/model.onnx', bytes: 4096, top1: 0.88 } },
      testImages: 100, bestAccuracy: 0.88,
    } as unknown as CompressJobResult);
    expect(text).toMatch(/VQ \(app\)\s+88.00 %\s+-2.00\s+200\s+20.0\s+0.500/);
    expect(text).toMatch(/model.onnx \(onnxruntime\)\s+88.00 %/);
    expect(text).toContain('float32: stem (first conv)');
    expect(text).toContain('finetuning: codewords, distilled');
  });
});
