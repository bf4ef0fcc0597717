import { basename, isAbsolute, join, relative, sep } from 'node:path';

/** Every string inside a JSON value (keys not included). */
export function* jsonStrings(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const v of value) yield* jsonStrings(v);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) yield* jsonStrings(v);
}

/** Where paths starting with `from` go; `placeIn`: the new run folder that receives the archived files under `from` (none: not copied). */
export interface Relocation {
  readonly from: string;
  readonly to: string;
  readonly placeIn?: string;
}

/** An archived run and what it is called in the importing store. */
export interface RunMapping {
  readonly from: string;
  readonly to: string;
  /** false: the run was already in the store, nothing of it is copied */
  readonly isNew: boolean;
}

/**
 * Where an archive's files land and how its paths are rewritten, from the
 * exporting store's work folder `srcWork` to the importing store's `dstWork`:
 * - a run's folder `<srcWork>/<old id>` becomes `<dstWork>/<new id>`;
 * - other archived files under `srcWork` (an export run's files in its
 *   search's folder, say) go under `<dstWork>/<new id>/imported/`, by their
 *   first folder below `srcWork`, into the first new run that names them;
 * - archived files outside `srcWork` go to `<dstWork>/<new id>/imported/external/<n>-<name>`;
 * - any other path under `srcWork` is relocated to `dstWork` (a run left out
 *   of the archive resolves once it is imported under its own id).
 */
export function planRelocations(
  srcWork: string, dstWork: string, runs: readonly RunMapping[], files: ReadonlyArray<{ readonly path: string; readonly runs: readonly string[] }>,
): { exact: Map<string, Relocation>; prefixes: Relocation[] } {
  const byId = new Map(runs.map((r) => [r.from, r]));
  const prefixes = new Map<string, Relocation>();
  for (const r of runs) {
    const from = join(srcWork, r.from);
    prefixes.set(from, { from, to: join(dstWork, r.to), placeIn: r.isNew ? join(dstWork, r.to) : undefined });
  }
  const exact = new Map<string, Relocation>();
  let external = 0;
  for (const f of files) {
    if (runs.some((r) => within(f.path, join(srcWork, r.from)))) continue;
    const owner = f.runs.map((id) => byId.get(id)).find((r) => r?.isNew);
    if (!owner) continue;
    const placeIn = join(dstWork, owner.to);
    const rel = relative(srcWork, f.path);
    if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) {
      const top = rel.split(sep)[0]!;
      const from = join(srcWork, top);
      if (!prefixes.has(from)) prefixes.set(from, { from, to: join(placeIn, 'imported', top), placeIn });
    } else {
      exact.set(f.path, { from: f.path, to: join(placeIn, 'imported', 'external', `${++external}-${basename(f.path)}`), placeIn });
    }
  }
  if (!prefixes.has(srcWork)) prefixes.set(srcWork, { from: srcWork, to: dstWork });
  return { exact, prefixes: [...prefixes.values()] };
}

const within = (path: string, dir: string): boolean => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/**
 * Rewrites an archive's strings for the importing store: a string equal to an
 * archived run's id becomes its id there; an absolute path is relocated (exact
 * file first, then the longest matching folder); in a JSON object that names
 * an archived run (a string value equal to its id), a numeric `candidateId` is
 * mapped to that candidate's id there. Only whole strings are rewritten (a log
 * line that mentions a path keeps it).
 */
export class PathRewriter {
  private readonly prefixes: Relocation[];

  constructor(
    private readonly ids: ReadonlyMap<string, string>,
    private readonly candidateIds: ReadonlyMap<string, ReadonlyMap<number, number>>,
    private readonly exact: ReadonlyMap<string, Relocation>,
    prefixes: readonly Relocation[],
  ) {
    this.prefixes = [...prefixes].sort((a, b) => b.from.length - a.from.length);
  }

  string(s: string): string {
    const id = this.ids.get(s);
    if (id !== undefined) return id;
    const r = this.relocationOf(s);
    return r ? r.to + s.slice(r.from.length) : s;
  }

  /** Where an archived file lands: its new path and the new run folder it goes in; undefined: not copied. */
  placement(path: string): { path: string; runFolder: string } | undefined {
    const r = this.relocationOf(path);
    if (!r?.placeIn) return undefined;
    const to = r.to + path.slice(r.from.length);
    return within(to, r.placeIn) && to !== r.placeIn ? { path: to, runFolder: r.placeIn } : undefined;
  }

  /** The value with its strings rewritten; the same object when nothing changed. */
  json(value: unknown): unknown {
    if (typeof value === 'string') return this.string(value);
    if (Array.isArray(value)) {
      let changed = false;
      const out = value.map((v) => {
        const w = this.json(v);
        changed ||= w !== v;
        return w;
      });
      return changed ? out : value;
    }
    if (value === null || typeof value !== 'object') return value;
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const w = this.json(v);
      changed ||= w !== v;
      Object.defineProperty(out, k, { value: w, enumerable: true, writable: true, configurable: true });
    }
    const candidateId = (value as { candidateId?: unknown }).candidateId;
    if (typeof candidateId === 'number') {
      for (const v of Object.values(value)) {
        const mapped = typeof v === 'string' ? this.candidateIds.get(v)?.get(candidateId) : undefined;
        if (mapped !== undefined) {
          changed ||= mapped !== candidateId;
          out.candidateId = mapped;
          break;
        }
      }
    }
    return changed ? out : value;
  }

  /** JSON text rewritten; the same text when nothing changed. */
  jsonText(text: string): string {
    const value = JSON.parse(text) as unknown;
    const out = this.json(value);
    return out === value ? text : JSON.stringify(out);
  }

  private relocationOf(s: string): Relocation | undefined {
    if (!isAbsolute(s)) return undefined;
    return this.exact.get(s) ?? this.prefixes.find((p) => within(s, p.from));
  }
}
