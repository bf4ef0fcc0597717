import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Normalization, SegmentationDataset } from '@oqat/data';
import { initEngine, type BackendRequest, type Tensor } from '@oqat/engine';
import { checkPresetExport, exportSubnet, integerSubnetAccuracy, onnxAccuracy, onnxSegmentationAccuracy, type ExportFormat, type ExportManifest, type OnnxMode } from '@oqat/export';
import type { JobContext } from '@oqat/runs';
import {
  bnBatches,
  evaluateSubnet,
  inputNormalization,
  loadSegmentationData,
  loadSupernet,
  parseSubnetSpec,
  ptqNetwork,
  staticSubnet,
  staticTop1,
  type LoadedSupernet,
  type StaticMobileNet,
  type StaticMobileNetConfig,
  type StaticNetwork,
  type StaticQuantConfig,
  type SubnetSpec,
} from '@oqat/search';
import { JobConfigError } from './errors';
import { loadCheckpointEvalData } from './eval-data';
import type { ExportReport } from './studio-service';

export interface ExportJobInput {
  checkpoint: string;
  /** a SubnetSpec of the checkpoint's space */
  spec: unknown;
  formats: ExportFormat[];
  outDir: string;
  backend: BackendRequest;
  /** test images for the two accuracy figures; 0 = all */
  testImages: number;
  bnImages: number;
  seed: number;
  /** the search run and candidate this export came from, if any */
  sourceRunId?: string;
  candidateId?: number;
  /** a quantize run's answer: its calibrated network config over the (float) subnet's weights, exported instead of the supernet's quantization */
  quantized?: StaticMobileNetConfig;
  /** the ONNX file's form (default 'qdq'); 'integer': the graph onnxruntime fuses into integer kernels, and the app's figure is that graph's */
  onnxMode?: OnnxMode;
}

export const EXPORT_REPORT_FILE = 'export-report.json';

/** What the report measures a subnet by, in the app and in onnxruntime: top-1, or mIoU for segmentation. */
type ExportMetric = NonNullable<ExportReport['metric']>;

/** A subnet's score in the app and in onnxruntime, on the checkpoint task's test split. */
interface ExportMeasure {
  metric: ExportMetric;
  /** test images (segmentation: scenes) */
  testCount: number;
  /** segmentation: the scenes' [height, width], which the exported models are built for */
  imageSize?: [number, number];
  /** the input scaling the checkpoint was trained with, recorded in the exports */
  normalization: Normalization;
  /** BN re-estimation batches; the caller disposes them */
  bn: Tensor[];
  /** the app's own score (re-estimates BN for the spec) */
  app: (spec: SubnetSpec) => number;
  /** classification: the app's top-1 of a static network (a quantize run's calibrated one) */
  appStatic?: (net: StaticMobileNet) => number;
  /** classification: the app's top-1 of the integer ONNX graph of a static network */
  appInteger?: (net: StaticNetwork) => number;
  onnx: (modelPath: string) => Promise<number>;
}

/** The first n scenes (all when n is 0). */
function firstScenes(d: SegmentationDataset, n: number): SegmentationDataset {
  if (n <= 0 || n >= d.count) return d;
  const pixels = d.height * d.width;
  return { ...d, count: n, images: d.images.subarray(0, n * pixels * d.channels), masks: d.masks.subarray(0, n * pixels) };
}

async function exportMeasure(loaded: LoadedSupernet, input: ExportJobInput): Promise<ExportMeasure> {
  if (loaded.task === 'segmentation') {
    const { net } = loaded;
    const data = await loadSegmentationData(loaded.config, net.space);
    const test = firstScenes(data.test, input.testImages);
    const normalization = inputNormalization(loaded.config);
    const bn = bnBatches(data.train, input.bnImages, 50, input.seed, normalization);
    return {
      metric: 'mIoU', testCount: test.count, imageSize: [test.height, test.width], bn, normalization,
      app: (spec) => evaluateSubnet(net, spec, { bn, test, batchSize: 50, normalization }).score,
      onnx: async (path) => (await onnxSegmentationAccuracy(path, test, normalization)).miou,
    };
  }
  const { net } = loaded;
  const { test, bn, normalization } = await loadCheckpointEvalData(loaded.config, input.testImages, input.bnImages, input.seed);
  return {
    metric: 'top-1', testCount: test.count, bn, normalization,
    app: (spec) => evaluateSubnet(net, spec, { bn, test, batchSize: 500, normalization }).score,
    appStatic: (n) => staticTop1(n, test, normalization),
    appInteger: (n) => integerSubnetAccuracy(n, test, normalization).top1,
    onnx: async (path) => (await onnxAccuracy(path, test, normalization)).top1,
  };
}

/**
 * Exports one subnet of a trained supernet (classification or
 * segmentation) and measures it twice on the test split: with the app's own
 * evaluation and with onnxruntime on the exported ONNX file (top-1, or mIoU
 * on the test scenes), so the report shows whether the export kept the score.
 */
export async function exportJob(input: ExportJobInput, ctx: JobContext): Promise<ExportReport & { metric: ExportMetric }> {
  await initEngine({ backend: input.backend });
  const loaded = loadSupernet(input.checkpoint);
  const { net } = loaded;
  let measure: ExportMeasure | undefined;
  try {
    const spec = parseSubnetSpec(net.space, input.spec);
    measure = await exportMeasure(loaded, input);
    const { metric } = measure;
    const outDir = resolve(input.outDir);
    if (input.quantized) refuseMultiTensorExport(input.quantized, input.formats);
    ctx.progress(0, 3, `measuring the subnet's ${metric} in the app`);
    let app = measure.app(spec);
    ctx.progress(1, 3, `writing ${input.formats.join(', ')}`);
    // The app's evaluation just re-estimated BN for this spec, so the export uses the same statistics.
    const sub = staticSubnet(net, spec);
    let exported: StaticNetwork = sub;
    let manifest: ExportManifest;
    try {
      if (input.quantized && measure.appStatic) {
        exported = ptqNetwork(sub as StaticMobileNet, input.quantized);
        app = measure.appStatic(exported);
      }
      // The run's deployment preset refuses, in one line, files its backend would not run.
      checkPresetExport(exported, input.formats, loaded.config.preset);
      if (input.onnxMode === 'integer' && input.formats.includes('onnx') && measure.appInteger) {
        ctx.log('info', `the app's ${metric} at the subnet's own bits: ${(app * 100).toFixed(2)} %; the report's app figure is the integer graph's`);
        app = measure.appInteger(exported);
      }
      manifest = await exportSubnet({
        net: exported, spec, formats: input.formats, outDir, normalization: measure.normalization, ...(measure.imageSize ? { imageSize: measure.imageSize } : {}),
        ...(input.onnxMode ? { onnxMode: input.onnxMode } : {}),
      });
    } finally {
      if (exported !== sub) exported.dispose();
      sub.dispose();
    }
    let onnxScore: number | undefined;
    const onnxFile = manifest.files.find((f) => f.path.endsWith('.onnx'));
    if (onnxFile) {
      ctx.progress(2, 3, `measuring the ONNX model's ${metric} with onnxruntime`);
      onnxScore = await measure.onnx(onnxFile.path);
    }
    const report: ExportReport & { metric: ExportMetric } = {
      runId: ctx.runId,
      outDir,
      artifacts: manifest.files.map((f) => ({ path: f.path, kind: f.kind, sizeBytes: f.sizeBytes, sha256: f.sha256 })),
      metric,
      appAccuracy: app,
      onnxAccuracy: onnxScore,
      floatBytes: manifest.figures.floatBytes,
      packedBytes: input.formats.includes('packed') ? manifest.figures.packedWeightsBytes + manifest.figures.packedSpecBytes : undefined,
    };
    const reportPath = join(outDir, EXPORT_REPORT_FILE);
    writeFileSync(reportPath, `${JSON.stringify({ ...report, task: loaded.task, subnet: spec, testImages: measure.testCount }, null, 2)}\n`);
    for (const file of [...manifest.files.map((f) => ({ path: f.path, kind: f.kind })), { path: reportPath, kind: 'report' }]) await ctx.artifact(file);
    const pct = (x: number | undefined): string => (x === undefined ? '-' : `${(x * 100).toFixed(2)} %`);
    ctx.progress(3, 3, `exported: ${metric} app ${pct(app)}, onnxruntime ${pct(onnxScore)}`);
    ctx.log('info', `exported to ${outDir}`);
    return report;
  } finally {
    for (const t of measure?.bn ?? []) t.dispose();
    net.dispose();
  }
}

/** The layers of a calibrated network whose weights are sums of low-precision tensors (MMSE multi-tensor). */
function multiTensorLayers(config: StaticMobileNetConfig): string[] {
  const out: string[] = [];
  const visit = (v: unknown, path: string): void => {
    if (typeof v !== 'object' || v === null) return;
    const q = (v as { weightQuant?: StaticQuantConfig }).weightQuant;
    if (q?.residual) out.push(path);
    for (const [k, child] of Object.entries(v)) if (k !== 'weightQuant' && k !== 'inputQuant') visit(child, path ? `${path}.${k}` : k);
  };
  visit(config, '');
  return out;
}

/**
 * The export files hold one integer tensor per weight (graph-lowering.ts
 * refuses a sum of several): a quantize run with multi-tensor layers is
 * refused before anything is measured, in one line that names them.
 */
function refuseMultiTensorExport(config: StaticMobileNetConfig, formats: readonly ExportFormat[]): void {
  const layers = multiTensorLayers(config);
  if (layers.length) {
    throw new JobConfigError('formats', `${formats.join(', ')} cannot hold ${layers.length} layer(s) quantized as sums of low-precision tensors (MMSE multi-tensor: ${layers.slice(0, 3).join(', ')}${layers.length > 3 ? ', …' : ''}): the files hold one integer tensor per weight; quantize without --multi-tensor to export`);
  }
}
