import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The dependency rules of docs/architecture.md, checked by a test over every
 * TypeScript file of packages/, apps/ and tools/ (tests included) against the
 * tags in each project.json: the depConstraints Nx's
 * enforce-module-boundaries takes, with no extra tool.
 *
 * `type:` is the layer, lowest first: core < lib < service < app; tools sit
 * beside apps. A project depends on its own layer or lower, and the project
 * graph has no cycle. `scope:` says what a project may load at run time:
 * `scope:tfjs-free` projects load no project that loads TensorFlow.js,
 * `scope:browser` ones load nothing Node-only. Type imports are erased and
 * tests are not shipped, so both count for the layers but not for the scopes
 * (a latency test may hand the profiler engine's tfjs runtime).
 */
export interface DepConstraint {
  sourceTag: string;
  onlyDependOnLibsWithTags: readonly string[];
  /** true: what the shipped code loads; type-only imports and tests do not count */
  runtimeOnly?: boolean;
}

export const DEP_CONSTRAINTS: readonly DepConstraint[] = [
  { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:core'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:core', 'type:lib'] },
  { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:core', 'type:lib', 'type:service'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:core', 'type:lib', 'type:service'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:core', 'type:lib', 'type:service'] },
  { sourceTag: 'scope:tfjs-free', onlyDependOnLibsWithTags: ['scope:tfjs-free'], runtimeOnly: true },
  { sourceTag: 'scope:browser', onlyDependOnLibsWithTags: ['scope:browser'], runtimeOnly: true },
];

/** Every project carries exactly one of these. */
export const TYPE_TAGS = ['type:core', 'type:lib', 'type:service', 'type:app', 'type:tool'] as const;

/** Every package and app says whether it loads TensorFlow.js (scope:tfjs) or not; scope:browser is optional. */
export const SCOPE_TAGS = ['scope:tfjs', 'scope:tfjs-free', 'scope:browser'] as const;

/** Dependencies the layers forbid but the design wants, each with its reason. */
export const ALLOWED_EXCEPTIONS: ReadonlyArray<{ from: string; to: string; why: string }> = [
  { from: 'cli', to: 'desktop', why: '`oqat serve` serves the desktop renderer; its build is all @oqat/desktop exports' },
];

/** Folders of tools/ without a project.json: scanned as one project with these tags. */
export const LOOSE_TOOLS_TAGS: readonly string[] = ['type:tool'];

/**
 * External packages only some projects may import; with `folders`, only files
 * under one of those folders (repository paths) of an owner.
 */
export const EXCLUSIVE_EXTERNAL: ReadonlyArray<{ prefix: string; owners: readonly string[]; folders?: readonly string[] }> = [
  { prefix: '@tensorflow/', owners: ['engine'] },
  { prefix: 'electron', owners: ['desktop'] },
  { prefix: 'sqlite3', owners: ['runs'] },
  { prefix: 'onnxruntime-node', owners: ['latency', 'search', 'onnx', 'cli'] },
  // the job queue (BullMQ on Redis) stays behind packages/jobs/src/queue's TaskQueue
  { prefix: 'bullmq', owners: ['jobs'], folders: ['packages/jobs/src/queue'] },
  { prefix: 'ioredis', owners: ['jobs'], folders: ['packages/jobs/src/queue'] },
];

export interface Violation {
  file: string;
  line: number;
  message: string;
}

export interface Project {
  name: string;
  /** folder relative to the repository root */
  root: string;
  /** package name from package.json (`@oqat/x`), when there is one */
  packageName?: string;
  /** the subpaths its package.json `exports` declares ('.', './run-defaults', ...) */
  entryPoints: readonly string[];
  tags: readonly string[];
}

interface ImportRef {
  spec: string;
  typeOnly: boolean;
  line: number;
}

const IMPORT_RE =
  /^\s*(?:import|export)\s+(type\s+)?[^'";]*?\sfrom\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/gm;

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|tsx)$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

function readJson(path: string): Record<string, unknown> | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : undefined;
}

function listDirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => !name.startsWith('.') && statSync(join(dir, name)).isDirectory());
}

/** The projects of packages/*, apps/* and tools/*: their project.json tags; tools folders without one share LOOSE_TOOLS_TAGS. */
export function readProjects(root: string): Project[] {
  const projects: Project[] = [];
  for (const top of ['packages', 'apps', 'tools']) {
    for (const dir of listDirs(join(root, top))) {
      const rel = `${top}/${dir}`;
      const project = readJson(join(root, rel, 'project.json'));
      const pkg = readJson(join(root, rel, 'package.json'));
      const packageName = typeof pkg?.name === 'string' ? pkg.name : undefined;
      const exportsField = pkg?.exports;
      const entryPoints = typeof exportsField === 'object' && exportsField !== null ? Object.keys(exportsField) : ['.'];
      const base = { root: rel, packageName, entryPoints };
      if (project) projects.push({ ...base, name: String(project.name ?? dir), tags: (project.tags as string[] | undefined) ?? [] });
      else if (top === 'tools') projects.push({ ...base, name: rel, tags: LOOSE_TOOLS_TAGS });
      else projects.push({ ...base, name: dir, tags: [] });
    }
  }
  return projects;
}

function importsOf(text: string): ImportRef[] {
  const out: ImportRef[] = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = (m[2] ?? m[3] ?? m[4] ?? m[5])!;
    const line = text.slice(0, m.index).split('\n').length + (m[0].match(/^\s*/)![0].split('\n').length - 1);
    out.push({ spec, typeOnly: Boolean(m[1]), line });
  }
  return out;
}

function projectAt(projects: readonly Project[], relPath: string): Project | undefined {
  return projects.find((p) => relPath === p.root || relPath.startsWith(`${p.root}/`));
}

/** What DEP_CONSTRAINTS (less ALLOWED_EXCEPTIONS) say against `source` importing `target`; `loaded`: a runtime import of shipped code. */
export function constraintViolations(source: Project, target: Project, loaded: boolean): string[] {
  if (ALLOWED_EXCEPTIONS.some((e) => e.from === source.name && e.to === target.name)) return [];
  const out: string[] = [];
  for (const c of DEP_CONSTRAINTS) {
    if (!source.tags.includes(c.sourceTag) || (!loaded && c.runtimeOnly)) continue;
    if (!target.tags.some((t) => c.onlyDependOnLibsWithTags.includes(t))) {
      out.push(
        `'${source.name}' (${c.sourceTag}) may not depend on '${target.name}' (${target.tags.join(', ') || 'no tags'}): ` +
          `${c.sourceTag} depends only on ${c.onlyDependOnLibsWithTags.join(', ')}`,
      );
    }
  }
  return out;
}

function tagViolations(projects: readonly Project[]): Violation[] {
  const out: Violation[] = [];
  for (const p of projects) {
    const types = p.tags.filter((t) => t.startsWith('type:'));
    const at = { file: `${p.root}/project.json`, line: 1 };
    if (types.length !== 1 || !(TYPE_TAGS as readonly string[]).includes(types[0]!)) {
      out.push({ ...at, message: `'${p.name}' needs exactly one of ${TYPE_TAGS.join(', ')}; it has ${types.join(', ') || 'none'}` });
    }
    const unknown = p.tags.filter((t) => t.startsWith('scope:') && !(SCOPE_TAGS as readonly string[]).includes(t));
    if (unknown.length > 0) out.push({ ...at, message: `'${p.name}' has unknown scope tags: ${unknown.join(', ')}` });
    if (/^(packages|apps)\//.test(p.root)) {
      if (!p.tags.includes('scope:tfjs') && !p.tags.includes('scope:tfjs-free')) {
        out.push({ ...at, message: `'${p.name}' needs scope:tfjs-free or scope:tfjs` });
      }
    }
  }
  return out;
}

/** Cycles of the project graph, each once, as 'a → b → a'. */
function cycles(edges: Map<string, Set<string>>): string[] {
  const found = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') {
        const loop = stack.slice(stack.indexOf(next));
        const start = loop.indexOf([...loop].sort()[0]!);
        const canonical = [...loop.slice(start), ...loop.slice(0, start)];
        found.add([...canonical, canonical[0]].join(' → '));
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node);
  return [...found].sort();
}

export function checkBoundaries(root: string): Violation[] {
  const projects = readProjects(root);
  const byPackage = new Map(projects.filter((p) => p.packageName).map((p) => [p.packageName!, p]));
  const violations = tagViolations(projects);
  const edges = new Map<string, Set<string>>();
  for (const project of projects) {
    for (const file of sourceFiles(join(root, project.root))) {
      violations.push(...checkFile(root, file, project, projects, byPackage, edges));
    }
  }
  for (const cycle of cycles(edges)) violations.push({ file: '(project graph)', line: 0, message: `dependency cycle: ${cycle}` });
  return violations;
}

function checkFile(
  root: string,
  file: string,
  project: Project,
  projects: readonly Project[],
  byPackage: ReadonlyMap<string, Project>,
  edges: Map<string, Set<string>>,
): Violation[] {
  const rel = relative(root, file).split(sep).join('/');
  const isTest = /\.test\.ts$|\/test\//.test(rel);
  const out: Violation[] = [];
  const text = readFileSync(file, 'utf8');
  text.split('\n').forEach((line, i) => {
    if (/\bMath\.random\s*\(/.test(line) && !line.includes('lint-allow-math-random')) {
      out.push({ file: rel, line: i + 1, message: 'Math.random is banned: take a seeded rng' });
    }
  });
  const depend = (target: Project, ref: ImportRef, at: { file: string; line: number }) => {
    if (target === project) return;
    if (!edges.has(project.name)) edges.set(project.name, new Set());
    edges.get(project.name)!.add(target.name);
    for (const message of constraintViolations(project, target, !ref.typeOnly && !isTest)) out.push({ ...at, message });
  };
  for (const ref of importsOf(text)) {
    const at = { file: rel, line: ref.line };
    const { spec } = ref;
    if (spec.startsWith('.')) {
      const targetPath = relative(root, resolve(dirname(file), spec)).split(sep).join('/');
      const target = projectAt(projects, targetPath);
      if (target && target !== project) {
        const name = target.packageName ?? target.name;
        out.push({ ...at, message: `relative import '${spec}' leaves ${project.root} for ${target.root}: import '${name}' instead` });
        depend(target, ref, at);
      }
      continue;
    }
    const own = /^(@oqat\/[^/]+)(\/.*)?$/.exec(spec);
    if (own) {
      const [, name, deep] = own;
      const target = byPackage.get(name!);
      if (deep && !target?.entryPoints.includes(`.${deep}`)) {
        out.push({ ...at, message: `deep import '${spec}': import '${name}' (or an entry point its package.json exports)` });
      }
      if (!target) out.push({ ...at, message: `'${name}' is no project of this repository` });
      else if (target === project) out.push({ ...at, message: `'${project.name}' imports itself through '${spec}'` });
      else depend(target, ref, at);
      continue;
    }
    if (spec.startsWith('node:') && project.tags.includes('scope:browser') && !isTest) {
      out.push({ ...at, message: `'${spec}': '${project.name}' is scope:browser and loads no Node module` });
    }
    for (const rule of EXCLUSIVE_EXTERNAL) {
      if (!spec.startsWith(rule.prefix)) continue;
      const inFolder = !rule.folders || rule.folders.some((f) => rel.startsWith(`${f}/`));
      if (!rule.owners.includes(project.name) || !inFolder) {
        const where = rule.folders ? ` (in ${rule.folders.map((f) => `${f}/`).join(', ')})` : '';
        out.push({ ...at, message: `'${spec}' may only be imported by ${rule.owners.join(', ')}${where}` });
      }
    }
  }
  return out;
}
