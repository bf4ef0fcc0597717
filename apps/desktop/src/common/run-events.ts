import type { MetricPoint, RunEventDto, RunStatus } from '@oqat/jobs';

/** Payload of a `progress` event. */
export interface ProgressPayload {
  current: number;
  total: number;
  status?: string;
  phase?: string;
}

export interface LogPayload {
  level: string;
  message: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function progressOf(event: RunEventDto): ProgressPayload | undefined {
  const p = event.payload;
  if (event.kind !== 'progress' || !isRecord(p) || typeof p.current !== 'number' || typeof p.total !== 'number') {
    return undefined;
  }
  // The phase is on the payload or on the job's own progress detail (packages/runs: `detail`).
  const detail = isRecord(p.detail) ? p.detail : {};
  const phase = typeof p.phase === 'string' ? p.phase : typeof detail.phase === 'string' ? detail.phase : undefined;
  return { current: p.current, total: p.total, status: typeof p.status === 'string' ? p.status : undefined, phase };
}

function toPoint(p: unknown, at: number): MetricPoint | undefined {
  if (!isRecord(p) || typeof p.name !== 'string' || typeof p.value !== 'number' || typeof p.step !== 'number') return undefined;
  return { phase: typeof p.phase === 'string' ? p.phase : '', step: p.step, name: p.name, value: p.value, at: typeof p.at === 'number' ? p.at : at };
}

/** The points of a `metric` event: one MetricPoint as payload, or a batch as `{points: MetricPoint[]}`. */
export function metricsOf(event: RunEventDto): MetricPoint[] {
  const p = event.payload;
  if (event.kind !== 'metric' || !isRecord(p)) return [];
  const raw = Array.isArray(p.points) ? p.points : [p];
  return raw.map((x) => toPoint(x, event.at)).filter((x): x is MetricPoint => x !== undefined);
}

export function logOf(event: RunEventDto): LogPayload | undefined {
  const p = event.payload;
  if (event.kind !== 'log' || !isRecord(p) || typeof p.message !== 'string') return undefined;
  return { level: typeof p.level === 'string' ? p.level : 'info', message: p.message };
}

export function errorOf(event: RunEventDto): string | undefined {
  const p = event.payload;
  if (event.kind !== 'failed') return undefined;
  if (isRecord(p) && typeof p.error === 'string') return p.error;
  return typeof p === 'string' ? p : 'run failed';
}

/** The status a run has after this event, when the event changes it. */
export function statusAfter(event: RunEventDto): RunStatus | undefined {
  switch (event.kind) {
    case 'queued':
      return 'queued';
    case 'started':
    case 'progress':
    case 'metric':
      return 'running';
    case 'finished':
      return 'finished';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
    default:
      // packages/runs also ends an attempt with 'interrupted' (a crashed worker), outside the DTO's kind list.
      if ((event.kind as string) === 'interrupted') return 'interrupted';
      return undefined;
  }
}

export function isTerminalStatus(status: RunStatus): boolean {
  return status === 'finished' || status === 'failed' || status === 'cancelled' || status === 'interrupted';
}

/** Metric names that hold accuracy: `top1`, `top1/largest`, `miou/smallest`, `accuracy`, ... */
export function isAccuracyMetric(name: string): boolean {
  return /^(top1|accuracy|miou)(\/|$)/i.test(name);
}

/** The accuracy metric to plot when only one fits: the largest subnet's, else the first present. */
export function mainAccuracyMetric(names: Iterable<string>): string | undefined {
  const accuracy = [...names].filter(isAccuracyMetric).sort();
  return accuracy.find((n) => /\/largest$/.test(n)) ?? accuracy.find((n) => !n.includes('/')) ?? accuracy[0];
}
