import type { CandidateDto, CandidateOverview } from '@oqat/jobs';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStudioService } from '@oqat/jobs';
import { writeSyntheticSearch } from '@oqat/jobs/synthetic-search';
import type { CliIo } from '../io';
import { UsageError } from '../errors';
import { main } from '../main';
import { formatFronts, runsExport, runsImport, runsShow } from './runs';

const candidate = (id: number, accuracy: number, latencyMs: number, onFront: boolean): CandidateDto => ({
  id, device: 'fpga', spec: {}, accuracy, latencyMs, latencies: { fpga: latencyMs }, macs: 2e6, bitops: 5e5, modelBytes: 2048, bits: 4, onFront,
});

describe('formatFronts', () => {
  const front = [candidate(1, 0.5, 0.2, true), candidate(2, 0.6, 0.3, true)];
  const candidates: CandidateOverview = {
    total: 3,
    devices: [{ device: 'fpga', count: 3, lastId: 3, latencyMs: [0.2, 0.4], accuracy: [0.4, 0.6], front, steps: { ids: [1, 2], latencyMs: [0.2, 0.3], accuracy: [0.5, 0.6] } }],
  };

  it('lists the front by latency and names the score after the task', () => {
    const seg = formatFronts(candidates, 'segmentation');
    expect(seg).toContain('front on fpga (2 of 3 measured)');
    expect(seg).toMatch(/CANDIDATE\s+MIOU/);
    expect(seg.indexOf('50.00 %')).toBeLessThan(seg.indexOf('60.00 %'));
    expect(seg).not.toContain('40.00 %');
    expect(formatFronts(candidates, 'classification')).toMatch(/CANDIDATE\s+ACCURACY/);
  });

  it('marks a mixed candidate\'s bits and lists its layers by width below the table', () => {
    const mixed = { ...candidate(3, 0.7, 0.25, true), spec: { bits: 4, bitsByLayer: { 'first.dw': 2, 'stages.0.0.expand': 3, 'head.expand': 2 } } };
    const text = formatFronts({ ...candidates, devices: [{ ...candidates.devices[0]!, front: [...front, mixed] }] }, 'classification');
    expect(text).toMatch(/\n3\s+70\.00 %\s+0\.250\s+4\*/);
    expect(text).toContain('  #3: 2 bit first.dw head.expand · 3 bit stages.0.0.expand');
    expect(text).not.toContain('#1:');
    expect(formatFronts(candidates, 'classification')).not.toContain('bits per layer');
  });
});

describe('runs show', () => {
  it('streams a large search as NDJSON: the run, then one line per candidate, a page at a time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oqat-runs-show-'));
    const db = join(dir, 'runs.db');
    const studio = await createStudioService({ path: db });
    const runId = await writeSyntheticSearch(studio.store, { candidates: 25_000, devices: ['cpu', 'fpga'] });
    await studio.close();
    const writes: string[] = [];
    const io: CliIo = { stdout: { write: (t: string) => writes.push(t) }, stderr: { write: () => true }, cwd: dir, env: {}, now: Date.now };
    expect(await runsShow({ db, json: true }, [runId], io)).toBe(0);
    // One write per page of 10 000, none holding the whole run.
    expect(writes.length).toBe(1 + 3);
    const lines = writes.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 25_000);
    expect(JSON.parse(lines[0]!)).toMatchObject({ id: runId, kind: 'search', candidateCount: 25_000 });
    const ids = lines.slice(1).map((l) => (JSON.parse(l) as { candidate: CandidateDto }).candidate.id);
    expect(new Set(ids).size).toBe(25_000);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    writes.length = 0;
    expect(await runsShow({ db }, [runId], io)).toBe(0);
    expect(writes.join('')).toMatch(/front on cpu \(\d+ of 12500 measured\)/);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});

describe('runs export / import', () => {
  it('moves a run and its files to another store, and says so when the archive comes again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oqat-runs-archive-'));
    const [a, b] = [join(dir, 'a', 'runs.db'), join(dir, 'b', 'runs.db')];
    const studio = await createStudioService({ path: a });
    const run = await studio.store.createRun({ kind: 'train', config: { workDir: studio.workDir } });
    const ckpt = join(studio.workDir, run.id, 'supernet.ckpt');
    mkdirSync(join(studio.workDir, run.id), { recursive: true });
    writeFileSync(ckpt, 'weights');
    await studio.store.addCheckpoint(run.id, { path: ckpt, step: 1 });
    await studio.store.markCancelled(run.id);
    await studio.close();
    const out: string[] = [];
    const io: CliIo = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => true }, cwd: dir, env: {}, now: Date.now };

    await expect(runsExport({ db: a }, [run.id], io)).rejects.toThrow(UsageError);
    expect(await runsExport({ db: a, out: 'x.oqatrun' }, [run.id], io)).toBe(0);
    expect(out.pop()).toMatch(new RegExp(`^wrote ${dir}/x\\.oqatrun: [0-9.]+ MB, 1 run\\(s\\) ${run.id} \\(train\\), 1 file\\(s\\)`));
    expect(await runsImport({ db: b }, ['x.oqatrun'], io)).toBe(0);
    expect(out.pop()).toMatch(new RegExp(`^imported 1 run\\(s\\) into ${dir}/b/runs\\.db: ${run.id} \\(train\\); 1 file\\(s\\)`));
    expect(readFileSync(join(dir, 'b', 'runs', run.id, 'supernet.ckpt'), 'utf8')).toBe('weights');
    expect(await runsImport({ db: b }, ['x.oqatrun'], io)).toBe(0);
    expect(out.pop()).toMatch(/^nothing imported: the 1 run\(s\) of .*x\.oqatrun are already in .*b\/runs\.db/);

    // through the command line: a cut archive is refused in one line (exit 3) and adds nothing
    const err: string[] = [];
    const cli: CliIo = { ...io, stderr: { write: (t: string) => err.push(t) } };
    expect(await main(['runs', 'export', run.id, '--with-sources', '--db', a, '--out', 'y.oqatrun'], cli)).toBe(0);
    writeFileSync(join(dir, 'cut.oqatrun'), readFileSync(join(dir, 'y.oqatrun')).subarray(0, 1500));
    expect(await main(['runs', 'import', 'cut.oqatrun', '--db', join(dir, 'c', 'runs.db')], cli)).toBe(3);
    expect(err.join('')).toMatch(/^oqat: runs import: .*cut\.oqatrun is not a complete OQAT run archive \(it ends inside .*\); nothing was imported[^\n]*\n$/);
    expect(readdirSync(join(dir, 'c'))).toEqual(['runs.db']);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
