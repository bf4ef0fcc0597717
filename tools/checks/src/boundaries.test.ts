import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkBoundaries } from './boundaries';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function fakeRepo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'oqat-bounds-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('package boundaries', () => {
  it('the repository respects them', () => {
    const violations = checkBoundaries(repoRoot).map((v) => `${v.file}:${v.line} ${v.message}`);
    expect(violations).toEqual([]);
  });

  it('flags tfjs outside engine, upward dependencies, deep imports and Math.random', () => {
    const root = fakeRepo({
      'packages/latency/src/a.ts': "import * as tf from '@tensorflow/tfjs';\nimport { x } from '@oqat/search';\n",
      'packages/data/src/b.ts': "import { y } from '@oqat/engine/src/tf';\nconst r = Math.random();\n",
      'packages/engine/src/ok.ts': "import * as tf from '@tensorflow/tfjs';\n",
    });
    const messages = checkBoundaries(root).map((v) => v.message).sort();
    expect(messages).toEqual(
      [
        "'@tensorflow/tfjs' may only be imported by engine",
        "'latency' may not depend on '@oqat/search'",
        "deep import '@oqat/engine/src/tf': import '@oqat/engine' only",
        'Math.random is banned: take a seeded rng',
      ].sort(),
    );
  });
});
