import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDirs } from '../../test/temp-dir.ts';
import { ArchiveDamagedError, ArchiveIoError, ArchiveVersionError } from '../errors.ts';
import { openRunStore } from '../store/open-run-store.ts';
import type { RunStore } from '../store/run-store.ts';
import { ENTRY, type ArchiveManifest } from './archive-format.ts';
import { exportRuns } from './export-runs.ts';
import { importRuns } from './import-runs.ts';
import { readTar, TarWriter } from './ustar.ts';

// Export/import of runs between two real stores (SQLite files in temp folders, each with its work folder).

const dirs = tempDirs();
const immutable: string[] = [];
const open: RunStore[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const p of immutable.splice(0)) spawnSync('chattr', ['-i', p]);
  await dirs.cleanup();
});

const sha = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

async function store(): Promise<{ s: RunStore; work: string; dir: string }> {
  const dir = await dirs.make();
  const s = await openRunStore({ path: join(dir, 'runs.db') });
  open.push(s);
  return { s, work: join(dir, 'runs'), dir };
}

async function file(path: string, bytes: number): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, randomBytes(bytes));
  return path;
}

/** Store A: a training run, a search of its checkpoint, and an export of one candidate (files in the search's folder, and one outside the work folder). */
async function storeA() {
  const a = await store();
  const { s, work } = a;
  const train = await s.createRun({ kind: 'train', config: { workDir: work, epochs: 2 }, seed: 1 });
  await s.markRunning(train.id, process.pid);
  const ckpt = await file(join(work, train.id, 'supernet.ckpt'), 300_000);
  await file(join(work, train.id, 'float', 'after-float.ckpt'), 5_000);
  await s.recordMetrics(train.id, Array.from({ length: 50 }, (_, i) => ({ name: 'loss', value: 1 / (i + 1), step: i, phase: 'w4' })));
  await s.appendEvent(train.id, { kind: 'log', level: 'info', message: `checkpoint written to ${ckpt}` });
  await s.addCheckpoint(train.id, { path: ckpt, step: 10 });
  await s.addCheckpoint(train.id, { path: ckpt, step: 20 });
  await s.addCheckpoint(train.id, { path: join(work, train.id, 'gone.ckpt'), step: 5 });
  await s.markFinished(train.id, { checkpoint: ckpt, bestAccuracy: 0.8 });

  const search = await s.createRun({ kind: 'search', config: { checkpoint: ckpt, parentRunId: train.id, workDir: work }, seed: 1 });
  await s.markRunning(search.id, process.pid);
  const cands = await s.addCandidates(search.id, Array.from({ length: 6 }, (_, i) => ({
    device: i % 2 ? 'fpga' : 'cpu', spec: { depth: i }, metrics: { accuracy: 0.5 + i / 20, latencyMs: 1 + i }, onFront: i > 3,
  })));
  await s.markFront(search.id, 'cpu', [cands[2]!.id]);
  await s.appendEvent(search.id, { kind: 'progress', current: 1, total: 1, detail: { checkpoint: ckpt } });
  await s.markFinished(search.id, { best: { candidateId: cands[2]!.id, runId: search.id } });

  const outDir = join(work, search.id, `export-${cands[2]!.id}`);
  const exp = await s.createRun({ kind: 'export', config: { checkpoint: ckpt, sourceRunId: search.id, candidateId: cands[2]!.id, outDir } });
  await s.markRunning(exp.id, process.pid);
  const onnx = await file(join(outDir, 'model.onnx'), 40_000);
  const report = await file(join(outDir, 'report.json'), 100);
  const outside = await file(join(a.dir, 'elsewhere', 'model.packed.bin'), 2_000);
  for (const [path, kind] of [[onnx, 'onnx-model'], [report, 'report'], [outside, 'packed-weights']] as const) await s.addArtifact(exp.id, { path, kind });
  await s.markFinished(exp.id, { outDir, artifacts: [onnx, report, outside] });
  return { ...a, train, search, exp, ckpt, cands, outDir, outside };
}

/** Everything a store holds (ids and paths included) and every file under its work folder with its bytes' hash. */
async function snapshot(s: RunStore, work: string): Promise<unknown> {
  const runs = [];
  for (const r of await s.listRuns({ limit: 1_000 })) {
    runs.push({
      r, events: await s.readEvents(r.id), metrics: await s.readMetrics(r.id), candidates: await s.listCandidates(r.id),
      artifacts: await s.listArtifacts(r.id), checkpoints: await s.listCheckpoints(r.id),
    });
  }
  return { runs, files: await tree(work) };
}

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(e.parentPath, e.name);
    out[relative(dir, path)] = e.isFile() ? await sha(path) : 'dir';
  }
  return out;
}

const without = <T extends object>(o: T, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
const rejection = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e as Error);

function expectOneLine(err: Error, type: new (...a: never[]) => Error, message: RegExp): void {
  expect(err).toBeInstanceOf(type);
  expect(err.message).toMatch(message);
  expect(err.message).not.toContain('\n');
}

/** Rewrites an archive's entries through `edit` and seals it again (manifest sizes/hashes of the records and the archive's checksum). */
async function repack(from: string, to: string, edit: (name: string, body: Buffer) => Buffer): Promise<void> {
  const entries: Array<[string, Buffer]> = [];
  for await (const e of readTar(createReadStream(from))) {
    const parts: Buffer[] = [];
    for await (const c of e.body) parts.push(c);
    if (e.name !== ENTRY.checksum) entries.push([e.name, edit(e.name, Buffer.concat(parts))]);
  }
  const records = entries.find(([n]) => n === ENTRY.records)![1];
  const m = JSON.parse(entries.find(([n]) => n === ENTRY.manifest)![1].toString()) as ArchiveManifest;
  const rows = { ...m.records.rows };
  for (const t of Object.keys(rows) as Array<keyof typeof rows>) rows[t] = records.toString().split('\n').filter((l) => l.startsWith(`["${t}"`)).length;
  const sealed = { ...m, records: { ...m.records, size: records.length, sha256: createHash('sha256').update(records).digest('hex'), rows } };
  const tar = new TarWriter();
  async function* bytes(): AsyncGenerator<Buffer> {
    for (const [name, body] of entries) yield* tar.buffer(name, name === ENTRY.manifest ? Buffer.from(JSON.stringify(sealed)) : body);
    yield* tar.buffer(ENTRY.checksum, Buffer.from(tar.digestSoFar()));
    yield* tar.end();
  }
  await pipeline(bytes(), createWriteStream(to));
}

/** `chattr +i` binds root too (tests run as root here), where the file system allows it. */
const chattrWorks = await (async () => {
  const dir = await dirs.make();
  const ok = spawnSync('chattr', ['+i', dir]).status === 0 && (await mkdir(join(dir, 'x')).then(() => false, () => true));
  spawnSync('chattr', ['-i', dir]);
  await dirs.cleanup();
  return ok;
})();

describe('runs export / import', () => {
  it('round trip with sources: store A -> archive -> store B gives the same rows and bytes, new ids where B had them taken', async () => {
    const A = await storeA();
    const B = await store();
    // B already has a run under the training run's id, and candidates of its own
    const clash = await B.s.createRun({ id: A.train.id, kind: 'eval', config: {} });
    await B.s.markCancelled(clash.id);
    const other = await B.s.createRun({ kind: 'search', config: {} });
    await B.s.addCandidates(other.id, Array.from({ length: 10 }, () => ({ device: 'cpu', spec: {}, metrics: {} })));
    await B.s.markFailed(other.id, 'x');

    const out = join(A.dir, 'team.oqatrun');
    const exported = await exportRuns(A.s, { runIds: [A.exp.id], out, workDir: A.work, withSources: true });
    expect(exported.runs.map((r) => [r.id, r.requested])).toEqual([[A.exp.id, true], [A.search.id, false], [A.train.id, false]]);
    expect(exported.external).toEqual([]);
    expect(exported.missing).toEqual([join(A.work, A.train.id, 'gone.ckpt')]);
    expect(exported.files).toBe(5);
    expect((await readdir(A.dir)).filter((n) => /partial|records-/.test(n))).toEqual([]);

    const report = await importRuns(B.s, { archive: out, workDir: B.work });
    const id = Object.fromEntries(report.imported.map((r) => [r.from, r.id]));
    expect(report.skipped).toEqual([]);
    expect(id[A.exp.id]).toBe(A.exp.id);
    expect(id[A.search.id]).toBe(A.search.id);
    expect(id[A.train.id]).not.toBe(A.train.id);
    expect(id[A.train.id]).toMatch(new RegExp(`^${A.train.id.slice(0, 15)}-[0-9a-f]{6}$`));
    expect(report.files).toBe(5);

    const newCkpt = join(B.work, id[A.train.id]!, 'supernet.ckpt');
    for (const [from, to] of Object.entries(id)) {
      const [ra, rb] = [await A.s.getRun(from), await B.s.getRun(to)];
      expect(without(rb, 'id', 'config', 'result', 'pid')).toEqual(without(ra, 'id', 'config', 'result', 'pid'));
      expect(rb.pid).toBeNull();
      const strip = (e: object) => without(e, 'runId');
      expect((await B.s.readEvents(to)).map(strip)).toEqual((await A.s.readEvents(from)).map(strip).map((e) =>
        e.kind === 'finished' || e.kind === 'progress' ? expect.anything() : e));
      expect((await B.s.readMetrics(to)).map(strip)).toEqual((await A.s.readMetrics(from)).map(strip));
      const cand = (c: object) => without(c, 'runId', 'id');
      expect((await B.s.listCandidates(to)).map(cand)).toEqual((await A.s.listCandidates(from)).map(cand));
      const [ca, cb] = [await A.s.listCheckpoints(from), await B.s.listCheckpoints(to)];
      expect(cb.map((c) => without(c, 'runId', 'id', 'path'))).toEqual(ca.map((c) => without(c, 'runId', 'id', 'path')));
      const [aa, ab] = [await A.s.listArtifacts(from), await B.s.listArtifacts(to)];
      expect(ab.map((x) => without(x, 'runId', 'id', 'path'))).toEqual(aa.map((x) => without(x, 'runId', 'id', 'path')));
      for (const x of ab) expect(await sha(x.path)).toBe(x.sha256);
      for (const x of ab) expect(x.path.startsWith(`${B.work}/`)).toBe(true);
    }
    // the training run: its folder moved whole, its checkpoint rows point there, the lost file's row kept
    expect(await sha(newCkpt)).toBe(await sha(A.ckpt));
    expect(await sha(join(B.work, id[A.train.id]!, 'float', 'after-float.ckpt'))).toBe(await sha(join(A.work, A.train.id, 'float', 'after-float.ckpt')));
    expect((await B.s.listCheckpoints(id[A.train.id]!)).map((c) => c.path)).toEqual([newCkpt, newCkpt, join(B.work, id[A.train.id]!, 'gone.ckpt')]);
    expect((await B.s.getRun(id[A.train.id]!)).result).toEqual({ checkpoint: newCkpt, bestAccuracy: 0.8 });
    // a log line mentioning a path keeps it (only whole strings are paths)
    expect((await B.s.readEvents(id[A.train.id]!)).find((e) => e.kind === 'log')).toMatchObject({ message: `checkpoint written to ${A.ckpt}` });
    // the search names the new training id and its checkpoint; the export its candidate's new id and files
    const search = await B.s.getRun(A.search.id);
    expect(search.config).toEqual({ checkpoint: newCkpt, parentRunId: id[A.train.id], workDir: B.work });
    const bCands = await B.s.listCandidates(A.search.id);
    expect(bCands[0]!.id).toBeGreaterThan(10);
    expect(search.result).toEqual({ best: { candidateId: bCands[2]!.id, runId: A.search.id } });
    expect((await B.s.readEvents(A.search.id)).find((e) => e.kind === 'progress')).toMatchObject({ detail: { checkpoint: newCkpt } });
    const exp = await B.s.getRun(A.exp.id);
    const newOut = join(B.work, A.search.id, `export-${A.cands[2]!.id}`);
    expect(exp.config).toEqual({ checkpoint: newCkpt, sourceRunId: A.search.id, candidateId: bCands[2]!.id, outDir: newOut });
    const outsidePath = join(B.work, A.exp.id, 'imported', 'external', '1-model.packed.bin');
    expect(exp.result).toEqual({ outDir: newOut, artifacts: [join(newOut, 'model.onnx'), join(newOut, 'report.json'), outsidePath] });
    expect(await sha(outsidePath)).toBe(await sha(A.outside));
    // B's own runs are untouched
    expect((await B.s.getRun(clash.id)).kind).toBe('eval');
    expect(await B.s.listCandidates(other.id)).toHaveLength(10);
    expect(existsSync(join(B.work, id[A.train.id]!))).toBe(true);
    expect((await readdir(B.work)).filter((n) => n.startsWith('.'))).toEqual([]);

    // the same archive again: every run is found (the renamed one too) and nothing is written
    const before = await snapshot(B.s, B.work);
    const again = await importRuns(B.s, { archive: out, workDir: B.work });
    expect(again.imported).toEqual([]);
    expect(again.skipped.map((r) => [r.from, r.id])).toEqual(Object.entries(id));
    expect(await snapshot(B.s, B.work)).toEqual(before);
  });

  it('without sources: links stay external, paths into runs left out are relocated, and resolve once those runs arrive', async () => {
    const A = await storeA();
    const C = await store();
    const exp = await exportRuns(A.s, { runIds: [A.search.id, A.exp.id], out: join(A.dir, 'search.oqatrun'), workDir: A.work });
    expect(exp.external).toEqual([{ from: A.search.id, runId: A.train.id }]);
    const first = await importRuns(C.s, { archive: join(A.dir, 'search.oqatrun'), workDir: C.work });
    expect(first.external).toEqual([{ from: A.search.id, runId: A.train.id, present: false }]);
    const ckptHere = join(C.work, A.train.id, 'supernet.ckpt');
    expect((await C.s.getRun(A.search.id)).config).toMatchObject({ checkpoint: ckptHere, parentRunId: A.train.id });
    expect(existsSync(ckptHere)).toBe(false);

    await exportRuns(A.s, { runIds: [A.train.id], out: join(A.dir, 'train.oqatrun'), workDir: A.work });
    const second = await importRuns(C.s, { archive: join(A.dir, 'train.oqatrun'), workDir: C.work });
    expect(second.imported.map((r) => r.id)).toEqual([A.train.id]);
    expect(await sha(ckptHere)).toBe(await sha(A.ckpt));

    // an export run alone: its files (in its search's folder) go under its own folder
    const D = await store();
    await exportRuns(A.s, { runIds: [A.exp.id], out: join(A.dir, 'exp.oqatrun'), workDir: A.work });
    await importRuns(D.s, { archive: join(A.dir, 'exp.oqatrun'), workDir: D.work });
    const moved = join(D.work, A.exp.id, 'imported', A.search.id, `export-${A.cands[2]!.id}`);
    expect((await D.s.getRun(A.exp.id)).config).toMatchObject({ outDir: moved, sourceRunId: A.search.id, candidateId: A.cands[2]!.id });
    expect((await D.s.listArtifacts(A.exp.id)).map((x) => x.path)).toEqual([
      join(moved, 'model.onnx'), join(moved, 'report.json'), join(D.work, A.exp.id, 'imported', 'external', '1-model.packed.bin'),
    ]);
    expect(Object.keys(await tree(D.work)).sort()).toEqual([
      A.exp.id, `${A.exp.id}/imported`, `${A.exp.id}/imported/${A.search.id}`, relative(D.work, moved),
      relative(D.work, join(moved, 'model.onnx')), relative(D.work, join(moved, 'report.json')),
      `${A.exp.id}/imported/external`, `${A.exp.id}/imported/external/1-model.packed.bin`,
    ].sort());
  });

  it('refuses a damaged, a cut, a foreign and a newer archive in one line, and leaves the store and its folder as they were', async () => {
    const A = await storeA();
    const B = await store();
    const kept = await B.s.createRun({ kind: 'train', config: {} });
    await B.s.markCancelled(kept.id);
    const out = join(A.dir, 'a.oqatrun');
    await exportRuns(A.s, { runIds: [A.search.id], out, workDir: A.work, withSources: true });
    const before = await snapshot(B.s, B.work);
    expect(existsSync(B.work)).toBe(false);
    const bytes = await readFile(out);
    const attempt = async (name: string, body: Buffer) => {
      await writeFile(join(A.dir, name), body);
      const err = await rejection(importRuns(B.s, { archive: join(A.dir, name), workDir: B.work }));
      expect(await snapshot(B.s, B.work)).toEqual(before);
      expect(existsSync(B.work)).toBe(false);
      return err;
    };

    const flipped = Buffer.from(bytes);
    flipped[Math.floor(bytes.length / 2)] ^= 0x40; // inside the checkpoint's bytes
    expectOneLine(await attempt('flipped.oqatrun', flipped), ArchiveDamagedError, /flipped\.oqatrun is not a complete OQAT run archive \(its SHA-256 does not match.*\); nothing was imported/);
    for (const cut of [bytes.length - 1024, Math.floor(bytes.length * 0.7), 700]) {
      expectOneLine(await attempt('cut.oqatrun', bytes.subarray(0, cut)), ArchiveDamagedError, /cut\.oqatrun is not a complete OQAT run archive \(it ends/);
    }
    expectOneLine(await attempt('text.oqatrun', Buffer.from('hello\n'.repeat(200))), ArchiveDamagedError, /not a complete OQAT run archive/);

    await repack(out, join(A.dir, 'v2.oqatrun'), (name, body) => (name === ENTRY.header ? Buffer.from(body.toString().replace('"version":1', '"version":2')) : body));
    expectOneLine(await attempt('v2.oqatrun', await readFile(join(A.dir, 'v2.oqatrun'))), ArchiveVersionError, /archive format version 2 but this OQAT reads up to 1; nothing was imported/);

    // sound archive, rows that break the store's constraints: the files were moved in, then everything is undone
    await repack(out, join(A.dir, 'dup.oqatrun'), (name, body) => {
      if (name !== ENTRY.records) return body;
      const lines = body.toString().trimEnd().split('\n');
      const event = lines.filter((l) => l.startsWith('["events"')).at(-1)!;
      return Buffer.from([...lines, event].join('\n') + '\n');
    });
    expectOneLine(await attempt('dup.oqatrun', await readFile(join(A.dir, 'dup.oqatrun'))), ArchiveDamagedError, /rows do not fit the store: .*UNIQUE constraint failed: events\.run_id, events\.seq/);
    // and the sound archive still imports
    expect((await importRuns(B.s, { archive: out, workDir: B.work })).imported).toHaveLength(2);
  });

  it.runIf(chattrWorks)('a read-only work folder or archive folder: one line, nothing written', async () => {
    const A = await storeA();
    const B = await store();
    await mkdir(B.work, { recursive: true });
    const out = join(A.dir, 'a.oqatrun');
    await exportRuns(A.s, { runIds: [A.train.id], out, workDir: A.work });
    const before = await snapshot(B.s, B.work);
    expect(spawnSync('chattr', ['+i', B.work]).status).toBe(0);
    immutable.push(B.work);
    expectOneLine(await rejection(importRuns(B.s, { archive: out, workDir: B.work })), ArchiveIoError, /^runs import: cannot write into .*\/runs \(EPERM: operation not permitted.*\); nothing was imported$/);
    expect(await snapshot(B.s, B.work)).toEqual(before);

    const ro = join(A.dir, 'ro');
    await mkdir(ro);
    expect(spawnSync('chattr', ['+i', ro]).status).toBe(0);
    immutable.push(ro);
    expectOneLine(await rejection(exportRuns(A.s, { runIds: [A.train.id], out: join(ro, 'x.oqatrun'), workDir: A.work })), ArchiveIoError, /^runs export: cannot write .*x\.oqatrun \(EPERM.*\); nothing was written$/);
    expect(await readdir(ro)).toEqual([]);
  });

  it('exports only ended runs, and names a run it does not have', async () => {
    const A = await store();
    const r = await A.s.createRun({ kind: 'train', config: {} });
    await A.s.markRunning(r.id, process.pid);
    expectOneLine(await rejection(exportRuns(A.s, { runIds: [r.id], out: join(A.dir, 'x.oqatrun'), workDir: A.work })), Error, /runs export: run .* is still running/);
    expect(String(await rejection(exportRuns(A.s, { runIds: ['nope'], out: join(A.dir, 'x.oqatrun'), workDir: A.work })))).toMatch(/no run with id 'nope'/);
    expect(existsSync(join(A.dir, 'x.oqatrun'))).toBe(false);
  });
});
