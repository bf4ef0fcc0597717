import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioService, type Studio } from './index';

/** The message of a rejected call, or 'resolved' (a path rule must reject before any run exists). */
async function rejection(call: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await call;
    return { name: 'resolved', message: 'resolved' };
  } catch (err) {
    return { name: (err as Error).name, message: (err as Error).message, status: (err as { status?: number }).status };
  }
}

/** Rejects when `call` has not settled within `ms` (a FIFO used to block the whole process). */
function within<T>(ms: number, call: Promise<T>): Promise<T> {
  return Promise.race([call, new Promise<T>((_r, fail) => setTimeout(() => fail(new Error(`still waiting after ${ms} ms`)), ms))]);
}

// Paths from a caller (HTTP, IPC) over a real SQLite store and real files: a FIFO, /dev/zero, a symlink.
describe('file paths from callers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oqat-caller-files-'));
  const outside = mkdtempSync(join(tmpdir(), 'oqat-outside-'));
  let studio: Studio;
  let workDir: string;
  let searchRunId: string;
  let candidateId: number;

  beforeAll(async () => {
    studio = await createStudioService({ path: join(dir, 'runs.db'), maxCheckpointBytes: 4096 });
    workDir = studio.workDir;
    mkdirSync(workDir, { recursive: true });
    // A search run with one candidate, written through the store's own API (no training needed to reach the folder rules).
    const run = await studio.store.createRun({ kind: 'search', config: { checkpoint: join(workDir, 'none.ckpt'), backend: 'cpu', bnImages: 10, seed: 1 } });
    searchRunId = run.id;
    [{ id: candidateId }] = await studio.store.addCandidates(run.id, [{ device: 'fpga', spec: {}, metrics: { accuracy: 0.5, latencyMs: 1 } }]);
  });
  afterAll(async () => {
    await studio.close();
  });

  const search = (checkpointPath: string) => studio.startRun({ kind: 'search', checkpointPath, devices: ['fpga'] });

  it('refuses an endless device (/dev/zero) at once, directly or through a symlink in the work folder, and creates no run', async () => {
    const before = (await studio.listRuns()).length;
    const direct = await within(5_000, rejection(search('/dev/zero')));
    expect(direct).toMatchObject({ name: 'PathNotAllowedError', status: 403 });
    expect(direct.message).toMatch(/checkpointPath '\/dev\/zero' is outside the folders this studio reads and writes/);
    symlinkSync('/dev/zero', join(workDir, 'zero.ckpt'));
    const linked = await within(5_000, rejection(search(join(workDir, 'zero.ckpt'))));
    expect(linked).toMatchObject({ name: 'PathNotAllowedError', status: 403 });
    expect((await studio.listRuns()).length).toBe(before);
  });

  it('refuses a FIFO in the work folder without waiting for a writer', async () => {
    execFileSync('mkfifo', [join(workDir, 'pipe.ckpt')]);
    const refused = await within(5_000, rejection(search(join(workDir, 'pipe.ckpt'))));
    expect(refused).toMatchObject({ name: 'CallerFileError', status: 400 });
    expect(refused.message).toMatch(/pipe\.ckpt' is not a regular file \(a FIFO\)/);
  });

  it('says the same thing about a path outside whether or not a file is there', async () => {
    writeFileSync(join(outside, 'exists.ckpt'), 'OQATCKPT not really');
    const there = await rejection(search(join(outside, 'exists.ckpt')));
    const missing = await rejection(search(join(outside, 'missing.ckpt')));
    expect(there.name).toBe('PathNotAllowedError');
    expect(missing.name).toBe('PathNotAllowedError');
    expect(there.message.replace('exists.ckpt', 'X')).toBe(missing.message.replace('missing.ckpt', 'X'));
    const climbing = await rejection(search(`../${join('..', outside, 'exists.ckpt')}`));
    expect(climbing.name).toBe('PathNotAllowedError');
  });

  it('caps the size of a checkpoint and reads a regular one (relative to the work folder) to a one-line CheckpointError', async () => {
    writeFileSync(join(workDir, 'big.ckpt'), '');
    truncateSync(join(workDir, 'big.ckpt'), 4097);
    const big = await rejection(search('big.ckpt'));
    expect(big).toMatchObject({ name: 'CallerFileError', status: 400 });
    expect(big.message).toMatch(/big\.ckpt' is 4097 bytes, more than the 4096 a checkpoint may have/);
    writeFileSync(join(workDir, 'junk.ckpt'), 'not a checkpoint');
    const junk = await rejection(search('junk.ckpt'));
    expect(junk.name).toBe('CheckpointError');
    expect(junk.message).not.toContain('\n');
    expect((await rejection(search('gone.ckpt'))).message).toMatch(/gone\.ckpt' does not exist/);
  });

  it('exports only under the work folder (or a folder the user chose) and never over existing files unless asked', async () => {
    const request = { runId: searchRunId, candidateId, formats: ['packed' as const] };
    const away = await rejection(studio.exportCandidate({ ...request, outDir: join(outside, 'export') }));
    expect(away).toMatchObject({ name: 'PathNotAllowedError', status: 403 });
    expect(existsSync(join(outside, 'export'))).toBe(false);
    const climbing = await rejection(studio.exportCandidate({ ...request, outDir: 'exports/../../../x' }));
    expect(climbing.name).toBe('PathNotAllowedError');
    symlinkSync(outside, join(workDir, 'exports-link'));
    expect((await rejection(studio.exportCandidate({ ...request, outDir: 'exports-link/x' }))).name).toBe('PathNotAllowedError');

    const full = join(workDir, 'exports', 'full');
    mkdirSync(full, { recursive: true });
    writeFileSync(join(full, 'model.onnx'), 'keep me');
    const clash = await rejection(studio.exportCandidate({ ...request, outDir: 'exports/full' }));
    expect(clash).toMatchObject({ name: 'ExportFolderNotEmptyError', status: 409 });
    expect(readFileSync(join(full, 'model.onnx'), 'utf8')).toBe('keep me');

    // A folder the user chose in the desktop's own dialog is allowed.
    studio.allowFolder(outside);
    const chosen = await rejection(studio.exportCandidate({ ...request, outDir: join(outside, 'export') }));
    expect(chosen.name).not.toBe('PathNotAllowedError');
  }, 120_000);
});
