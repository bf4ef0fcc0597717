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
  return {
    current: p.current,
    total: p.total,
    status: typeof p.status === 'string' ? p.status : undefined,
    phase: typeof p.phase === 'string' ? p.phase : undefined,
  };
}

export function metricOf(event: RunEventDto): MetricPoint | undefined {
  const p = event.payload;
  if (event.kind !== 'metric' || !isRecord(p)) return undefined;
  if (typeof p.name !== 'string' || typeof p.value !== 'number' || typeof p.step !== 'number') return undefined;
  return {
    phase: typeof p.phase === 'string' ? p.phase : '',
    step: p.step,
    name: p.name,
    value: p.value,
    at: typeof p.at === 'number' ? p.at : event.at,
  };
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
      return undefined;
  }
}

export function isTerminalStatus(status: RunStatus): boolean {
  return status === 'finished' || status === 'failed' || status === 'cancelled' || status === 'interrupted';
}

/** Metric names that hold a run's accuracy (top-1 for classification, mIoU for segmentation). */
export const ACCURACY_METRICS: readonly string[] = ['top1', 'accuracy', 'miou', 'mIoU'];
