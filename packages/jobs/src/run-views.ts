import type { CandidateRecord, MetricRecord, RunEvent, RunRecord } from '@oqat/runs';
import type { CandidateDto, DeviceName, MetricPoint, NewRunConfig, RunEventDto, RunKind, RunSummary } from './studio-service';

interface StoredConfig {
  request?: NewRunConfig;
  parentRunId?: string;
  train?: { phases?: Array<{ bits: number }> };
  devices?: string[];
  /** a quantize run's bits */
  bits?: number;
}

/** A run row as the front ends show it. */
export function toRunSummary(run: RunRecord): RunSummary {
  const config = (run.config ?? {}) as StoredConfig;
  const result = (run.result ?? {}) as { bestAccuracy?: number };
  const bits = config.train?.phases?.map((p) => p.bits).filter((b) => b < 32) ?? config.request?.bitsChain ?? (typeof config.bits === 'number' ? [config.bits] : []);
  return {
    id: run.id,
    kind: run.kind as RunKind,
    status: run.status,
    task: config.request?.task ?? 'classification',
    bits,
    bestAccuracy: result.bestAccuracy,
    parentRunId: config.parentRunId,
    createdAt: run.createdAt,
    startedAt: run.startedAt ?? undefined,
    finishedAt: run.endedAt ?? undefined,
    error: run.error ?? undefined,
    seed: run.seed ?? 0,
  };
}

export function toMetricPoint(m: MetricRecord): MetricPoint {
  return { phase: m.phase, step: m.step, name: m.name, value: m.value, at: m.at };
}

export function toCandidateDto(c: CandidateRecord): CandidateDto {
  const m = c.metrics;
  const latencies: CandidateDto['latencies'] = {};
  for (const [key, value] of Object.entries(m)) if (key.startsWith('latency:')) latencies[key.slice(8) as DeviceName] = value;
  return {
    id: c.id,
    device: c.device as DeviceName,
    spec: c.spec,
    accuracy: m.accuracy ?? 0,
    latencyMs: m.latencyMs ?? 0,
    latencies,
    macs: m.macs ?? 0,
    bitops: m.bitOps ?? 0,
    modelBytes: m.modelBytes ?? 0,
    bits: m.bits ?? (c.spec as { bits?: number }).bits ?? 32,
    onFront: c.onFront,
    generation: m.generation,
  };
}

export function toRunEventDto(e: RunEvent): RunEventDto {
  const { runId, seq, at, kind, ...payload } = e;
  return { runId, seq, at, kind, payload } as RunEventDto;
}
