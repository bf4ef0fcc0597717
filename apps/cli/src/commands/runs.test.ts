import type { CandidateDto } from '@oqat/jobs';
import { describe, expect, it } from 'vitest';
import { formatFronts } from './runs';

const candidate = (id: number, accuracy: number, latencyMs: number, onFront: boolean): CandidateDto => ({
  id, device: 'fpga', spec: {}, accuracy, latencyMs, latencies: { fpga: latencyMs }, macs: 2e6, bitops: 5e5, modelBytes: 2048, bits: 4, onFront,
});

describe('formatFronts', () => {
  const candidates = [candidate(2, 0.6, 0.3, true), candidate(1, 0.5, 0.2, true), candidate(3, 0.4, 0.4, false)];

  it('lists the front by latency and names the score after the task', () => {
    const seg = formatFronts(candidates, 'segmentation');
    expect(seg).toContain('front on fpga (2 of 3 measured)');
    expect(seg).toMatch(/CANDIDATE\s+MIOU/);
    expect(seg.indexOf('50.00 %')).toBeLessThan(seg.indexOf('60.00 %'));
    expect(seg).not.toContain('40.00 %');
    expect(formatFronts(candidates, 'classification')).toMatch(/CANDIDATE\s+ACCURACY/);
  });
});
