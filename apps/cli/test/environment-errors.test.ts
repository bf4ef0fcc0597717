import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fillRunStore } from '@oqat/runs/testing';
import { oqat, oqatProcess, type Outcome } from './oqat.fixture';

// What a user or the environment can do to `oqat`, each answered with one line on stderr and an exit code
// (never "internal error" and a stack), the run store left as it was. A closed pipe is a process's matter:
// the real executable; the rest through main in this process (oqat.fixture.ts), as the executable runs it.

const dirs: string[] = [];
const immutable: string[] = [];
afterAll(() => {
  for (const p of immutable) spawnSync('chattr', ['-i', p]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'oqat-env-'));
  dirs.push(d);
  return d;
}

function expectOneLine(r: Outcome, code: number, message: RegExp): void {
  expect(r.stderr).toMatch(/^oqat: [^\n]*\n$/);
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).toMatch(message);
  expect(r.code).toBe(code);
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function storeWithRuns(n: number): Promise<{ db: string; ids: string[] }> {
  const db = join(tempDir(), 'runs.db');
  return { db, ids: await fillRunStore(db, n) };
}

const chattrWorks = (() => {
  const probe = join(tempDir(), 'probe');
  writeFileSync(probe, '');
  if (spawnSync('chattr', ['+i', probe]).status !== 0) return false;
  let refused = false;
  try {
    writeFileSync(probe, 'x');
  } catch {
    refused = true;
  }
  spawnSync('chattr', ['-i', probe]);
  return refused;
})();

describe('oqat: errors of the environment, one line each', () => {
  it('output piped into a reader that closed it (EPIPE): one line, exit 141', async () => {
    const { db } = await storeWithRuns(200); // more output than a pipe buffers
    expectOneLine(await oqatProcess(['runs', 'list', '--json', '--db', db], { closeStdout: true }), 141, /the program reading the output closed it \(EPIPE\)/);
  });

  it('a store path through a regular file (ENOTDIR; the store tests cover the writing side)', async () => {
    const file = join(tempDir(), 'file');
    writeFileSync(file, 'x');
    expectOneLine(await oqat(['runs', 'list', '--db', join(file, 'sub', 'runs.db')]), 3, /cannot open .*runs\.db \(a part of its path is a file, not a folder, ENOTDIR\)/);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('a store with a damaged table page (SQLITE_CORRUPT): one line, the file unchanged', async () => {
    const { db } = await storeWithRuns(30);
    const bytes = readFileSync(db);
    bytes.fill(0xff, 4096, 8192); // page 2: the runs table's root
    writeFileSync(db, bytes);
    const before = sha(db);
    expectOneLine(await oqat(['runs', 'list', '--db', db]), 3, /runs\.db is damaged \(SQLITE_CORRUPT/);
    expect(sha(db)).toBe(before);
  });

  it.runIf(chattrWorks)('a read-only store (SQLITE_READONLY; chattr +i, which binds root too): one line, the file unchanged, reading still works', async () => {
    const { db, ids } = await storeWithRuns(3);
    const before = sha(db);
    expect(spawnSync('chattr', ['+i', db]).status).toBe(0);
    immutable.push(db);
    expectOneLine(await oqat(['runs', 'rm', ids[0]!, '--db', db]), 3, /runs\.db cannot be written \(SQLITE_READONLY.*\); nothing was changed/);
    const list = await oqat(['runs', 'list', '--json', '--db', db]);
    expect(list.code).toBe(0);
    expect(list.stdout.trim().split('\n')).toHaveLength(3);
    expect(sha(db)).toBe(before);
  });

  it.runIf(chattrWorks)('a folder that refuses the store file (chattr +i on the folder): one line', async () => {
    const dir = tempDir();
    expect(spawnSync('chattr', ['+i', dir]).status).toBe(0);
    immutable.push(dir);
    expectOneLine(await oqat(['runs', 'rm', 'r1', '--db', join(dir, 'runs.db')]), 3, /cannot open .*runs\.db \(SQLITE_CANTOPEN/);
  });

  it('--port out of range: one line, exit 2, before anything starts', async () => {
    expectOneLine(await oqat(['serve', '--port', '99999', '--db', join(tempDir(), 'runs.db')]), 2, /--port must be an integer from 0 to 65535, got '99999'/);
  });

  it('--config holding null (the other shapes: src/run-options.test.ts): one line, exit 2, no store written', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), 'null');
    const db = join(dir, 'runs.db');
    expectOneLine(await oqat(['train', '--config', join(dir, 'config.json'), '--db', db]), 2, /holds null; it must hold one JSON object of run settings/);
    expect(existsSync(db)).toBe(false);
  });
});
