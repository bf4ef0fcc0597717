import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../main';
import type { CliIo } from '../io';

function io(): CliIo & { out: string; err: string } {
  const captured = { out: '', err: '' };
  return Object.assign(captured, {
    stdout: { write: (t: string) => (captured.out += t) },
    stderr: { write: (t: string) => (captured.err += t) },
    cwd: process.cwd(), env: {}, now: Date.now,
  }) as CliIo & { out: string; err: string };
}

describe('oqat worker', () => {
  it('asks for --queue, and says in one line when no Redis answers there', async () => {
    const a = io();
    expect(await main(['worker'], a)).toBe(2);
    expect(a.err).toContain("oqat worker needs --queue redis://HOST:PORT");
    const b = io();
    expect(await main(['worker', '--queue', 'redis://127.0.0.1:1', '--backend', 'cpu'], b)).toBe(3);
    expect(b.err.trim().split('\n')).toHaveLength(1);
    expect(b.err).toContain('no Redis answered at redis://127.0.0.1:1 (ECONNREFUSED)');
    const c = io();
    const db = join(mkdtempSync(join(tmpdir(), 'oqat-worker-cli-')), 'runs.db');
    expect(await main(['search', '--checkpoint', 'x.ckpt', '--queue', 'http://h:1', '--db', db], c)).toBe(3);
    expect(c.err).toContain("--queue 'http://h:1' has scheme 'http', not redis; give redis://HOST:PORT");
  });
});
