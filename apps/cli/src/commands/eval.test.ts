import { describe, expect, it } from 'vitest';
import type { CheckpointEvaluation } from '@oqat/jobs';
import { formatEvaluation } from './eval';

const evaluation = (subnet: CheckpointEvaluation['subnet']): CheckpointEvaluation => ({
  subnet, score: 0.8, top1: 0.8, loss: 0.5, images: 100, macs: 2e6, params: 3e4, modelBytes: 9000, bitOps: 1e5,
  checkpoint: 'supernet.ckpt', backend: 'wasm', trainedBits: [2, 4], seconds: 1,
} as CheckpointEvaluation);

describe('formatEvaluation', () => {
  const arch = { resolution: 28, depths: [2, 2], kernels: [[3, 3], [5, 3]], expands: [[3, 3], [4, 2]] };

  it('prints a mixed subnet with its layers by width', () => {
    const text = formatEvaluation(evaluation({ ...arch, bits: 2, bitsByLayer: { 'first.dw': 4, 'stages.0.0.dw': 4, 'head.expand': 3 } }));
    expect(text).toContain('res 28, depths 2/2, 2 bit (3 layers at other bits)');
    expect(text).toMatch(/layer bits\s+3 bit head.expand · 4 bit first.dw stages.0.0.dw\n/);
  });

  it('prints a uniform subnet on one line, without layer bits', () => {
    const text = formatEvaluation(evaluation({ ...arch, bits: 4 }));
    expect(text).toMatch(/subnet\s+res 28, depths 2\/2, 4 bit\n/);
    expect(text).not.toContain('layer bits');
  });
});
