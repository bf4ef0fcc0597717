/**
 * The product's service API, used by both front ends: the CLI calls it
 * in-process, Electron's main process exposes it over IPC, and `oqat serve`
 * exposes the same methods over HTTP (POST /api/<method>, JSON body = the
 * argument list) with live run events as server-sent events (GET /api/events).
 *
 * Types only: nothing here imports Node, the DOM or TensorFlow.js, so the
 * renderer can import it.
 */


export type RunKind = 'train' | 'search' | 'export' | 'demo' | 'tune' | 'quantize' | 'compress' | 'finetune';
export type RunStatus = 'queued' | 'running' | 'finished' | 'failed' | 'cancelled' | 'interrupted';
export type Task = 'classification' | 'segmentation';
export type DeviceName = 'cpu' | 'cpu-ort' | 'xavier' | 'fpga';
export type ExportFormat = 'tfjs' | 'onnx' | 'packed';
/** The ONNX file's form: @oqat/export's OnnxMode, spelled out here so the renderer imports no package (export-request.ts checks they agree). */
export type ExportOnnxMode = 'qdq' | 'qdq-int4' | 'integer';

export interface RunSummary {
  id: string;
  kind: RunKind;
  status: RunStatus;
  task: Task;
  /** bit chain of a training run, e.g. [4, 3, 2]; the candidate bits of a search */
  bits: number[];
  /** best top-1 (classification) or mIoU (segmentation) seen so far, 0..1 */
  bestAccuracy?: number;
  /** a training run this run derives from (search, export) */
  parentRunId?: string;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  error?: string;
  seed: number;
}

export interface CheckpointInfo {
  path: string;
  phase: string;
  step: number;
  at: number;
}

export interface ArtifactInfo {
  path: string;
  kind: string;
  sizeBytes: number;
  sha256: string;
}

export interface RunDetail extends RunSummary {
  config: NewRunConfig;
  checkpoints: CheckpointInfo[];
  artifacts: ArtifactInfo[];
}

/** One scalar of a run at a step: loss, lr, top1, samplesPerSec, hypervolume, ... */
export interface MetricPoint {
  phase: string;
  step: number;
  name: string;
  value: number;
  at: number;
}

export interface RunEventDto {
  runId: string;
  seq: number;
  at: number;
  kind: 'queued' | 'started' | 'progress' | 'metric' | 'log' | 'finished' | 'failed' | 'cancelled' | 'interrupted';
  /** progress: {current,total,status,detail}; metric: {points: MetricPoint[]}; log: {level,message}; failed: {error} */
  payload: unknown;
}

export interface CandidateDto {
  id: number;
  device: DeviceName;
  spec: unknown;
  /** 0..1, measured on the validation split (or predicted when `predicted`) */
  accuracy: number;
  predicted?: boolean;
  latencyMs: number;
  /** predicted latency on every device */
  latencies: Partial<Record<DeviceName, number>>;
  macs: number;
  bitops: number;
  modelBytes: number;
  bits: number;
  onFront: boolean;
  generation?: number;
}

/** One layer of a candidate's block diagram, in forward order. */
export interface LayoutLayer {
  /** the supernet's layer name ('stages.1.0.dw', 'stem', 'head.classifier'), or the op for unnamed ones ('avgpool') */
  name: string;
  /** IR op: conv, dwconv, se, add, fc, avgpool, ... */
  op: string;
  /** weight bits (32 = float; elementwise ops and pooling are float) */
  bits: number;
  /** an elastic layer, whose bits a subnet sets (bitsByLayer); else fixed precision */
  elastic: boolean;
  /** the device model's own figure for this layer, ms */
  ms?: number;
  /** ms over the sum of every layer's ms, 0..1 */
  share?: number;
}

/** A group of layers drawn as one box: the stem, one inverted-residual block or the head. */
export interface LayoutBlock {
  /** 'stem', 'first', 'stages.2.0', 'head' */
  name: string;
  kernel?: number;
  expand?: number;
  se?: boolean;
  stride?: number;
  outC?: number;
  /** the block adds its input back (residual) */
  residual?: boolean;
  layers: LayoutLayer[];
  /** sum of its layers' shares, 0..1 */
  share?: number;
}

export interface LayoutStage {
  /** stage index in the space */
  index: number;
  outC: number;
  blocks: LayoutBlock[];
}

/**
 * A candidate as a block diagram (the Search and Export screens): stem,
 * stages of blocks, head, with each layer's bits and share of the
 * candidate's device's predicted latency. Computed by the service from the
 * search's supernet space and the device's latency model.
 */
export interface CandidateLayout {
  runId: string;
  candidateId: number;
  device: DeviceName;
  resolution: number;
  /** the subnet's bits; `mixed`: some elastic layers run at others (SubnetSpec.bitsByLayer) */
  bits: number;
  mixed: boolean;
  /** bits of the layers kept at fixed precision (stem, SE, classifier) */
  fixedBits: number;
  /** the candidate's predicted latency on `device`, ms */
  latencyMs: number;
  /** sum of the layers' ms (the rest of latencyMs is the device's per-network overhead or calibration); absent with no per-layer figures */
  layersMs?: number;
  /** why there are no per-layer figures (a measured device whose fitted predictor is gone) */
  latencyUnavailable?: string;
  stem: LayoutBlock;
  /** the fixed first block (expand ratio 1), when the space has one */
  firstBlock?: LayoutBlock;
  stages: LayoutStage[];
  head: LayoutBlock;
}

/**
 * One device's candidates as parallel columns (the Search screen's scatter),
 * in id order. Values are rounded to 6 significant digits for the chart; the
 * whole candidate (`candidate`) has them exact.
 */
export interface CandidatePoints {
  device: DeviceName;
  ids: number[];
  latencyMs: number[];
  accuracy: number[];
  /** pass as `afterId` for the next page; absent on the last page */
  next?: number;
}

/** Latency-sorted steps: each one more accurate than every faster candidate. The best under a budget is the last step at or below it. */
export interface CandidateSteps {
  ids: number[];
  latencyMs: number[];
  accuracy: number[];
}

export interface CandidateDeviceOverview {
  device: DeviceName;
  count: number;
  /** the device's highest candidate id: a live search asks for the points after it */
  lastId: number;
  latencyMs: [number, number];
  accuracy: [number, number];
  /** the front to show, by latency: the candidates the search flagged, or the steps when none is flagged */
  front: CandidateDto[];
  steps: CandidateSteps;
}

/** A search's candidates at a glance: counts and front flags from the store, ranges and steps computed once per load (no candidate list is sent). */
export interface CandidateOverview {
  total: number;
  devices: CandidateDeviceOverview[];
}

export interface NewRunConfig {
  kind: 'train' | 'search' | 'demo';
  task: Task;
  dataset: 'auto' | 'subset' | 'full';
  /** a dataset folder to train on instead of Fashion-MNIST ('' = none): class folders of PNG/JPEG, images/ and masks/, or IDX files; the space is fitted to it */
  dataPath?: string;
  /** leave a data folder's bad files out (the run's log says how many) instead of failing on the first */
  skipBadFiles?: boolean;
  /** resize a class folder's images of another size to its most common size (centre crop to its aspect ratio, then bilinear) instead of refusing them */
  resizeImages?: boolean;
  space: 'fashion-mnist' | 'ofa-mbv3';
  /** e.g. [4, 3, 2]: trained first at 4 bits, then inherited down */
  bitsChain: number[];
  epochs: { float: number; first: number; inherited: number };
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  devices: DeviceName[];
  seed: number;
  /** search runs: the training run whose checkpoint is searched */
  checkpointRunId?: string;
  /** search runs: a supernet checkpoint file, instead of a run */
  checkpointPath?: string;
  /** redis://HOST:PORT: the search's subnets are measured by `oqat worker`s on that queue ('' or absent: here) */
  queue?: string;
  maxLatencyMs?: number;
  generations?: number;
  population?: number;
  /** caps the training images per epoch (quick runs); 0 = all */
  limitTrainImages?: number;
  /** test images evaluated at each phase end; 0 = all */
  evalImages?: number;
  /** images per training step (default: DEFAULT_RUN_CONFIG's, as every optional setting here) */
  batchSize?: number;
  /** random subnets per sandwich step besides the largest and smallest */
  randomSubnets?: number;
  /** subnets timed on this machine to fit the cpu/cpu-ort latency predictors (default 120) */
  latencySamples?: number;
  /** the search also mutates each layer's bits (mixed precision), not one width per subnet */
  perLayerBits?: boolean;
  /** how the elastic layers learn to quantize (@oqat/search's QUANTIZER_KINDS): 'lsq' (OQAT's LSQ), 'dropbits' (SRQ with DropBits, which learns a width per layer), or LSQ steps on the 'esb', 'abfp' or 'pow2' number format */
  quantizer?: 'lsq' | 'dropbits' | 'esb' | 'abfp' | 'pow2';
  /** a deployment preset (@oqat/search's RUN_PRESETS): the backend whose constraints the quantizers train under (per-channel, power-of-two, signed steps); 'none': no backend's */
  preset?: 'none' | 'tensorrt' | 'onnxruntime' | 'vitis' | 'openvino' | 'fpga-esb';
  /** DropBits: drop probability of a layer's finest level per forward pass (each coarser level drops this many times less often) */
  dropBitsRate?: number;
  /** DropBits: weight of the regulariser that drops the levels a layer does not need */
  dropBitsPenalty?: number;
  /** ABFP: values per block sharing a scale (the format's blocks; the analog device's tile width) */
  abfpBlockSize?: number;
  /** ABFP: the analog device's gain G before its ADC (what `oqat eval --device analog` of the run uses) */
  abfpGain?: number;
  /** ESB: at most k significant bits per value, capped per width (0: the paper's default per width, two exponent bits) */
  esbSignificantBits?: number;
  /** SQ (stochastic quantization): the share of each elastic layer's filters quantized in each equal stage of a quantized phase, rising to 1 ([]: off; [0.5, 0.75, 0.875, 1]: the paper's) */
  sqRatios?: number[];
}

/** One field of the New run form, generated from the config schema. */
export interface ConfigField {
  key: string;
  label: string;
  type: 'number' | 'integer' | 'choice' | 'multi-choice' | 'bits-chain' | 'number-list' | 'run' | 'folder' | 'boolean';
  choices?: string[];
  min?: number;
  max?: number;
  default: unknown;
  help: string;
  /** only shown for these run kinds */
  kinds?: Array<NewRunConfig['kind']>;
}

export interface ConfigValidation {
  ok: boolean;
  /** field key -> one-line message */
  errors: Record<string, string>;
}

export interface ExportRequest {
  runId: string;
  candidateId: number;
  formats: ExportFormat[];
  /** where the files go: relative paths are under the store's work folder; from HTTP or IPC it must be under its `exports/` (or a folder chosen in the desktop's dialog) */
  outDir: string;
  /** write into a folder that already holds files (default false: such a folder is refused) */
  overwrite?: boolean;
  /** the ONNX file's form: 'qdq' (default), 'qdq-int4' (INT4/UINT4 containers, opset 21) or 'integer' (fused by onnxruntime into integer kernels) */
  onnxMode?: ExportOnnxMode;
}

export interface ExportReport {
  runId: string;
  outDir: string;
  artifacts: ArtifactInfo[];
  /** what appAccuracy and onnxAccuracy measure: top-1, or mIoU for a segmentation subnet (absent in reports written before segmentation export: top-1) */
  metric?: 'top-1' | 'mIoU';
  /** the app's own test score of the subnet (see metric), 0..1 */
  appAccuracy: number;
  /** the test score measured by onnxruntime on the exported ONNX model, 0..1 */
  onnxAccuracy?: number;
  floatBytes: number;
  packedBytes?: number;
}

/** What a quantize run is asked for (`oqat quantize`, the Run screen's Quantize form): MMSE post-training quantization of a float subnet. */
export interface QuantizeRunRequest {
  /** a finished training (or demo) run whose supernet holds the subnet … */
  runId?: string;
  /** … or a supernet.ckpt file (from HTTP or IPC: under the work folder or a folder chosen in the desktop's dialog) */
  checkpoint?: string;
  /** largest, middle, smallest or a SubnetSpec JSON value; its float (32-bit) weights are quantized */
  subnet: unknown;
  /** the elastic layers' bits, weights and inputs: 8 (INT8) or 4 (INT4); 2..8 */
  bits: number;
  /** weights: one step per tensor or per output channel (inputs: per tensor) */
  granularity: 'tensor' | 'channel';
  /** the result's ranges (the others are measured beside it): extremes, a percentile, or the least squared error */
  calibration: 'min-max' | 'percentile' | 'mse';
  /** 'percentile': of |x| or x, (50, 100] */
  percentile: number;
  /** MMSE's multiple low-precision tensors for the layers whose relative weight error exceeds factor × the median; absent: off */
  multiTensor?: { terms: number; factor: number };
  /** unlabelled training images the activations are calibrated on */
  calibrationImages: number;
  /** test images each network is scored on; 0 = the whole split */
  testImages: number;
  /** training images for BN re-estimation of the float subnet */
  bnImages: number;
  seed: number;
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
}

/**
 * What a compress run is asked for (`oqat compress`, the Export screen's Compress panel): a trained float
 * subnet's weights compressed beyond uniform levels by ALQ (multi-bit binary bases, loss-aware) or VQ
 * ("And the bit goes down": codebooks fitted to each layer's outputs); activations stay float.
 */
export interface CompressRunRequest {
  /** a finished training (or demo) run with `subnet`, or a search or tune run with `candidateId` … */
  runId?: string;
  /** … or a supernet.ckpt file with `subnet` (from HTTP or IPC: under the work folder or a folder chosen in the desktop's dialog) */
  checkpoint?: string;
  /** largest, middle, smallest or a SubnetSpec JSON value; its float (32-bit) weights are compressed */
  subnet?: unknown;
  /** a search or tune run's candidate: its subnet, float weights */
  candidateId?: number;
  method: 'alq' | 'vq';
  // By name, not as @oqat/search's types: this contract file stays free of the packages the renderer must not load.
  /** ALQ's settings, fields of @oqat/search's AlqSettings checked by name and type in compress-request.ts (absent: ALQ_DEFAULTS, the paper's) */
  alq?: Readonly<Record<string, number>>;
  /** VQ's settings, fields of @oqat/search's VqSettings checked by name and type in compress-request.ts (absent: VQ_DEFAULTS, the paper's) */
  vq?: Readonly<Record<string, number | boolean>>;
  /** training images held out for the method's own checks (never the test split) */
  validationImages: number;
  /** test images each network is scored on; 0 = the whole split */
  testImages: number;
  /** training images for BN re-estimation of the float subnet */
  bnImages: number;
  seed: number;
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  /** where model.oqatc and model.onnx go (an export folder; default: the run's own folder under the work folder) */
  outDir?: string;
  /** replace what outDir holds */
  overwrite?: boolean;
}

/** A finetune run's numeric settings (finetune-fields.ts: bounds, defaults and their sources); absent ones take their defaults. */
export interface FinetuneNumbers {
  /** finetuning steps (0: measure only) */
  steps?: number;
  /** Nesterov SGD step size, constant */
  lr?: number;
  /** labelled training images per step */
  batchSize?: number;
  momentum?: number;
  /** dnf: training images run on the device to measure each layer's differential noise */
  calibrationImages?: number;
  /** dnf: steps between measurements of the noise (0: once) */
  refreshSteps?: number;
  /** test images each measurement uses; 0 = the whole split */
  testImages?: number;
  /** training images for BN re-estimation before the subnet is extracted */
  bnImages?: number;
  /** the analog device (absent: the run's abfp block size and gain, then the device's defaults): tile width n */
  blockSize?: number;
  /** DAC bits of the block-normalized inputs (2-16, 32 = ideal) */
  inputBits?: number;
  /** bits of the block-normalized weights */
  weightBits?: number;
  /** ADC bits of the amplified outputs */
  adcBits?: number;
  /** gain G before the ADC */
  gain?: number;
  /** Gaussian noise std at the ADC input, share of the full scale n */
  noise?: number;
}

/**
 * What a finetune run is asked for (`oqat finetune`, the Export screen's Finetune panel): a trained
 * subnet finetuned for the ABFP paper's analog device, by DNF (Differential Noise Finetuning: float
 * products plus noise sampled from the device's measured differential distribution) or plainly (QAT at
 * the subnet's frozen steps, the comparison point), measured on the device before and after; the
 * finetuned subnet is written as a file that `oqat finetune --checkpoint FILE` measures again.
 */
export interface FinetuneRunRequest extends FinetuneNumbers {
  /** a finished training (or demo) run with `subnet`, or a search or tune run with `candidateId` … */
  runId?: string;
  /** … or a supernet.ckpt with `subnet`, or a subnet file a finetune run wrote (from HTTP or IPC: under the work folder or a folder chosen in the desktop's dialog) */
  checkpoint?: string;
  /** largest, middle, smallest or a SubnetSpec JSON value */
  subnet?: unknown;
  /** a search or tune run's candidate */
  candidateId?: number;
  /** a named subnet's bits (default: the lowest trained width, as oqat eval; 32: the float weights) */
  bits?: number;
  method: 'dnf' | 'plain';
  seed: number;
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
}

export interface StudioService {
  listRuns(): Promise<RunSummary[]>;
  getRun(runId: string): Promise<RunDetail>;
  metrics(runId: string): Promise<MetricPoint[]>;
  events(runId: string, afterSeq?: number): Promise<RunEventDto[]>;
  /** every candidate of a run, whole (small runs: Compare, Export); large runs use the methods below */
  candidates(runId: string): Promise<CandidateDto[]>;
  /** per device: count, ranges, front and steps */
  candidateOverview(runId: string): Promise<CandidateOverview>;
  /** one page of a device's candidates as columns (ids above `afterId`, at most `limit`, default and cap 200 000) */
  candidatePoints(runId: string, device: DeviceName, afterId?: number, limit?: number): Promise<CandidatePoints>;
  /** whole candidates in id order, one page at a time (ids above `afterId`, at most `limit`, default and cap 10 000) */
  candidatePage(runId: string, afterId?: number, limit?: number): Promise<CandidateDto[]>;
  /** one whole candidate */
  candidate(runId: string, candidateId: number): Promise<CandidateDto>;
  /** one candidate as a block diagram: blocks, each layer's bits and share of the device's predicted latency */
  candidateLayout(runId: string, candidateId: number): Promise<CandidateLayout>;
  configFields(): Promise<ConfigField[]>;
  validateConfig(config: Partial<NewRunConfig>): Promise<ConfigValidation>;
  /** starts training and/or search in the background; resolves once the run is queued */
  startRun(config: Partial<NewRunConfig>): Promise<{ runId: string }>;
  cancelRun(runId: string): Promise<void>;
  resumeRun(runId: string): Promise<{ runId: string }>;
  deleteRun(runId: string): Promise<void>;
  exportCandidate(request: ExportRequest): Promise<ExportReport>;
  /** starts MMSE post-training quantization of a subnet (a quantize run); resolves once the run is queued */
  startQuantize(request: QuantizeRunRequest): Promise<{ runId: string }>;
  /** starts compression of a subnet's weights by ALQ or VQ (a compress run); resolves once the run is queued */
  startCompress(request: CompressRunRequest): Promise<{ runId: string }>;
  /** the finetune run's settings with their bounds, defaults and sources (the Finetune panel is built from them) */
  finetuneFields(): Promise<ConfigField[]>;
  /** starts DNF (or plain) finetuning of a subnet for the analog device (a finetune run); resolves once the run is queued */
  startFinetune(request: FinetuneRunRequest): Promise<{ runId: string }>;
  /** live events of every run; returns an unsubscribe function */
  onRunEvent(listener: (event: RunEventDto) => void): () => void;
}
