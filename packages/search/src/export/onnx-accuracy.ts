import { readFileSync } from 'node:fs';
import { floatBatches, type ImageDataset, type Normalization } from '@oqat/data';
import { loadOnnxRuntime } from '@oqat/latency';
import { decodeModel, type OnnxModel } from '@oqat/onnx';
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

export interface OnnxAccuracy {
  /** share of images classified correctly, 0..1 */
  top1: number;
  correct: number;
  images: number;
  /** predicted class per test image, in dataset order */
  predictions: Int32Array;
  optimization: OrtOptimization;
  qdqTransforms: boolean;
  seconds: number;
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

/**
 * Test accuracy of an exported ONNX classifier measured with onnxruntime-node
 * (CPU): the test images scaled as the app scales them (x/255, then
 * (x − mean)/std), NCHW, in dataset order. The model resizes to its own
 * resolution, so the dataset may have any image size.
 */
export async function onnxAccuracy(modelPath: string, test: ImageDataset, normalization: Normalization, options: OnnxAccuracyOptions = {}): Promise<OnnxAccuracy> {
  const model = readModel(modelPath);
  const input = model.graph.input[0];
  const inputC = input?.type.tensorType.shape?.dim[1]?.dimValue;
  const classes = model.graph.output[0]?.type.tensorType.shape?.dim[1]?.dimValue;
  if (inputC !== undefined && inputC !== test.channels) {
    throw new ExportDatasetError('onnxAccuracy', `the model takes ${inputC}-channel images, the test set has ${test.channels}; evaluate it on the dataset it was trained on`);
  }
  if (classes !== undefined && test.labels.some((l) => l >= classes)) {
    throw new ExportDatasetError('onnxAccuracy', `the test set has labels >= ${classes}, the model's class count; evaluate it on the dataset it was trained on`);
  }
  const ort = await loadOnnxRuntime();
  const optimization = options.optimization ?? 'all';
  const qdqTransforms = options.qdqTransforms ?? true;
  const threads = Math.max(1, Math.floor(options.threads ?? 1));
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'], graphOptimizationLevel: optimization, intraOpNumThreads: threads, interOpNumThreads: 1,
    ...(qdqTransforms ? {} : { extra: { session: { disable_quant_qdq: '1' } } }),
  });
  const t0 = performance.now();
  const predictions = new Int32Array(test.count);
  let seen = 0;
  let correct = 0;
  try {
    const inputName = session.inputNames[0]!;
    const outputName = session.outputNames[0]!;
    for (const b of floatBatches(test, { batchSize: options.batchSize ?? 250, seed: 0, shuffle: false, normalize: normalization })) {
      const data = toNchw(b.images, b.size, b.height, b.width, b.channels);
      const out = await session.run({ [inputName]: new ort.Tensor('float32', data, [b.size, b.channels, b.height, b.width]) });
      const logits = out[outputName]!.data as Float32Array;
      const k = logits.length / b.size;
      for (let i = 0; i < b.size; i++) {
        let best = 0;
        for (let c = 1; c < k; c++) if (logits[i * k + c]! > logits[i * k + best]!) best = c;
        predictions[seen + i] = best;
        if (best === b.labels[i]) correct++;
      }
      seen += b.size;
    }
  } finally {
    await session.release();
  }
  return { top1: correct / seen, correct, images: seen, predictions, optimization, qdqTransforms, seconds: (performance.now() - t0) / 1000 };
}
