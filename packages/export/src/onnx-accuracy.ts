import { readFileSync } from 'node:fs';
import { floatBatches, floatSegmentationBatches, type ImageDataset, type Normalization, type SegmentationDataset } from '@oqat/data';
import { loadOnnxRuntime } from '@oqat/latency';
import { decodeModel, type OnnxModel } from '@oqat/onnx';
import { ConfusionMatrix, type SegmentationMetrics } from '@oqat/search';
import { ExportDatasetError, ExportFileError } from './errors';

export type OrtOptimization = 'disabled' | 'basic' | 'extended' | 'all';

export interface OnnxAccuracyOptions {
  /** images per session.run; default 250 */
  batchSize?: number;
  /** onnxruntime graph optimization level; default 'all' (onnxruntime's default); 'disabled' runs the file as written */
  optimization?: OrtOptimization;
  /**
   * onnxruntime's QDQ transformers (its default: on). They fuse QDQ groups
   * into integer kernels and quantize float Conv/Gemm bias inputs to int32;
   * the exported graph keeps its biases in separate Adds, so they change
   * nothing here. false sets session.disable_quant_qdq = 1.
   */
  qdqTransforms?: boolean;
  /** intra-op threads; default 1 */
  threads?: number;
}

/** How a model was run: onnxruntime's settings and the time the test set took. */
export interface OnnxRun {
  images: number;
  optimization: OrtOptimization;
  qdqTransforms: boolean;
  seconds: number;
}

export interface OnnxAccuracy extends OnnxRun {
  /** share of images classified correctly, 0..1 */
  top1: number;
  correct: number;
  /** predicted class per test image, in dataset order */
  predictions: Int32Array;
}

export interface OnnxSegmentationAccuracy extends OnnxRun {
  /** mean IoU over the classes present (as evaluateSegmentationSubnet counts it), 0..1 */
  miou: number;
  pixelAccuracy: number;
  segmentation: SegmentationMetrics;
  /** predicted class per pixel, scenes in dataset order, [count, H, W] */
  predictions: Uint8Array;
}

function readModel(modelPath: string): OnnxModel {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(modelPath);
  } catch {
    throw new ExportFileError(modelPath, 'is missing', 'pass the model.onnx written by oqat export --format onnx');
  }
  try {
    return decodeModel(bytes);
  } catch (err) {
    throw new ExportFileError(modelPath, `is not an ONNX model (${err instanceof Error ? err.message : String(err)})`, 'pass the model.onnx written by oqat export --format onnx');
  }
}

/** NHWC -> NCHW on the host (a copy; C = 1 is the same memory order). */
function toNchw(nhwc: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  if (c === 1) return nhwc;
  const out = new Float32Array(nhwc.length);
  for (let i = 0; i < n; i++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) {
    out[((i * c + k) * h + y) * w + x] = nhwc[((i * h + y) * w + x) * c + k]!;
  }
  return out;
}

/** One batch as the app scales it, NHWC on the host. */
interface HostBatch {
  images: Float32Array;
  size: number;
  height: number;
  width: number;
  channels: number;
}

/**
 * Runs a model file over batches in onnxruntime-node (CPU), NCHW, handing
 * each batch's first output to `take`; the session is released at the end.
 */
async function runOnnx<B extends HostBatch>(
  modelPath: string, batches: Iterable<B>, options: OnnxAccuracyOptions, take: (batch: B, output: Float32Array) => void,
): Promise<OnnxRun> {
  const ort = await loadOnnxRuntime();
  const optimization = options.optimization ?? 'all';
  const qdqTransforms = options.qdqTransforms ?? true;
  const threads = Math.max(1, Math.floor(options.threads ?? 1));
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'], graphOptimizationLevel: optimization, intraOpNumThreads: threads, interOpNumThreads: 1,
    ...(qdqTransforms ? {} : { extra: { session: { disable_quant_qdq: '1' } } }),
  });
  const t0 = performance.now();
  let images = 0;
  try {
    const inputName = session.inputNames[0]!;
    const outputName = session.outputNames[0]!;
    for (const b of batches) {
      const data = toNchw(b.images, b.size, b.height, b.width, b.channels);
      const out = await session.run({ [inputName]: new ort.Tensor('float32', data, [b.size, b.channels, b.height, b.width]) });
      take(b, out[outputName]!.data as Float32Array);
      images += b.size;
    }
  } finally {
    await session.release();
  }
  return { images, optimization, qdqTransforms, seconds: (performance.now() - t0) / 1000 };
}

/** The model's input channels and its output's second dimension (classes), where the file declares them. */
function declaredShape(model: OnnxModel): { inputC?: number; classes?: number; height?: number; width?: number } {
  const input = model.graph.input[0]?.type.tensorType.shape?.dim;
  const classes = model.graph.output[0]?.type.tensorType.shape?.dim[1]?.dimValue;
  return { inputC: input?.[1]?.dimValue, classes, height: input?.[2]?.dimValue, width: input?.[3]?.dimValue };
}

function checkDataset(shape: ReturnType<typeof declaredShape>, channels: number, labels: ArrayLike<number>, ignoreValue?: number): void {
  if (shape.inputC !== undefined && shape.inputC !== channels) {
    throw new ExportDatasetError('onnxAccuracy', `the model takes ${shape.inputC}-channel images, the test set has ${channels}; evaluate it on the dataset it was trained on`);
  }
  const classes = shape.classes;
  if (classes !== undefined && Array.prototype.some.call(labels, (l: number) => l >= classes && l !== ignoreValue)) {
    throw new ExportDatasetError('onnxAccuracy', `the test set has labels >= ${classes}, the model's class count; evaluate it on the dataset it was trained on`);
  }
}

/**
 * Test accuracy of an exported ONNX classifier measured with onnxruntime-node
 * (CPU): the test images scaled as the app scales them (x/255, then
 * (x − mean)/std), NCHW, in dataset order. The model resizes to its own
 * resolution, so the dataset may have any image size.
 */
export async function onnxAccuracy(modelPath: string, test: ImageDataset, normalization: Normalization, options: OnnxAccuracyOptions = {}): Promise<OnnxAccuracy> {
  checkDataset(declaredShape(readModel(modelPath)), test.channels, test.labels);
  const predictions = new Int32Array(test.count);
  let seen = 0;
  let correct = 0;
  const batches = floatBatches(test, { batchSize: options.batchSize ?? 250, seed: 0, shuffle: false, normalize: normalization });
  const run = await runOnnx(modelPath, batches, options, (b, logits) => {
    const k = logits.length / b.size;
    for (let i = 0; i < b.size; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (logits[i * k + c]! > logits[i * k + best]!) best = c;
      predictions[seen + i] = best;
      if (best === b.labels[i]) correct++;
    }
    seen += b.size;
  });
  return { ...run, top1: correct / seen, correct, predictions };
}

/**
 * Segmentation figures of an exported ONNX segmentation model measured with
 * onnxruntime-node (CPU), counted as the app counts them
 * (evaluateSegmentationSubnet's confusion matrix): per-pixel argmax of the
 * NCHW logits against the masks, mIoU over the classes present. The model
 * takes images of its fixed export size: the test scenes must have it.
 */
export async function onnxSegmentationAccuracy(
  modelPath: string, test: SegmentationDataset, normalization: Normalization, options: OnnxAccuracyOptions = {},
): Promise<OnnxSegmentationAccuracy> {
  const shape = declaredShape(readModel(modelPath));
  checkDataset(shape, test.channels, test.masks, test.ignoreValue);
  if ((shape.height !== undefined && shape.height !== test.height) || (shape.width !== undefined && shape.width !== test.width)) {
    throw new ExportDatasetError('onnxSegmentationAccuracy', `the model segments ${shape.height}x${shape.width} images, the test set has ${test.height}x${test.width}; export it with imageSize [${test.height}, ${test.width}]`);
  }
  const pixels = test.height * test.width;
  const predictions = new Uint8Array(test.count * pixels);
  const confusion = new ConfusionMatrix(shape.classes ?? test.classNames.length);
  let seen = 0;
  const batches = floatSegmentationBatches(test, { batchSize: options.batchSize ?? 50, seed: 0, shuffle: false, normalize: normalization });
  const run = await runOnnx(modelPath, batches, options, (b, logits) => {
    const k = logits.length / (b.size * pixels);
    const batch = new Int32Array(b.size * pixels);
    for (let i = 0; i < b.size; i++) {
      const at = i * k * pixels;
      for (let p = 0; p < pixels; p++) {
        let best = 0;
        for (let c = 1; c < k; c++) if (logits[at + c * pixels + p]! > logits[at + best * pixels + p]!) best = c;
        batch[i * pixels + p] = best;
      }
    }
    confusion.add(b.masks, batch);
    predictions.set(batch, seen * pixels);
    seen += b.size;
  });
  const segmentation = confusion.metrics();
  return { ...run, miou: segmentation.miou, pixelAccuracy: segmentation.pixelAccuracy, segmentation, predictions };
}
