import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkBoundaries, readProjects } from './boundaries';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function fakeRepo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'oqat-bounds-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** A project.json and package.json pair for a fake package or app. */
function project(root: string, tags: string[]): Record<string, string> {
  const name = root.split('/')[1]!;
  return {
    [`${root}/project.json`]: JSON.stringify({ name, tags }),
    [`${root}/package.json`]: JSON.stringify({ name: `@oqat/${name}` }),
  };
}

/** This repository's projects (their project.json and package.json, no sources) plus `files`. */
function realProjectsWith(files: Record<string, string>): string {
  const root = fakeRepo(files);
  for (const p of readProjects(repoRoot)) {
    for (const name of ['project.json', 'package.json']) {
      if (!existsSync(join(repoRoot, p.root, name))) continue;
      mkdirSync(join(root, p.root), { recursive: true });
      copyFileSync(join(repoRoot, p.root, name), join(root, p.root, name));
    }
  }
  return root;
}

const messages = (root: string) => checkBoundaries(root).map((v) => `${v.file}: ${v.message}`).sort();

describe('package boundaries', () => {
  it('the repository respects them', () => {
    const violations = checkBoundaries(repoRoot).map((v) => `${v.file}:${v.line} ${v.message}`);
    expect(violations).toEqual([]);
  });

  it('fails on a deliberate deep import into a package, from a benchmark, a test or a relative path', () => {
    const root = realProjectsWith({
      'tools/bench/deep.ts': "import { sandwichStep } from '../../packages/search/src/train/sandwich-step';\n",
      'packages/jobs/src/deep.test.ts': "import { lowerSubnet } from '@oqat/search/src/space/lower-subnet';\n",
      'apps/cli/src/deep.ts': "import { serveStudio } from '../../../packages/studio-server/src/serve-studio';\n",
    });
    expect(messages(root)).toEqual([
      "apps/cli/src/deep.ts: relative import '../../../packages/studio-server/src/serve-studio' leaves apps/cli for packages/studio-server: import '@oqat/studio-server' instead",
      "packages/jobs/src/deep.test.ts: deep import '@oqat/search/src/space/lower-subnet': import '@oqat/search' (or an entry point its package.json exports)",
      "tools/bench/deep.ts: relative import '../../packages/search/src/train/sandwich-step' leaves tools/bench for packages/search: import '@oqat/search' instead",
    ]);
  });

  it('holds the real tags to the layers: no package imports an app or a service above it, tests included', () => {
    const root = realProjectsWith({
      'packages/search/src/up.test.ts': "import { createStudioService } from '@oqat/jobs';\n",
      'packages/studio-server/src/up.ts': "import { ensureRendererBuilt } from '@oqat/desktop';\n",
      'apps/desktop/src/up.ts': "import { main } from '@oqat/cli';\n",
      'packages/latency/src/tf.ts': "import { tf } from '@oqat/engine';\n",
      'packages/latency/src/types-only.ts': "import type { Tensor } from '@oqat/engine';\n",
      'packages/studio-protocol/src/io.ts': "import { readFileSync } from 'node:fs';\n",
      'apps/cli/src/serve.ts': "import { ensureRendererBuilt } from '@oqat/desktop';\n",
    });
    // types-only.ts (a type import loads nothing) and cli → desktop (the renderer build, an allowed exception) pass.
    expect(messages(root)).toEqual([
      '(project graph): dependency cycle: cli → desktop → cli',
      expect.stringMatching(/^apps\/desktop\/src\/up\.ts: 'desktop' \(type:app\) may not depend on 'cli'/),
      expect.stringMatching(/^packages\/latency\/src\/tf\.ts: 'latency' \(scope:tfjs-free\) may not depend on 'engine'/),
      expect.stringMatching(/^packages\/search\/src\/up\.test\.ts: 'search' \(type:lib\) may not depend on 'jobs'/),
      "packages/studio-protocol/src/io.ts: 'node:fs': 'studio-protocol' is scope:browser and loads no Node module",
      expect.stringMatching(/^packages\/studio-server\/src\/up\.ts: 'studio-server' \(scope:tfjs-free\) may not depend on 'desktop'/),
      expect.stringMatching(/^packages\/studio-server\/src\/up\.ts: 'studio-server' \(type:service\) may not depend on 'desktop'/),
    ]);
  });

  it('flags tfjs outside engine, a lower layer importing a higher one, deep imports and Math.random', () => {
    const root = fakeRepo({
      ...project('packages/engine', ['type:core', 'scope:tfjs']),
      ...project('packages/latency', ['type:lib', 'scope:tfjs-free']),
      ...project('packages/search', ['type:lib', 'scope:tfjs']),
      ...project('packages/jobs', ['type:service', 'scope:tfjs']),
      'packages/latency/src/a.ts': "import * as tf from '@tensorflow/tfjs';\nimport { x } from '@oqat/search';\n",
      'packages/engine/src/b.ts': "import { y } from '@oqat/engine/src/tf';\nimport { z } from '@oqat/jobs';\nconst r = Math.random();\n", // lint-allow-math-random
      'packages/engine/src/ok.ts': "import * as tf from '@tensorflow/tfjs';\n",
    });
    expect(messages(root)).toEqual([
      "packages/engine/src/b.ts: 'engine' (type:core) may not depend on 'jobs' (type:service, scope:tfjs): type:core depends only on type:core",
      "packages/engine/src/b.ts: 'engine' imports itself through '@oqat/engine/src/tf'",
      "packages/engine/src/b.ts: Math.random is banned: take a seeded rng",
      "packages/engine/src/b.ts: deep import '@oqat/engine/src/tf': import '@oqat/engine' (or an entry point its package.json exports)",
      "packages/latency/src/a.ts: '@tensorflow/tfjs' may only be imported by engine",
      "packages/latency/src/a.ts: 'latency' (scope:tfjs-free) may not depend on 'search' (type:lib, scope:tfjs): scope:tfjs-free depends only on scope:tfjs-free",
    ]);
  });

  it('keeps bullmq and ioredis inside packages/jobs/src/queue: another package, an app, or jobs outside that folder is flagged', () => {
    const root = fakeRepo({
      ...project('packages/jobs', ['type:service', 'scope:tfjs']),
      ...project('packages/search', ['type:lib', 'scope:tfjs']),
      ...project('apps/cli', ['type:app', 'scope:tfjs']),
      'packages/jobs/src/queue/task-queue.ts': "import { Queue } from 'bullmq';\nimport { Redis } from 'ioredis';\n",
      'packages/jobs/src/queue/nested/probe.test.ts': "import { Queue } from 'bullmq';\n",
      'packages/jobs/src/search-job.ts': "import { Worker } from 'bullmq';\n",
      // \u0027 (a quote) keeps this file's own scan from reading these two as imports
      'packages/jobs/src/queue-helper.test.ts': "const r = await import(\u0027ioredis');\n",
      'packages/search/src/remote.ts': "import type { Job } from 'bullmq';\n",
      'apps/cli/src/commands/worker.ts': "const { Redis } = require(\u0027ioredis');\n",
    });
    expect(messages(root)).toEqual([
      "apps/cli/src/commands/worker.ts: 'ioredis' may only be imported by jobs (in packages/jobs/src/queue/)",
      "packages/jobs/src/queue-helper.test.ts: 'ioredis' may only be imported by jobs (in packages/jobs/src/queue/)",
      "packages/jobs/src/search-job.ts: 'bullmq' may only be imported by jobs (in packages/jobs/src/queue/)",
      "packages/search/src/remote.ts: 'bullmq' may only be imported by jobs (in packages/jobs/src/queue/)",
    ]);
  });

  it('lets a package import an entry point another package.json exports, and nothing deeper', () => {
    const root = fakeRepo({
      ...project('packages/jobs', ['type:service', 'scope:tfjs']),
      ...project('apps/cli', ['type:app', 'scope:tfjs']),
      'packages/jobs/package.json': JSON.stringify({ name: '@oqat/jobs', exports: { '.': './src/index.ts', './run-defaults': './src/run-defaults.ts' } }),
      'apps/cli/src/help.ts': "import { D } from '@oqat/jobs/run-defaults';\nimport { E } from '@oqat/jobs/src/run-config';\n",
    });
    expect(messages(root)).toEqual([
      "apps/cli/src/help.ts: deep import '@oqat/jobs/src/run-config': import '@oqat/jobs' (or an entry point its package.json exports)",
    ]);
  });

  it('flags a cycle between projects of one layer and a project without its tags', () => {
    const root = fakeRepo({
      ...project('packages/quant', ['type:lib', 'scope:tfjs']),
      ...project('packages/search', ['type:lib', 'scope:tfjs']),
      ...project('packages/loose', ['scope:shared']),
      'packages/quant/src/a.ts': "import { s } from '@oqat/search';\n",
      'packages/search/src/b.ts': "import type { q } from '@oqat/quant';\n",
    });
    expect(messages(root)).toEqual([
      '(project graph): dependency cycle: quant → search → quant',
      "packages/loose/project.json: 'loose' has unknown scope tags: scope:shared",
      "packages/loose/project.json: 'loose' needs exactly one of type:core, type:lib, type:service, type:app, type:tool; it has none",
      "packages/loose/project.json: 'loose' needs scope:tfjs-free or scope:tfjs",
    ]);
  });
});
