import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('package boundary', () => {
  it('imports no TensorFlow.js and no @oqat/engine outside tests (the profiler is handed its runtime)', () => {
    const offenders = sources(import.meta.dirname).filter((file) => /from\s+['"](@tensorflow\/|@oqat\/engine)/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('imports onnxruntime-node only dynamically (loaded where a profile or a device needs it)', () => {
    const offenders = sources(import.meta.dirname).filter((file) => /from\s+['"]onnxruntime-node['"]/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
