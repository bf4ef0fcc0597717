import { dirname, join, resolve } from 'node:path';
import { openRunStore, resumeRun, startRun, type RunHandle, type RunStore, type RunStoreOptions } from '@oqat/runs';
import { describeSupernetCheckpoint } from '@oqat/search';
import { JobConfigError, RunNotCancellableError } from './errors';
import { EXPORT_JOB, SEARCH_JOB, TRAIN_JOB } from './job-modules';
import type { ExportJobInput } from './export-job';
import type { SearchJobInput } from './search-job';
import { CONFIG_FIELDS, toSearchJobInput, toTrainJobInput, validateRunConfig } from './run-config';
import type { RunConfig } from './run-defaults';
import { toCandidateDto, toMetricPoint, toRunEventDto, toRunSummary } from './run-views';
import type { ExportReport, ExportRequest, NewRunConfig, RunDetail, RunEventDto, StudioService } from './studio-service';
import type { TrainJobResult } from './train-job';

export interface StudioServiceOptions extends RunStoreOptions {
  /** where runs keep their files; default: a `runs` folder beside the database */
  workDir?: string;
}

export interface Studio extends StudioService {
  /** exports any subnet of a checkpoint (the CLI's --subnet/--checkpoint form), as an export run */
  exportSubnet(input: ExportJobInput): Promise<ExportReport>;
  /** the supernet checkpoint a training run wrote (its result, else its last checkpoint) */
  checkpointOf(runId: string): Promise<string>;
  readonly store: RunStore;
  readonly workDir: string;
  /** resolves when every run this service started (and the searches chained after them) has ended */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The service both front ends use, over one run store. Runs execute in
 * worker processes (packages/runs); this object keeps their handles so it can
 * cancel them and relay their events live.
 */
export async function createStudioService(options: StudioServiceOptions = {}): Promise<Studio> {
  const store = await openRunStore(options);
  const workDir = resolve(options.workDir ?? join(dirname(store.path), 'runs'));
  const handles = new Map<string, RunHandle>();
  const listeners = new Set<(e: RunEventDto) => void>();
  const active = new Set<Promise<unknown>>();

  const track = (handle: RunHandle) => {
    handles.set(handle.id, handle);
    handle.events$.subscribe((e) => listeners.forEach((l) => l(toRunEventDto(e))));
    const done = handle.result.catch(() => undefined).finally(() => handles.delete(handle.id));
    active.add(done);
    void done.finally(() => active.delete(done));
    return handle;
  };

  const startSearch = async (config: RunConfig, checkpoint: string, parentRunId?: string) => {
    const input = { ...toSearchJobInput(config, checkpoint, workDir), parentRunId };
    return track(await startRun(store, { kind: 'search', job: SEARCH_JOB, config: input, seed: config.seed }));
  };

  const checkpointOf = async (runId: string): Promise<string> => {
    const run = await store.getRun(runId);
    const path = (run.result as TrainJobResult | null)?.checkpoint ?? (await store.lastCheckpoint(runId))?.path;
    if (!path) throw new JobConfigError('checkpointRunId', `run ${runId} has no supernet checkpoint (is it a finished training run?)`);
    return path;
  };

  const service: Studio = {
    store,
    workDir,
    checkpointOf,
    async listRuns() {
      return (await store.listRuns({ limit: 500 })).map(toRunSummary);
    },
    async getRun(runId) {
      const run = await store.getRun(runId);
      const config = ((run.config as { request?: NewRunConfig })?.request ?? validateRunConfig({}).config) as NewRunConfig;
      const checkpoints = (await store.listCheckpoints(runId)).map((c) => ({ path: c.path, phase: c.phase, step: c.step, at: c.at }));
      const artifacts = (await store.listArtifacts(runId)).map((a) => ({ path: a.path, kind: a.kind, sizeBytes: a.sizeBytes, sha256: a.sha256 }));
      return { ...toRunSummary(run), config, checkpoints, artifacts } satisfies RunDetail;
    },
    async metrics(runId) {
      return (await store.readMetrics(runId)).map(toMetricPoint);
    },
    async events(runId, afterSeq) {
      return (await store.readEvents(runId, afterSeq)).map(toRunEventDto);
    },
    async candidates(runId) {
      return (await store.listCandidates(runId)).map(toCandidateDto);
    },
    async configFields() {
      return CONFIG_FIELDS;
    },
    async validateConfig(config) {
      return validateRunConfig(config).validation;
    },
    async startRun(partial) {
      const { config, validation } = validateRunConfig(partial);
      if (!validation.ok) {
        const [field, message] = Object.entries(validation.errors)[0]!;
        throw new JobConfigError(field, message);
      }
      if (config.kind === 'search') {
        const checkpoint = config.checkpointPath ? resolve(config.checkpointPath) : await checkpointOf(config.checkpointRunId!);
        // The run is labelled with the supernet's own task and widths, not the form's defaults (and an unreadable file creates no run).
        const { task, trainedBits } = describeSupernetCheckpoint(checkpoint);
        const searched = { ...config, task, bitsChain: trainedBits.filter((b) => b < 32).reverse() };
        const handle = await startSearch(searched, checkpoint, config.checkpointRunId);
        return { runId: handle.id };
      }
      const handle = track(await startRun(store, { kind: 'train', job: TRAIN_JOB, config: toTrainJobInput(config, workDir), seed: config.seed }));
      if (config.devices.length > 0) {
        // Training, then search of the chosen devices, as the New run form promises.
        const chained = handle.result.then(
          async (r) => startSearch(config, (r as TrainJobResult).checkpoint!, handle.id).then((h) => h.result),
          () => undefined,
        );
        active.add(chained);
        void chained.catch(() => undefined).finally(() => active.delete(chained));
      }
      return { runId: handle.id };
    },
    async cancelRun(runId) {
      const handle = handles.get(runId);
      if (!handle) throw new RunNotCancellableError(runId);
      await handle.stop();
    },
    async resumeRun(runId) {
      const handle = track(await resumeRun(store, runId));
      return { runId: handle.id };
    },
    async deleteRun(runId) {
      await store.deleteRun(runId);
    },
    async exportCandidate(request: ExportRequest) {
      const source = await store.getRun(request.runId);
      const candidate = (await store.listCandidates(request.runId)).find((c) => c.id === request.candidateId);
      if (source.kind !== 'search' || !candidate) {
        throw new JobConfigError('candidate', `${request.candidateId} is not a candidate of search run ${request.runId} (see 'oqat runs show ${request.runId}')`);
      }
      const searchInput = source.config as SearchJobInput;
      return service.exportSubnet({
        checkpoint: searchInput.checkpoint,
        spec: candidate.spec,
        formats: request.formats,
        outDir: resolve(request.outDir),
        backend: searchInput.backend,
        testImages: 0,
        bnImages: searchInput.bnImages,
        seed: searchInput.seed,
        sourceRunId: request.runId,
        candidateId: request.candidateId,
      });
    },
    async exportSubnet(input: ExportJobInput) {
      if (!input.formats.length) throw new JobConfigError('formats', 'choose at least one of tfjs, onnx, packed');
      const handle = track(await startRun(store, { kind: 'export', job: EXPORT_JOB, config: input, seed: input.seed }));
      return (await handle.result) as ExportReport;
    },
    onRunEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async idle() {
      while (active.size) await Promise.all([...active]);
    },
    async close() {
      await store.close();
    },
  };
  return service;
}
