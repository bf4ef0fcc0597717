import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

// The folders of src/, lowest first: a folder imports only from its own
// folder, from lower layers, and from the single files of src/ (errors,
// json-fields, init-weights, losses). Folders of one layer do not import each other.
const LAYERS: readonly (readonly string[])[] = [
  ['space'],
  ['config', 'static', 'evolve', 'tune'],
  ['supernet'],
  ['eval', 'checkpoint', 'ptq'],
  ['train'],
  ['compress'],
];

const SRC = import.meta.dirname;
const IMPORT_RE = /\bfrom\s+['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]/g;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT_RE)].map((m) => (m[1] ?? m[2])!);
}

/** The folder of src/ a file sits in ('' for the single files of src/). */
function folderOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  return parts.length > 1 ? parts[0]! : '';
}

const layerOf = (folder: string): number => LAYERS.findIndex((layer) => layer.includes(folder));

function resolveTs(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  return existsSync(`${base}.ts`) ? `${base}.ts` : join(base, 'index.ts');
}

/** The packages whose project.json says scope:tfjs-free. */
function tfjsFreePackages(): Set<string> {
  const packages = join(SRC, '../..');
  return new Set(
    readdirSync(packages).filter((name) => {
      const project = join(packages, name, 'project.json');
      return existsSync(project) && (JSON.parse(readFileSync(project, 'utf8')) as { tags?: string[] }).tags?.includes('scope:tfjs-free');
    }),
  );
}

describe('search layers', () => {
  it('every folder of src/ has a layer', () => {
    const folders = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory());
    expect(folders.filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it('each folder imports only from its own folder, lower layers and the single files of src/', () => {
    const offenders: string[] = [];
    for (const file of sources(SRC)) {
      const from = folderOf(file);
      if (from === '') continue;
      for (const spec of importsOf(file).filter((s) => s.startsWith('.'))) {
        const to = folderOf(resolveTs(file, spec));
        if (to !== '' && to !== from && layerOf(to) >= layerOf(from)) offenders.push(`${relative(SRC, file)} -> ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the evolutionary search loads no TensorFlow.js: evolve/ and what it imports use only tfjs-free packages', () => {
    const allowed = tfjsFreePackages();
    const offenders: string[] = [];
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) visit(resolveTs(file, spec));
        else if (spec.startsWith('@tensorflow/') || (spec.startsWith('@oqat/') && !allowed.has(spec.split('/')[1]!))) {
          offenders.push(`${relative(SRC, file)} -> ${spec}`);
        }
      }
    };
    for (const file of sources(join(SRC, 'evolve')).filter((f) => !f.endsWith('.test.ts'))) visit(file);
    expect(seen.size).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });
});
