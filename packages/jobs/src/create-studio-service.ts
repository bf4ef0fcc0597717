import { dirname, join, resolve } from 'node:path';
import { openRunStore, resumeRun, startRun, type RunHandle, type RunStore, type RunStoreOptions } from '@oqat/runs';
import { describeSupernetCheckpoint } from '@oqat/search';
import { CandidateLayouts } from './candidate-layout';
import { CandidateColumnsCache, candidateById, candidateOverview, candidatePage, candidatePoints } from './candidate-views';
import { CallerFiles } from './caller-files';
import { runDataFolder } from './data-folder';
import { JobConfigError, RunNotCancellableError } from './errors';
import { checkExportRequest } from './export-request';
import { COMPRESS_JOB, EXPORT_JOB, FINETUNE_JOB, QUANTIZE_JOB, SEARCH_JOB, TRAIN_JOB, TUNE_JOB } from './job-modules';
import type { ExportJobInput } from './export-job';
import type { SearchJobInput } from './search-job';
import { configFieldsFor, toSearchJobInput, toTrainJobInput, validateRunConfig } from './run-config';
import { deviceRegistry } from './register-device';
import type { RunConfig } from './run-defaults';
import { toCandidateDto, toMetricPoint, toRunEventDto, toRunSummary } from './run-views';
import type { ExportReport, ExportRequest, NewRunConfig, RunDetail, RunEventDto, StudioService } from './studio-service';
import type { TrainJobResult } from './train-job';
import { toTuneJobInput, type TuneRequest } from './tune-request';
import type { QuantizeJobInput, QuantizeJobResult } from './quantize-job';
import { toQuantizeJobInput, type QuantizeRequest } from './quantize-request';
import { checkCompressRequest, toCompressJobInput, type CompressRequest } from './compress-request';
import { FINETUNE_FIELDS } from './finetune-fields';
import { toFinetuneJobInput, type FinetuneRequest } from './finetune-request';

export interface StudioServiceOptions extends RunStoreOptions {
  /** where runs keep their files; default: a `runs` folder beside the database */
  workDir?: string;
  /**
   * The command line's own user: file paths (a search's checkpointPath, an
   * export's outDir) may be anywhere. Default false: every path a caller
   * names must be under the work folder (exports under its `exports/`) or a
   * folder passed to `allowFolder`; see caller-files.ts.
   */
  trustCallerPaths?: boolean;
  /** largest checkpoint file a caller may name (default 1 GiB) */
  maxCheckpointBytes?: number;
}

export interface Studio extends StudioService {
  /** exports any subnet of a checkpoint (the CLI's --subnet/--checkpoint form), as an export run; never into a folder holding files unless `overwrite` */
  exportSubnet(input: ExportJobInput, options?: { overwrite?: boolean }): Promise<ExportReport>;
  /** starts precision tuning of a search candidate or a training run's subnet (oqat tune); resolves once the run is queued */
  startTune(request: TuneRequest): Promise<{ runId: string }>;
  /** a folder the user chose in the desktop's own dialog: callers may read and export there from now on */
  allowFolder(dir: string): void;
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
  const files = new CallerFiles(workDir, options.trustCallerPaths !== true, options.maxCheckpointBytes);
  const handles = new Map<string, RunHandle>();
  const listeners = new Set<(e: RunEventDto) => void>();
  const active = new Set<Promise<unknown>>();
  const columns = new CandidateColumnsCache(store);
  const layouts = new CandidateLayouts(store);
  // built-in devices and the ones registered in this work folder (read on each call: a worker may register one meanwhile)
  const knownDevices = () => deviceRegistry(workDir).known();

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
    allowFolder: (dir) => files.allowFolder(dir),
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
    candidateOverview: (runId) => candidateOverview(store, columns, runId),
    candidatePoints: (runId, device, afterId, limit) => candidatePoints(store, columns, runId, device, afterId, limit),
    candidatePage: (runId, afterId, limit) => candidatePage(store, runId, afterId, limit),
    candidate: (runId, candidateId) => candidateById(store, runId, candidateId),
    candidateLayout: (runId, candidateId) => layouts.layout(runId, candidateId),
    async configFields() {
      return configFieldsFor(knownDevices());
    },
    async validateConfig(config) {
      return validateRunConfig(config, knownDevices()).validation;
    },
    async startRun(partial) {
      const { config, validation } = validateRunConfig(partial, knownDevices());
      if (!validation.ok) {
        const [field, message] = Object.entries(validation.errors)[0]!;
        throw new JobConfigError(field, message);
      }
      if (config.kind === 'search') {
        // A caller's file by the rules of caller-files.ts (where, what kind, how large); a run's own checkpoint is the store's.
        const { path: checkpoint, bytes } = config.checkpointPath
          ? await files.readCheckpoint('checkpointPath', config.checkpointPath)
          : await files.readCheckpoint('checkpointRunId', await checkpointOf(config.checkpointRunId!), { trusted: true });
        // The run is labelled with the supernet's own task and widths, not the form's defaults (and an unreadable file creates no run).
        const { task, trainedBits } = describeSupernetCheckpoint(checkpoint, bytes);
        const searched = { ...config, task, bitsChain: trainedBits.filter((b) => b < 32).reverse() };
        const handle = await startSearch(searched, checkpoint, config.checkpointRunId);
        return { runId: handle.id };
      }
      // A data folder is read, checked and fitted a space before the run exists (a bad file creates no run).
      const folder = config.dataPath ? await runDataFolder(config, files, workDir) : undefined;
      const trained = folder ? { ...config, task: folder.task } : config;
      const handle = track(await startRun(store, { kind: 'train', job: TRAIN_JOB, config: toTrainJobInput(trained, workDir, undefined, folder), seed: config.seed }));
      if (config.devices.length > 0) {
        // Training, then search of the chosen devices, as the New run form promises.
        const chained = handle.result.then(
          async (r) => startSearch(trained, (r as TrainJobResult).checkpoint!, handle.id).then((h) => h.result),
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
      columns.forget(runId);
    },
    async exportCandidate(request: ExportRequest) {
      checkExportRequest(request);
      const source = await store.getRun(request.runId);
      const candidate = typeof request.candidateId === 'number' ? await store.getCandidate(request.runId, request.candidateId) : undefined;
      // A search's candidates, or a tune run's answer: both inputs name the checkpoint, backend, BN images and seed.
      if ((source.kind !== 'search' && source.kind !== 'tune' && source.kind !== 'quantize') || !candidate) {
        throw new JobConfigError('candidate', `${request.candidateId} is not a candidate of search, tune or quantize run ${request.runId} (see 'oqat runs show ${request.runId}')`);
      }
      // A quantize run's answer is its calibrated network over the float subnet's weights (the same BN images and seed).
      const quantized = source.kind === 'quantize' ? (source.result as QuantizeJobResult | null)?.chosen.config : undefined;
      if (source.kind === 'quantize' && !quantized) throw new JobConfigError('runId', `${request.runId} is a quantize run that has not finished; export it once it has`);
      const searchInput = source.config as Pick<SearchJobInput | QuantizeJobInput, 'checkpoint' | 'backend' | 'bnImages' | 'seed'>;
      return service.exportSubnet({
        checkpoint: searchInput.checkpoint,
        spec: candidate.spec,
        formats: request.formats,
        outDir: await files.prepareExportDir('outDir', request.outDir, request.overwrite === true),
        backend: searchInput.backend,
        testImages: 0,
        bnImages: searchInput.bnImages,
        seed: searchInput.seed,
        sourceRunId: request.runId,
        candidateId: request.candidateId,
        ...(quantized ? { quantized } : {}),
        ...(request.onnxMode ? { onnxMode: request.onnxMode } : {}),
      }, { overwrite: true });
    },
    async exportSubnet(input: ExportJobInput, exportOptions: { overwrite?: boolean } = {}) {
      if (!input.formats.length) throw new JobConfigError('formats', 'choose at least one of tfjs, onnx, packed');
      // The command line's own path (exportCandidate checked a caller's already): only the no-overwrite rule.
      const outDir = await files.prepareExportDir('outDir', input.outDir, exportOptions.overwrite === true, { trusted: true });
      const handle = track(await startRun(store, { kind: 'export', job: EXPORT_JOB, config: { ...input, outDir }, seed: input.seed }));
      return (await handle.result) as ExportReport;
    },
    async startTune(request) {
      const input = await toTuneJobInput(store, request, checkpointOf, workDir);
      const handle = track(await startRun(store, { kind: 'tune', job: TUNE_JOB, config: input, seed: input.seed }));
      return { runId: handle.id };
    },
    async startQuantize(request: QuantizeRequest) {
      // A checkpoint file by the rules of caller-files.ts (the command line's own user may name any); a run's is the store's.
      const checked = typeof request?.checkpoint === 'string' ? { ...request, checkpoint: (await files.readCheckpoint('checkpoint', request.checkpoint)).path } : request;
      const input = await toQuantizeJobInput(store, checked, checkpointOf);
      const handle = track(await startRun(store, { kind: 'quantize', job: QUANTIZE_JOB, config: input, seed: input.seed }));
      return { runId: handle.id };
    },
    async startCompress(request: CompressRequest) {
      // A checkpoint file by the rules of caller-files.ts (the command line's own user may name any); a run's is the store's.
      const checked = typeof request?.checkpoint === 'string' ? { ...request, checkpoint: (await files.readCheckpoint('checkpoint', request.checkpoint)).path } : request;
      checkCompressRequest(checked);
      const outDir = typeof checked.outDir === 'string' ? await files.prepareExportDir('outDir', checked.outDir, checked.overwrite === true) : undefined;
      const input = await toCompressJobInput(store, checked, checkpointOf, outDir, workDir);
      const handle = track(await startRun(store, { kind: 'compress', job: COMPRESS_JOB, config: input, seed: input.seed }));
      return { runId: handle.id };
    },
    async finetuneFields() {
      return structuredClone([...FINETUNE_FIELDS]);
    },
    async startFinetune(request: FinetuneRequest) {
      // A checkpoint file by the rules of caller-files.ts (the command line's own user may name any); a run's is the store's.
      const file = typeof request?.checkpoint === 'string' ? await files.readCheckpoint('checkpoint', request.checkpoint) : undefined;
      const checked = file ? { ...request, checkpoint: file.path } : request;
      const input = await toFinetuneJobInput(store, checked, checkpointOf, workDir, file?.bytes);
      const handle = track(await startRun(store, { kind: 'finetune', job: FINETUNE_JOB, config: input, seed: input.seed }));
      return { runId: handle.id };
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
