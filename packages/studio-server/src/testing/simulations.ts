import type { CandidateDto, DeviceName, NewRunConfig } from '@oqat/jobs';

/** What a simulation step may report; the test double turns these into RunEventDtos and stored rows. */
export interface SimulationSink {
  progress(current: number, total: number, status: string, phase: string): void;
  metric(phase: string, step: number, name: string, value: number): void;
  log(message: string): void;
  checkpoint(phase: string, step: number): void;
  candidates(list: CandidateDto[]): void;
}

/** A scripted run for UI development: `total` steps, each reporting through the sink. */
export interface Simulation {
  readonly total: number;
  step(index: number, sink: SimulationSink): void;
}

export function trainingPhases(config: NewRunConfig): string[] {
  return [...(config.epochs.float > 0 ? ['float'] : []), ...config.bitsChain.map((b) => `${b}bit`)];
}

/** Decaying loss, rising top-1, cosine lr per phase; a checkpoint at each phase end. */
export function trainingSimulation(config: NewRunConfig, stepsPerPhase: number, rng: () => number): Simulation {
  const phases = trainingPhases(config);
  const total = phases.length * stepsPerPhase;
  return {
    total,
    step(index, sink) {
      const p = Math.floor(index / stepsPerPhase);
      const phase = phases[p]!;
      const local = index % stepsPerPhase;
      const t = local / stepsPerPhase;
      const floor = 0.35 + 0.08 * p;
      sink.progress(index + 1, total, `${phase} step ${local + 1}/${stepsPerPhase}`, phase);
      sink.metric(phase, index + 1, 'loss', floor + (1.6 - floor) * Math.exp(-4 * t) * (p === 0 ? 1 : 0.4) + 0.05 * rng());
      sink.metric(phase, index + 1, 'lr', 0.05 * 0.5 * (1 + Math.cos(Math.PI * t)));
      sink.metric(phase, index + 1, 'samplesPerSec', 700 + 150 * rng());
      if ((local + 1) % 4 === 0 || local === stepsPerPhase - 1) {
        sink.metric(phase, index + 1, 'top1', (0.86 - 0.04 * p) * (1 - 0.5 * Math.exp(-5 * t)) + 0.01 * rng());
      }
      if (local === stepsPerPhase - 1) {
        sink.checkpoint(phase, index + 1);
        sink.log(`${phase}: phase done, checkpoint written`);
      }
    },
  };
}

const LATENCY_PER_MMAC: Readonly<Record<DeviceName, number>> = { cpu: 0.9, 'cpu-ort': 0.6, xavier: 0.12, fpga: 0.05 };

function frontFlags(list: CandidateDto[]): boolean[] {
  return list.map((c) =>
    !list.some((o) => o !== c && o.latencyMs <= c.latencyMs && o.accuracy >= c.accuracy &&
      (o.latencyMs < c.latencyMs || o.accuracy > c.accuracy)));
}

/** Hypervolume of a front against (refLatencyMs, accuracy 0). */
export function hypervolume(front: CandidateDto[], refLatencyMs: number): number {
  const sorted = [...front].sort((a, b) => a.latencyMs - b.latencyMs);
  let area = 0;
  let prevAcc = 0;
  for (const c of sorted) {
    if (c.latencyMs >= refLatencyMs || c.accuracy <= prevAcc) continue;
    area += (refLatencyMs - c.latencyMs) * (c.accuracy - prevAcc);
    prevAcc = c.accuracy;
  }
  return area;
}

/** Each step evaluates one generation on one device; candidates trade accuracy for latency. */
export function searchSimulation(config: NewRunConfig, rng: () => number): Simulation {
  const devices = config.devices.length > 0 ? config.devices : (['cpu'] as DeviceName[]);
  const generations = config.generations ?? 5;
  const population = config.population ?? 16;
  const archive = new Map<DeviceName, CandidateDto[]>(devices.map((d) => [d, []]));
  let nextId = 1;
  return {
    total: generations * devices.length,
    step(index, sink) {
      const device = devices[index % devices.length]!;
      const generation = Math.floor(index / devices.length);
      const list = archive.get(device)!;
      for (let i = 0; i < population; i += 1) {
        const depth = [2, 3, 4].map(() => 2 + Math.floor(rng() * 3));
        const expand = depth.map(() => [3, 4, 6][Math.floor(rng() * 3)]!);
        const kernel = depth.map(() => [3, 5, 7][Math.floor(rng() * 3)]!);
        const bits = [2, 3, 4][Math.floor(rng() * 3)]!;
        const macs = Math.round(1e6 * (0.4 + depth.reduce((s, d, j) => s + d * expand[j]! * kernel[j]! * 0.02, 0)));
        const latencies = Object.fromEntries(
          devices.map((d) => [d, (macs / 1e6) * LATENCY_PER_MMAC[d] * (d === 'fpga' ? bits / 4 : 1) * (0.9 + 0.2 * rng())]),
        ) as Partial<Record<DeviceName, number>>;
        const quality = 1 - Math.exp(-macs / 2.5e6);
        list.push({
          id: nextId++, device, spec: { resolution: 28, depth, expand, kernel }, bits,
          accuracy: Math.min(0.95, 0.55 + 0.33 * quality + 0.015 * bits + 0.02 * generation / generations + 0.03 * rng()),
          latencyMs: latencies[device]!, latencies, macs, bitops: Math.round((macs * bits * bits) / 64),
          modelBytes: Math.round((macs / 40) * (bits / 8)), onFront: false, generation,
        });
      }
      frontFlags(list).forEach((on, i) => { list[i]!.onFront = on; });
      const ref = Math.max(...list.map((c) => c.latencyMs)) * 1.1;
      sink.progress(index + 1, this.total, `generation ${generation + 1}/${generations} on ${device}`, device);
      sink.metric(device, generation + 1, 'hypervolume', hypervolume(list.filter((c) => c.onFront), ref));
      sink.candidates([...archive.values()].flat());
    },
  };
}
