import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRng, OqatError } from '@oqat/core';
import type {
  CandidateDto, CandidateLayout, CandidateOverview, CandidatePoints, LayoutBlock, LayoutStage, ConfigField, DeviceName, ConfigValidation, ExportReport, ExportRequest, MetricPoint, NewRunConfig, RunDetail,
  CompressRunRequest, FinetuneRunRequest, QuantizeRunRequest, RunEventDto, RunStatus, StudioService,
} from '@oqat/jobs';
import { type Simulation, type SimulationSink, searchSimulation, trainingSimulation } from './simulations';
import { TEST_CONFIG_FIELDS, validateTestConfig } from './test-config-fields';

export interface TestStudioServiceOptions {
  /** advance started runs on a timer, for UI development (default: runs stay queued) */
  simulate?: { tickMs: number; stepsPerPhase: number };
  now?: () => number;
  /** where relative export folders go (default: oqat-test-double in the system's temp folder) */
  workDir?: string;
}

interface StoredRun {
  detail: RunDetail;
  metrics: MetricPoint[];
  events: RunEventDto[];
  candidates: CandidateDto[];
  simulation?: Simulation;
  done: number;
  timer?: ReturnType<typeof setInterval>;
}

/** The error the double throws for an unknown run id (named like the store's). */
export class RunNotFoundError extends OqatError {
  readonly status = 404;
  constructor(runId: string) {
    super(`run '${runId}' not found; 'oqat runs list' shows the runs`);
  }
}

/** The double's refusal to export over files (named like the real service's). */
export class ExportFolderNotEmptyError extends OqatError {
  readonly status = 409;
  constructor(outDir: string, entries: number) {
    super(`export: ${outDir} already holds ${entries} file(s); choose an empty or new folder, or ask to overwrite`);
  }
}

/**
 * An in-memory StudioService for tests and UI development: records calls,
 * lets a test push events (`emit`) or make a method fail (`failNext`), and can
 * simulate runs on a timer. Not a product implementation.
 */
export class TestStudioService implements StudioService {
  readonly calls: Array<{ method: string; args: unknown[] }> = [];
  private readonly runs = new Map<string, StoredRun>();
  private readonly listeners = new Set<(event: RunEventDto) => void>();
  private readonly failures = new Map<string, Error>();
  private readonly now: () => number;
  private nextRun = 1;

  constructor(private readonly options: TestStudioServiceOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Makes the next call of `method` reject with `error`. */
  failNext(method: keyof StudioService, error: Error): void {
    this.failures.set(method, error);
  }

  /** Delivers an event to every onRunEvent listener, as the real service would. */
  emit(event: RunEventDto): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Stops every simulation timer. */
  dispose(): void {
    for (const run of this.runs.values()) clearInterval(run.timer);
  }

  private record(method: string, args: unknown[]): void {
    this.calls.push({ method, args });
    const failure = this.failures.get(method);
    if (failure) {
      this.failures.delete(method);
      throw failure;
    }
  }

  private run(runId: string): StoredRun {
    const run = this.runs.get(runId);
    if (!run) throw new RunNotFoundError(runId);
    return run;
  }

  private push(run: StoredRun, kind: RunEventDto['kind'], payload: unknown): void {
    const event: RunEventDto = { runId: run.detail.id, seq: run.events.length + 1, at: this.now(), kind, payload };
    run.events.push(event);
    this.emit(event);
  }

  private setStatus(run: StoredRun, status: RunStatus): void {
    run.detail.status = status;
    if (status === 'running' && !run.detail.startedAt) run.detail.startedAt = this.now();
    if (status === 'finished' || status === 'failed' || status === 'cancelled') run.detail.finishedAt = this.now();
  }

  private sink(run: StoredRun): SimulationSink {
    return {
      progress: (current, total, status, phase) => this.push(run, 'progress', { current, total, status, phase }),
      metric: (phase, step, name, value) => {
        const point = { phase, step, name, value, at: this.now() };
        run.metrics.push(point);
        if (name === 'top1') run.detail.bestAccuracy = Math.max(run.detail.bestAccuracy ?? 0, value);
        this.push(run, 'metric', point);
      },
      log: (message) => this.push(run, 'log', { level: 'info', message }),
      checkpoint: (phase, step) =>
        run.detail.checkpoints.push({ path: `checkpoints/${run.detail.id}/${phase}-${step}.json`, phase, step, at: this.now() }),
      candidates: (list) => {
        run.candidates = list;
        const best = Math.max(...list.map((c) => c.accuracy));
        run.detail.bestAccuracy = best;
      },
    };
  }

  private tick(run: StoredRun): void {
    const sim = run.simulation!;
    sim.step(run.done, this.sink(run));
    run.done += 1;
    if (run.done >= sim.total) {
      clearInterval(run.timer);
      this.setStatus(run, 'finished');
      this.push(run, 'finished', {});
    }
  }

  private begin(run: StoredRun): void {
    const sim = this.options.simulate;
    if (!sim || !run.simulation) return;
    run.timer = setInterval(() => {
      if (run.detail.status === 'queued') {
        this.setStatus(run, 'running');
        this.push(run, 'started', {});
        return;
      }
      this.tick(run);
    }, sim.tickMs);
  }

  async listRuns() {
    this.record('listRuns', []);
    return [...this.runs.values()].map(({ detail: { config: _c, checkpoints: _k, artifacts: _a, ...summary } }) => summary);
  }
  async getRun(runId: string) {
    this.record('getRun', [runId]);
    return structuredClone(this.run(runId).detail);
  }
  async metrics(runId: string) {
    this.record('metrics', [runId]);
    return [...this.run(runId).metrics];
  }
  async events(runId: string, afterSeq = 0) {
    this.record('events', [runId, afterSeq]);
    return this.run(runId).events.filter((e) => e.seq > afterSeq);
  }
  async candidates(runId: string) {
    this.record('candidates', [runId]);
    return [...this.run(runId).candidates];
  }
  async candidateOverview(runId: string): Promise<CandidateOverview> {
    this.record('candidateOverview', [runId]);
    const list = this.run(runId).candidates;
    const devices = [...new Set(list.map((c) => c.device))].map((device) => {
      const all = list.filter((c) => c.device === device);
      const sorted = [...all].sort((a, b) => a.latencyMs - b.latencyMs || b.accuracy - a.accuracy || a.id - b.id);
      let best = -Infinity;
      const steps = sorted.filter((c) => (c.accuracy > best ? ((best = c.accuracy), true) : false));
      const flagged = sorted.filter((c) => c.onFront);
      const lat = all.map((c) => c.latencyMs);
      const acc = all.map((c) => c.accuracy);
      return {
        device, count: all.length, lastId: all.reduce((m, c) => Math.max(m, c.id), 0),
        latencyMs: [lat.reduce((a, b) => Math.min(a, b)), lat.reduce((a, b) => Math.max(a, b))] as [number, number],
        accuracy: [acc.reduce((a, b) => Math.min(a, b)), acc.reduce((a, b) => Math.max(a, b))] as [number, number],
        front: structuredClone(flagged.length ? flagged : steps),
        steps: { ids: steps.map((c) => c.id), latencyMs: steps.map((c) => c.latencyMs), accuracy: steps.map((c) => c.accuracy) },
      };
    });
    return { total: list.length, devices };
  }
  async candidatePoints(runId: string, device: DeviceName, afterId = 0, limit = 200_000): Promise<CandidatePoints> {
    this.record('candidatePoints', [runId, device, afterId, limit]);
    const page = this.run(runId).candidates.filter((c) => c.device === device && c.id > afterId).sort((a, b) => a.id - b.id).slice(0, limit);
    return {
      device, ids: page.map((c) => c.id), latencyMs: page.map((c) => c.latencyMs), accuracy: page.map((c) => c.accuracy),
      ...(page.length === limit && limit > 0 ? { next: page[page.length - 1]!.id } : {}),
    };
  }
  async candidatePage(runId: string, afterId = 0, limit = 10_000) {
    this.record('candidatePage', [runId, afterId, limit]);
    return this.run(runId).candidates.filter((c) => c.id > afterId).sort((a, b) => a.id - b.id).slice(0, limit).map((c) => structuredClone(c));
  }
  async candidate(runId: string, candidateId: number) {
    this.record('candidate', [runId, candidateId]);
    const found = this.run(runId).candidates.find((c) => c.id === candidateId);
    if (!found) throw new RunNotFoundError(`${runId}#${candidateId}`);
    return structuredClone(found);
  }
  /** The double's made-up subnets (`{depth, expand, kernel}` per stage) as blocks: expand, depthwise and project convs at the candidate's bits, shares by a made-up cost. */
  async candidateLayout(runId: string, candidateId: number): Promise<CandidateLayout> {
    this.record('candidateLayout', [runId, candidateId]);
    const c = await this.candidate(runId, candidateId);
    const spec = c.spec as { resolution: number; depth: number[]; expand: number[]; kernel: number[] };
    const layer = (name: string, op: string, bits: number, cost: number) => ({ name, op, bits, elastic: bits === c.bits, ms: cost });
    const stem: LayoutBlock = { name: 'stem', kernel: 3, stride: 2, outC: 16, layers: [layer('stem', 'conv', 8, 2)] };
    const stages: LayoutStage[] = spec.depth.map((depth, i) => ({
      index: i, outC: 24 * (i + 1),
      blocks: Array.from({ length: depth }, (_, j) => ({
        name: `stages.${i}.${j}`, kernel: spec.kernel[i]!, expand: spec.expand[i]!, se: i > 0, stride: j === 0 ? 2 : 1, outC: 24 * (i + 1), residual: j > 0,
        layers: (['expand', 'dw', 'project'] as const).map((part) => layer(`stages.${i}.${j}.${part}`, part === 'dw' ? 'dwconv' : 'conv', c.bits, part === 'dw' ? spec.kernel[i]! : spec.expand[i]!)),
      })),
    }));
    const head: LayoutBlock = { name: 'head', outC: 10, layers: [layer('head.expand', 'conv', c.bits, 3), layer('head.classifier', 'fc', 8, 1)] };
    const groups = [stem, ...stages.flatMap((s) => s.blocks), head];
    const total = groups.reduce((sum, g) => sum + g.layers.reduce((a, l) => a + l.ms!, 0), 0);
    for (const g of groups) {
      for (const l of g.layers) Object.assign(l, { ms: (l.ms! / total) * c.latencyMs, share: l.ms! / total });
      g.share = g.layers.reduce((a, l) => a + l.share!, 0);
    }
    return { runId, candidateId, device: c.device, resolution: spec.resolution, bits: c.bits, mixed: false, fixedBits: 8, latencyMs: c.latencyMs, layersMs: c.latencyMs, stem, stages, head };
  }
  async configFields(): Promise<ConfigField[]> {
    this.record('configFields', []);
    return structuredClone(TEST_CONFIG_FIELDS);
  }
  async validateConfig(config: Partial<NewRunConfig>): Promise<ConfigValidation> {
    this.record('validateConfig', [config]);
    return validateTestConfig(config);
  }
  async startRun(config: NewRunConfig) {
    this.record('startRun', [config]);
    const id = `run-${String(this.nextRun++).padStart(3, '0')}`;
    const rng = createRng(config.seed + this.nextRun).next;
    const sim = this.options.simulate;
    const bits = config.kind === 'search' ? [2, 3, 4] : config.bitsChain;
    const run: StoredRun = {
      detail: {
        id, kind: config.kind, status: 'queued', task: config.task, bits, createdAt: this.now(), seed: config.seed,
        parentRunId: config.checkpointRunId, config: structuredClone(config), checkpoints: [], artifacts: [],
      },
      metrics: [], events: [], candidates: [], done: 0,
      simulation: !sim ? undefined
        : config.kind === 'search' ? searchSimulation(config, rng) : trainingSimulation(config, sim.stepsPerPhase, rng),
    };
    this.runs.set(id, run);
    this.push(run, 'queued', {});
    this.begin(run);
    return { runId: id };
  }
  /** Records the request and queues a quantize run that stays queued (the fake simulates training and search only). */
  async startQuantize(request: QuantizeRunRequest) {
    this.record('startQuantize', [request]);
    return this.queueStaticRun('quantize', [request.bits], request);
  }
  /** Records the request and queues a compress run that stays queued (the fake simulates training and search only). */
  async startCompress(request: CompressRunRequest) {
    this.record('startCompress', [request]);
    return this.queueStaticRun('compress', [], request);
  }
  /** The double serves no finetune settings (the jobs package owns them): the Finetune panel shows its method choice alone. */
  async finetuneFields(): Promise<ConfigField[]> {
    this.record('finetuneFields', []);
    return [];
  }
  /** Records the request and queues a finetune run that stays queued (the fake simulates training and search only). */
  async startFinetune(request: FinetuneRunRequest) {
    this.record('startFinetune', [request]);
    return this.queueStaticRun('finetune', [], request);
  }
  /** A run of a trained subnet (quantize, compress, finetune) that stays queued, its request kept as its config. */
  private queueStaticRun(kind: 'quantize' | 'compress' | 'finetune', bits: number[], request: QuantizeRunRequest | CompressRunRequest | FinetuneRunRequest): { runId: string } {
    const id = `run-${String(this.nextRun++).padStart(3, '0')}`;
    const run: StoredRun = {
      detail: {
        id, kind, status: 'queued', task: 'classification', bits, createdAt: this.now(), seed: request.seed,
        parentRunId: request.runId, config: structuredClone(request) as unknown as NewRunConfig,
        checkpoints: [], artifacts: [],
      },
      metrics: [], events: [], candidates: [], done: 0, simulation: undefined,
    };
    this.runs.set(id, run);
    this.push(run, 'queued', {});
    return { runId: id };
  }
  async cancelRun(runId: string) {
    this.record('cancelRun', [runId]);
    const run = this.run(runId);
    clearInterval(run.timer);
    this.setStatus(run, 'cancelled');
    this.push(run, 'cancelled', {});
  }
  async resumeRun(runId: string) {
    this.record('resumeRun', [runId]);
    const run = this.run(runId);
    run.detail.finishedAt = undefined;
    this.setStatus(run, 'queued');
    this.push(run, 'queued', { resumed: true });
    this.begin(run);
    return { runId };
  }
  async deleteRun(runId: string) {
    this.record('deleteRun', [runId]);
    clearInterval(this.run(runId).timer);
    this.runs.delete(runId);
  }
  async exportCandidate(request: ExportRequest): Promise<ExportReport> {
    this.record('exportCandidate', [request]);
    const run = this.run(request.runId);
    const candidate = run.candidates.find((c) => c.id === request.candidateId);
    if (!candidate) throw new RunNotFoundError(`${request.runId}#${request.candidateId}`);
    // As the real service: relative folders are under the work folder, and a folder holding files is kept unless overwrite.
    const outDir = resolve(this.options.workDir ?? join(tmpdir(), 'oqat-test-double'), request.outDir);
    const entries = (await readdir(outDir).catch(() => [])).length;
    if (!request.overwrite && entries > 0) throw new ExportFolderNotEmptyError(outDir, entries);
    await mkdir(outDir, { recursive: true });
    const artifacts = [];
    for (const format of request.formats) {
      const path = join(outDir, `test-double-${format}.json`);
      const text = JSON.stringify({ testDouble: true, format, candidate }, null, 2);
      await writeFile(path, text);
      artifacts.push({ path, kind: format, sizeBytes: Buffer.byteLength(text), sha256: 'test-double' });
    }
    return {
      runId: request.runId, outDir, artifacts, appAccuracy: candidate.accuracy, onnxAccuracy: candidate.accuracy,
      floatBytes: candidate.modelBytes * 8, packedBytes: candidate.modelBytes,
    };
  }
  onRunEvent(listener: (event: RunEventDto) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
