import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The dependency rules of docs/architecture.md, as data. Checked by a test
 * over every source file instead of an ESLint plugin: the same rules Nx's
 * enforce-module-boundaries would take as depConstraints, with no extra tool.
 */
export const ALLOWED_INTERNAL: Record<string, readonly string[]> = {
  engine: [],
  data: ['engine'],
  quant: ['engine', 'data'],
  latency: ['onnx'],
  onnx: [],
  search: ['engine', 'data', 'quant', 'latency', 'onnx'],
  runs: [],
  jobs: ['engine', 'data', 'quant', 'latency', 'onnx', 'search', 'runs'],
  cli: ['engine', 'data', 'quant', 'latency', 'onnx', 'search', 'runs', 'jobs', 'desktop'],
  desktop: ['jobs', 'runs'],
};

/** External packages only one project may import. */
export const EXCLUSIVE_EXTERNAL: ReadonlyArray<{ prefix: string; owners: readonly string[] }> = [
  { prefix: '@tensorflow/', owners: ['engine'] },
  { prefix: 'electron', owners: ['desktop'] },
  { prefix: 'sqlite3', owners: ['runs'] },
  { prefix: 'onnxruntime-node', owners: ['latency', 'search', 'onnx', 'cli'] },
];

export interface Violation {
  file: string;
  line: number;
  message: string;
}

const IMPORT_RE = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|tsx)$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

/** Project name of a file: packages/<name>/… or apps/<name>/…; undefined elsewhere. */
function projectOf(root: string, file: string): string | undefined {
  const m = /^(?:packages|apps)\/([^/]+)\//.exec(relative(root, file));
  return m?.[1];
}

export function checkBoundaries(root: string): Violation[] {
  const violations: Violation[] = [];
  for (const top of ['packages', 'apps']) {
    let dirs: string[] = [];
    try {
      dirs = readdirSync(join(root, top));
    } catch {
      continue;
    }
    for (const dir of dirs) {
      for (const file of sourceFiles(join(root, top, dir))) violations.push(...checkFile(root, file));
    }
  }
  return violations;
}

function checkFile(root: string, file: string): Violation[] {
  const project = projectOf(root, file)!;
  const isTest = /\.test\.ts$|\/test\//.test(file);
  const out: Violation[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((text, i) => {
    const at = { file: relative(root, file), line: i + 1 };
    if (/\bMath\.random\s*\(/.test(text) && !text.includes('lint-allow-math-random')) {
      out.push({ ...at, message: 'Math.random is banned: take a seeded rng' });
    }
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      if (spec.startsWith('@oqat/')) {
        const [, target, deep] = /^@oqat\/([^/]+)(\/.*)?$/.exec(spec)!;
        if (deep) out.push({ ...at, message: `deep import '${spec}': import '@oqat/${target}' only` });
        if (target === project) out.push({ ...at, message: `'${project}' imports itself through '${spec}'` });
        else if (!isTest && !(ALLOWED_INTERNAL[project] ?? []).includes(target!)) {
          out.push({ ...at, message: `'${project}' may not depend on '@oqat/${target}'` });
        }
      }
      for (const rule of EXCLUSIVE_EXTERNAL) {
        if (spec.startsWith(rule.prefix) && !rule.owners.includes(project)) {
          out.push({ ...at, message: `'${spec}' may only be imported by ${rule.owners.join(', ')}` });
        }
      }
    }
  });
  return out;
}
