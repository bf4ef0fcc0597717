import { readFile } from 'node:fs/promises';
import { InvalidLayerError, InvalidNetworkError, SampleFileError } from '../errors';
import type { LatencySample } from '../ir/layer-desc';
import { validateLayers } from '../ir/validate-layers';

/** One sample as a JSON line (no trailing newline). */
export function formatSample(sample: LatencySample): string {
  return JSON.stringify(sample);
}

function checkSample(value: unknown, file: string, line: number): LatencySample {
  const fail = (detail: string): never => {
    throw new SampleFileError(file, line, detail);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('expected an object {"layers":[...],"latencyMs":..,"device":".."}');
  const v = value as Record<string, unknown>;
  if (typeof v.device !== 'string' || v.device === '') fail(`device must be a non-empty string, got ${JSON.stringify(v.device)}`);
  if (typeof v.latencyMs !== 'number' || !(v.latencyMs > 0) || !Number.isFinite(v.latencyMs)) {
    fail(`latencyMs must be a positive number, got ${JSON.stringify(v.latencyMs)}`);
  }
  let layers: LatencySample['layers'] = [];
  try {
    layers = validateLayers(v.layers);
  } catch (err) {
    if (err instanceof InvalidLayerError || err instanceof InvalidNetworkError) fail(err.message);
    throw err;
  }
  const sample: LatencySample = { layers, latencyMs: v.latencyMs as number, device: v.device as string };
  if (v.layerLatencyMs !== undefined) {
    const per = v.layerLatencyMs;
    if (!Array.isArray(per) || per.length !== layers.length || !per.every((x) => typeof x === 'number' && x >= 0 && Number.isFinite(x))) {
      fail(`layerLatencyMs must be ${layers.length} non-negative numbers (one per layer) when given`);
    }
    sample.layerLatencyMs = per as number[];
  }
  return sample;
}

/** Parses JSONL text of LatencySample rows; `file` names the source in errors. Blank lines are skipped. */
export function parseSamples(text: string, file = '<text>'): LatencySample[] {
  const out: LatencySample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new SampleFileError(file, i + 1, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    out.push(checkSample(value, file, i + 1));
  }
  return out;
}

/** Reads a JSONL file of LatencySample rows; errors name the file and line. */
export async function loadSamples(path: string): Promise<LatencySample[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    throw new SampleFileError(path, 0, `cannot read the sample file (${code}); check the path`);
  }
  const samples = parseSamples(text, path);
  if (samples.length === 0) throw new SampleFileError(path, 0, 'holds no samples; write one {"layers":[...],"latencyMs":..,"device":".."} per line');
  return samples;
}
