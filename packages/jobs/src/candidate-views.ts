import type { CandidateAxes, RunStore } from '@oqat/runs';
import { JobConfigError } from './errors';
import { toCandidateDto } from './run-views';
import type { CandidateDto, CandidateOverview, CandidatePoints, CandidateSteps, DeviceName } from './studio-service';

/** The two metrics the Search screen plots: latency (lower is better) against accuracy. */
const AXES: CandidateAxes = { x: 'latencyMs', y: 'accuracy' };
export const POINTS_PAGE = 200_000;
export const CANDIDATE_PAGE = 10_000;

export function checkPage(field: string, value: unknown, cap: number, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new JobConfigError(field, `must be a whole number >= 0, got ${JSON.stringify(value)}`);
  return Math.min(value, cap);
}

export function checkRunId(runId: unknown): string {
  if (typeof runId !== 'string' || runId === '') throw new JobConfigError('runId', `must be a run id, got ${JSON.stringify(runId)}`);
  return runId;
}

/** One device's x/y as read once from the store, with what the screen needs computed from them once. */
interface DeviceColumns {
  maxId: number;
  ids: number[];
  /** exact */
  x: number[];
  y: number[];
  /** 6 significant digits: what the chart gets (a third of the JSON of a full double) */
  xShort: number[];
  yShort: number[];
  range: { x: [number, number]; y: [number, number] };
  steps: CandidateSteps;
}

const round6 = (v: number): number => (Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(6)) : v);

/** Latency-sorted steps: each strictly more accurate than all faster candidates (ties on latency: the more accurate first). */
export function stepsOf(ids: readonly number[], x: readonly number[], y: readonly number[]): CandidateSteps {
  const order = new Uint32Array(ids.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => x[a]! - x[b]! || y[b]! - y[a]! || ids[a]! - ids[b]!);
  const steps: CandidateSteps = { ids: [], latencyMs: [], accuracy: [] };
  let best = -Infinity;
  for (const i of order) {
    if (y[i]! <= best) continue;
    best = y[i]!;
    steps.ids.push(ids[i]!);
    steps.latencyMs.push(x[i]!);
    steps.accuracy.push(y[i]!);
  }
  return steps;
}

/**
 * Each device's x/y columns, read once per load and kept for the last few
 * runs: an overview and the point pages that follow it cost one pass over the
 * metrics JSON. A grown run (a live search) reads only its new rows.
 */
export class CandidateColumnsCache {
  private readonly runs = new Map<string, Map<string, DeviceColumns>>();

  constructor(private readonly store: RunStore, private readonly keep = 2) {}

  async device(runId: string, device: string, maxId: number): Promise<DeviceColumns> {
    let run = this.runs.get(runId);
    this.runs.delete(runId);
    if (!run) run = new Map();
    this.runs.set(runId, run);
    while (this.runs.size > this.keep) this.runs.delete(this.runs.keys().next().value!);
    const held = run.get(device);
    if (held && held.maxId === maxId) return held;
    const ids = held ? [...held.ids] : [];
    const x = held ? [...held.x] : [];
    const y = held ? [...held.y] : [];
    for (let after = held?.maxId ?? 0; after < maxId;) {
      const page = await this.store.candidatePoints(runId, device, AXES, { afterId: after, limit: 250_000 });
      if (page.ids.length === 0) break;
      for (let i = 0; i < page.ids.length; i++) {
        ids.push(page.ids[i]!);
        x.push(page.x[i]!);
        y.push(page.y[i]!);
      }
      after = page.ids[page.ids.length - 1]!;
    }
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let i = 0; i < ids.length; i++) {
      if (x[i]! < x0) x0 = x[i]!;
      if (x[i]! > x1) x1 = x[i]!;
      if (y[i]! < y0) y0 = y[i]!;
      if (y[i]! > y1) y1 = y[i]!;
    }
    const columns: DeviceColumns = {
      maxId: ids.length ? ids[ids.length - 1]! : 0, ids, x, y, xShort: x.map(round6), yShort: y.map(round6),
      range: ids.length ? { x: [x0, x1], y: [y0, y1] } : { x: [0, 0], y: [0, 0] }, steps: stepsOf(ids, x, y),
    };
    run.set(device, columns);
    return columns;
  }

  forget(runId: string): void {
    this.runs.delete(runId);
  }
}

/** Per device: counts from the store's index, the flagged front, ranges and steps from the columns (read once per load), the front's whole candidates. */
export async function candidateOverview(store: RunStore, cache: CandidateColumnsCache, runId: string): Promise<CandidateOverview> {
  const counts = await store.candidateCounts(checkRunId(runId));
  const flagged = await store.candidateFrontIds(runId);
  const devices = [];
  for (const d of counts) {
    const columns = await cache.device(runId, d.device, d.maxId);
    const frontIds = flagged.get(d.device) ?? columns.steps.ids;
    const front: CandidateDto[] = [];
    for (const id of frontIds) {
      const c = await store.getCandidate(runId, id);
      if (c) front.push(toCandidateDto(c));
    }
    front.sort((a, b) => a.latencyMs - b.latencyMs || b.accuracy - a.accuracy);
    devices.push({
      device: d.device as DeviceName, count: d.count, lastId: d.maxId,
      latencyMs: columns.range.x, accuracy: columns.range.y, front, steps: columns.steps,
    });
  }
  return { total: devices.reduce((n, d) => n + d.count, 0), devices };
}

export async function candidatePoints(
  store: RunStore, cache: CandidateColumnsCache, runId: string, device: DeviceName, afterId?: number, limit?: number,
): Promise<CandidatePoints> {
  if (typeof device !== 'string' || (device as string) === '') throw new JobConfigError('device', `must be a device name, got ${JSON.stringify(device)}`);
  const max = checkPage('limit', limit, POINTS_PAGE, POINTS_PAGE);
  const after = checkPage('afterId', afterId, Number.MAX_SAFE_INTEGER, 0);
  const [count] = await store.candidateCounts(checkRunId(runId), device);
  const columns = await cache.device(runId, device, count?.maxId ?? 0);
  // First index above `after` (ids ascend).
  let lo = 0;
  let hi = columns.ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (columns.ids[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  const end = Math.min(columns.ids.length, lo + max);
  const points: CandidatePoints = {
    device, ids: columns.ids.slice(lo, end), latencyMs: columns.xShort.slice(lo, end), accuracy: columns.yShort.slice(lo, end),
  };
  if (end < columns.ids.length) points.next = columns.ids[end - 1];
  return points;
}

export async function candidatePage(store: RunStore, runId: string, afterId?: number, limit?: number): Promise<CandidateDto[]> {
  const rows = await store.listCandidates(checkRunId(runId), {
    afterId: checkPage('afterId', afterId, Number.MAX_SAFE_INTEGER, 0), limit: checkPage('limit', limit, CANDIDATE_PAGE, CANDIDATE_PAGE),
  });
  return rows.map(toCandidateDto);
}

export async function candidateById(store: RunStore, runId: string, candidateId: number): Promise<CandidateDto> {
  const id = checkPage('candidateId', candidateId, Number.MAX_SAFE_INTEGER, -1);
  const c = id >= 0 ? await store.getCandidate(checkRunId(runId), id) : undefined;
  if (!c) throw new JobConfigError('candidate', `${candidateId} is not a candidate of run ${runId} (see 'oqat runs show ${runId}')`);
  return toCandidateDto(c);
}
