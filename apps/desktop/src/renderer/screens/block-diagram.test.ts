import type { CandidateLayout, LayoutBlock } from '@oqat/jobs';
import { describe, expect, it } from 'vitest';
import { bitsSummary } from './block-diagram';

const block = (name: string, bits: number[], elastic = true): LayoutBlock => ({
  name, layers: bits.map((b, i) => ({ name: `${name}.${i}`, op: 'conv', bits: b, elastic })),
});
const layout = (mixed: boolean, stageBits: number[][]): CandidateLayout => ({
  runId: 'r', candidateId: 1, device: 'fpga', resolution: 28, bits: 4, mixed, fixedBits: 8, latencyMs: 1,
  stem: block('stem', [8], false), stages: [{ index: 0, outC: 24, blocks: stageBits.map((b, j) => block(`stages.0.${j}`, b)) }],
  head: block('head', [4]),
});

describe('bitsSummary', () => {
  it('names a uniform subnet by its width', () => {
    expect(bitsSummary(layout(false, [[4, 4, 4]]))).toBe('4 bit, uniform');
  });
  it('counts a mixed subnet\'s elastic layers at each other width, fixed layers not counted', () => {
    expect(bitsSummary(layout(true, [[2, 4, 3], [2, 2, 4]]))).toBe('4 bit, mixed: 3 layers at 2 bit, 1 at 3 bit');
  });
});
