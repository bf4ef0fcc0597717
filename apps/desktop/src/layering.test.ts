import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The runtime layering of VS Code's code-layering rule, for this app: what
 * each folder may import. `common` runs everywhere (no Node, no DOM),
 * `renderer` is DOM only, `preload` may reach Electron and common only,
 * `main` and `build-renderer` are Node. The HTTP server is @oqat/studio-server.
 */
const SRC = dirname(fileURLToPath(import.meta.url));

interface Rule {
  /** folders (or root files, e.g. 'errors') of src/ this folder may import */
  local: string[];
  /** packages it may import (prefix match; 'node:' = any built-in) */
  packages: string[];
  /** packages it may import with `import type` / `export type` only */
  typeOnly: string[];
}

const RULES: Record<string, Rule> = {
  common: { local: ['common'], packages: [], typeOnly: ['@oqat/jobs', '@oqat/studio-protocol'] },
  renderer: { local: ['common', 'renderer'], packages: ['echarts', 'rxjs', '@oqat/studio-protocol'], typeOnly: ['@oqat/jobs'] },
  preload: { local: ['common'], packages: [], typeOnly: [] },
  'build-renderer': { local: ['errors'], packages: ['node:', 'vite'], typeOnly: [] },
  errors: { local: [], packages: ['@oqat/core'], typeOnly: [] },
  main: { local: ['common', 'main', 'errors'], packages: ['node:', '@oqat/jobs', '@oqat/runs', '@oqat/studio-protocol'], typeOnly: [] },
};

const IMPORT = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/gm;

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (/\.ts$/.test(name) && !/\.test\.ts$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

function area(file: string): string {
  const [first, second] = relative(SRC, file).split('/');
  return second === undefined ? first!.replace(/\.ts$/, '') : first!;
}

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

function layeringViolations(): string[] {
  const out: string[] = [];
  for (const file of sources(SRC)) {
    const rule = RULES[area(file)];
    if (!rule) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const typeOnly = Boolean(m[2]);
      const spec = (m[3] ?? m[4] ?? m[5])!;
      const where = `${relative(SRC, file)} imports '${spec}'`;
      if (spec.startsWith('.')) {
        const target = area(resolve(dirname(file), spec));
        if (!rule.local.includes(target)) out.push(`${where}: ${area(file)}/ may not import ${target}/`);
      } else if (spec === 'electron') {
        if (area(file) !== 'preload' && area(file) !== 'main') out.push(`${where}: only preload and main may use Electron`);
      } else if (!rule.packages.some((p) => spec === p || spec.startsWith(p.endsWith(':') ? p : `${p}/`))) {
        if (!(typeOnly && rule.typeOnly.includes(spec))) out.push(`${where}: not allowed in ${area(file)}/${rule.typeOnly.includes(spec) ? ' (type imports only)' : ''}`);
      }
    }
  }
  return out;
}

describe('desktop layering', () => {
  it('keeps common/ free of Node and DOM, the renderer free of Node and Electron, and main off the renderer', () => {
    expect(layeringViolations()).toEqual([]);
  });

  it('finds the common, renderer, preload and main folders (the rule table is not vacuous)', () => {
    const areas = new Set([...sources(SRC)].map(area));
    for (const name of ['common', 'renderer', 'preload', 'main']) expect(areas).toContain(name);
  });

  it('finds no DOM or Node globals in common/', () => {
    const offenders = [...sources(join(SRC, 'common'))].filter((f) =>
      /\b(document|window|process|Buffer|__dirname)\b\s*[.[]/.test(withoutComments(readFileSync(f, 'utf8'))));
    expect(offenders).toEqual([]);
  });
});
