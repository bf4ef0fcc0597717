import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Writes the Emscripten pthread worker source that tfjs-backend-wasm ships
 * as a string to a real .cjs file and returns its path. Why: the package
 * turns it into a blob: URL, which Node's worker_threads cannot load
 * (ERR_WORKER_PATH). The name carries a hash of the source, so concurrent
 * processes share one file and a new tfjs version gets its own; the file is
 * written to a temporary name and renamed, so no reader sees half of it.
 */
export function writePthreadWorkerFile(workerSource: string): string {
  // The package's own init escapes newlines before making its blob; the
  // source contains "\n" escapes that a template literal turned into real
  // line breaks inside string literals.
  const source = workerSource.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'oqat-engine');
  const file = join(dir, `tfjs-wasm-pthread-${hash}.worker.cjs`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, source);
  renameSync(partial, file);
  return file;
}
