export type * from './studio-service';
export { createStudioService } from './create-studio-service';
export type { Studio, StudioServiceOptions } from './create-studio-service';
export { CONFIG_FIELDS, validateRunConfig, toTrainConfig, toTrainJobInput, toSearchJobInput } from './run-config';
export { DEFAULT_RUN_CONFIG } from './run-defaults';
export type { RunConfig } from './run-defaults';
export { TRAIN_JOB, SEARCH_JOB } from './job-modules';
export type { TrainJobInput, TrainJobResult } from './train-job';
export type { SearchJobInput, SearchJobResult, DeviceFront } from './search-job';
// The search job as a function, for tools/bench (queue-search.ts runs it with and without queue workers).
export { searchJob } from './search-job';
export { DEFAULT_VALIDATION } from './validation-split';
export type { ValidationSpec } from './validation-split';
export { BitsNotTrainedError, JobConfigError, RunNotCancellableError } from './errors';
// Queue workers (issue 19): `oqat worker` and the queue errors a user meets.
export { runQueueWorker, type QueueWorkerOptions } from './queue/queue-worker';
export { profileOnWorkers, type RemoteProfileOptions } from './queue/remote-profile';
export type { TaskWorker } from './queue/task-queue';
export { QueueTaskFailedError, QueueUnreachableError, QueueUrlError, WorkerTaskError } from './errors';
export type { ExportJobInput } from './export-job';
export { EXPORT_REPORT_FILE } from './export-job';
export { EXPORT_JOB } from './job-modules';
export { evaluateCheckpoint, NAMED_SUBNETS } from './evaluate-checkpoint';
export { profileRandomSubnets } from './device-latency';
export type { ProfileSubnetsOptions } from './device-latency';
export { registerDeviceFromSamples, cachedMeasuredPredictors, deviceRegistry } from './register-device';
export type { RegisterDeviceOptions, RegisterDeviceResult } from './register-device';
export type { EvaluateCheckpointInput, CheckpointEvaluation, NamedSubnet } from './evaluate-checkpoint';
export { TUNE_JOB } from './job-modules';
export type { TuneGoal, TuneJobInput, TuneJobResult, TunedLayer, TuneCost, TuneMethod, TuneModel } from './tune-job';
export type { TuneRequest } from './tune-request';
export { QUANTIZE_JOB } from './job-modules';
export type { QuantizeJobInput, QuantizeJobResult, QuantizeRow, QuantizeSettings } from './quantize-job';
export type { QuantizeRequest } from './quantize-request';
// How a search and a tune run score subnets (held-out validation) and report them (test split): for tools/bench.
export { searchValidation } from './search-validation';
export type { SearchValidation, SearchValidationOptions } from './search-validation';
export { loadCheckpointEvalData } from './eval-data';
