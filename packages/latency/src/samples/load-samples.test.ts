import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SampleFileError } from '../errors';
import type { LatencySample } from '../ir/layer-desc';
import { formatSample, loadSamples, parseSamples } from './load-samples';

const layer = { op: 'conv', inH: 8, inW: 8, inC: 3, outC: 8, kernel: 3, stride: 1, groups: 1, wBits: 8, aBits: 8 };
const sample: LatencySample = { layers: [layer as LatencySample['layers'][0]], latencyMs: 1.5, device: 'cpu', layerLatencyMs: [1.2] };

describe('loadSamples', () => {
  it('round-trips JSONL and skips blank lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oqat-latency-'));
    const file = join(dir, 'a.jsonl');
    await writeFile(file, `${formatSample(sample)}\n\n${formatSample({ ...sample, latencyMs: 2 })}\n`);
    const back = await loadSamples(file);
    expect(back).toEqual([sample, { ...sample, latencyMs: 2 }]);
  });

  it('names the file and line of a bad row', () => {
    const good = formatSample(sample);
    const cases: Array<[string, RegExp]> = [
      [`${good}\n{"layers":`, /^f\.jsonl:2: not valid JSON/],
      [`${good}\n${good}\n${JSON.stringify({ ...sample, latencyMs: -1 })}`, /^f\.jsonl:3: latencyMs must be a positive number, got -1$/],
      [JSON.stringify({ ...sample, device: '' }), /^f\.jsonl:1: device must be a non-empty string/],
      [JSON.stringify({ ...sample, layers: [{ ...layer, kernel: 0 }] }), /^f\.jsonl:1: layer 0 \(conv\): kernel must be a positive integer, got 0$/],
      [JSON.stringify({ ...sample, layerLatencyMs: [1, 2] }), /^f\.jsonl:1: layerLatencyMs must be 1 non-negative numbers/],
      ['[1]', /^f\.jsonl:1: expected an object/],
    ];
    for (const [text, message] of cases) {
      expect(() => parseSamples(text, 'f.jsonl')).toThrow(SampleFileError);
      expect(() => parseSamples(text, 'f.jsonl')).toThrow(message);
    }
  });

  it('explains a missing or empty file', async () => {
    await expect(loadSamples('/nonexistent/x.jsonl')).rejects.toThrow(/x\.jsonl:0: cannot read the sample file \(ENOENT\)/);
    const dir = await mkdtemp(join(tmpdir(), 'oqat-latency-'));
    await writeFile(join(dir, 'e.jsonl'), '\n');
    await expect(loadSamples(join(dir, 'e.jsonl'))).rejects.toThrow(/holds no samples/);
  });
});
