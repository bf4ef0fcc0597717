import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileRandomSubnets } from '@oqat/jobs';
import { formatSample } from '@oqat/latency';
import { resolveSearchSpace } from '@oqat/search';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../io';
import { latencyProfile } from './latency';

const dir = mkdtempSync(join(tmpdir(), 'oqat-latency-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('oqat latency profile', () => {
  it("writes the jobs' profiler's samples: distinct subnets of the space, lowered as search lowers them", async () => {
    let stdout = '';
    const io: CliIo = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true }, cwd: dir, env: {}, now: Date.now };
    const code = await latencyProfile({ device: 'fpga', space: 'fashion-mnist', samples: '6', seed: '3', out: 'fpga.jsonl', json: true }, io);
    expect(code).toBe(0);
    const rows = readFileSync(join(dir, 'fpga.jsonl'), 'utf8').trim().split('\n');
    const expected = await profileRandomSubnets({ device: 'fpga', space: resolveSearchSpace('fashion-mnist'), samples: 6, seed: 3, fixedBits: 8 });
    expect(rows).toEqual(expected.map((s) => formatSample(s)));
    expect(new Set(rows.map((r) => JSON.stringify(JSON.parse(r).layers))).size).toBe(6);
    expect(JSON.parse(stdout)).toMatchObject({ device: 'fpga', samples: 6 });
  });
});
