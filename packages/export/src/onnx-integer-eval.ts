import { floatBatches, type ImageDataset, type Normalization } from '@oqat/data';
import { tf, type Tensor } from '@oqat/engine';
import type { StaticNetwork } from '@oqat/search';
import { buildExportGraph } from './build-export-graph';
import type { ExportActivation } from './export-graph';
import { integerGraph, type IntegerConv, type IntegerGraph, type Q8 } from './onnx-integer-graph';

/** Codes of q -> values: (code − zero point)·step, as DequantizeLinear computes them in float32. */
function dequantize(codes: Tensor, q: Q8): Tensor {
  return tf.mul(tf.sub(codes, q.zeroPoint), q.step);
}

/** Saturates codes to 0..max (the app's b-bit clip), else 0..255. */
function saturate(codes: Tensor, q: Q8): Tensor {
  return tf.clipByValue(codes, 0, q.max ?? 255);
}

/** values -> codes: saturate(round_half_even(x / step) + zero point), as QuantizeLinear (and the writer's QLinearLeakyRelu for a b-bit clip). */
function quantize(x: Tensor, q: Q8): Tensor {
  return saturate(tf.add(tf.round(tf.div(x, q.step)), q.zeroPoint), q);
}

/** onnxruntime's float activations (HardSwish, HardSigmoid: x·max(0, min(1, x/6 + 1/2))). */
function activation(x: Tensor, fn: ExportActivation): Tensor {
  const gate = (): Tensor => tf.clipByValue(tf.add(tf.mul(x, Math.fround(1 / 6)), 0.5), 0, 1);
  switch (fn) {
    case 'relu': return tf.relu(x);
    case 'relu6': return tf.clipByValue(x, 0, 6);
    case 'hswish': return tf.mul(x, gate());
    case 'hsigmoid': return gate();
    case 'sigmoid': return tf.sigmoid(x);
  }
}

/**
 * QLinearConv: the int32 accumulator Σ (x − z_x)·w + bias (exact: float32
 * holds these integer sums), times the float32 multiplier s_x·s_w / s_y per
 * channel, rounded half to even, plus the output zero point, saturated to
 * uint8. Without an output quantization (the classifier): the accumulator
 * times s_x·s_w, in float.
 */
function conv(x: Tensor, op: IntegerConv, weights: Map<string, Tensor>): Tensor {
  let w = weights.get(op.name);
  if (!w) weights.set(op.name, (w = tf.keep(tf.tensor(op.tfCodes, op.tfShape))));
  const centered = tf.sub(x, op.inQ.zeroPoint) as tf.Tensor4D;
  const acc = op.depthwise
    ? tf.depthwiseConv2d(centered, w as tf.Tensor4D, op.stride, 'same')
    : tf.conv2d(centered, w as tf.Tensor4D, op.stride, 'same');
  const withBias = tf.add(acc, tf.tensor1d(op.bias, 'float32'));
  if (!op.outQ) return tf.mul(withBias, tf.tensor1d(op.biasScales));
  const outQ = op.outQ;
  const multipliers = Float32Array.from(op.biasScales, (s) => Math.fround(s / outQ.step));
  return saturate(tf.add(tf.round(tf.mul(withBias, tf.tensor1d(multipliers))), outQ.zeroPoint), outQ);
}

/**
 * What the integer graph computes, in tfjs: logits [N, classes] of
 * normalized NHWC images. The app's evaluation of the integer ONNX export:
 * the ops onnxruntime fuses into integer kernels are computed on integer
 * codes with its rounding (QLinearConv exactly; QLinearAdd, QLinearMul and
 * QLinearGlobalAveragePool as float rescalings of the codes, as onnxruntime
 * computes them to the last bit or close to it), the float ops between a
 * DequantizeLinear and a QuantizeLinear in float32. `weights` caches the
 * weight tensors across batches (the caller disposes them).
 */
export function integerLogits(ig: IntegerGraph, images: Tensor, weights: Map<string, Tensor>): Tensor {
  return tf.tidy(() => {
    const values = new Map<string, Tensor>([[ig.input, images]]);
    const get = (v: string): Tensor => values.get(v)!;
    for (const op of ig.ops) {
      let out: Tensor;
      switch (op.op) {
        case 'resize': {
          const x = get(op.input);
          out = x.shape[1] === op.size && x.shape[2] === op.size ? x : tf.image.resizeBilinear(x as tf.Tensor4D, [op.size, op.size]);
          break;
        }
        case 'quantize':
          out = quantize(get(op.input), op.q);
          break;
        case 'requantize':
          out = quantize(dequantize(get(op.input), op.from), op.q);
          break;
        case 'conv':
          out = conv(get(op.input), op, weights);
          break;
        case 'act':
          out = quantize(activation(dequantize(get(op.input), op.from), op.fn), op.q);
          break;
        case 'gap': {
          // Σ (x − z_x) over the map, times s_x / (s_y·H·W)
          const x = get(op.input);
          const hw = x.shape[1]! * x.shape[2]!;
          const sum = tf.sum(tf.sub(x, op.from.zeroPoint), [1, 2], true);
          out = saturate(tf.add(tf.round(tf.mul(sum, Math.fround(op.from.step / (op.q.step * hw)))), op.q.zeroPoint), op.q);
          break;
        }
        case 'add': {
          const [qa, qb] = op.from;
          const a = tf.mul(tf.sub(get(op.inputs[0]), qa.zeroPoint), Math.fround(qa.step / op.q.step));
          const b = tf.mul(tf.sub(get(op.inputs[1]), qb.zeroPoint), Math.fround(qb.step / op.q.step));
          out = saturate(tf.add(tf.round(tf.add(a, b)), op.q.zeroPoint), op.q);
          break;
        }
        case 'mul': {
          const [qx, qg] = op.from;
          const product = tf.mul(tf.sub(get(op.input), qx.zeroPoint), tf.sub(get(op.gate), qg.zeroPoint));
          out = saturate(tf.add(tf.round(tf.mul(product, Math.fround((qx.step * qg.step) / op.q.step))), op.q.zeroPoint), op.q);
          break;
        }
      }
      values.set(op.output, out);
    }
    const logits = get(ig.output);
    return tf.reshape(logits, [logits.shape[0]!, -1]);
  });
}

export interface IntegerAccuracy {
  top1: number;
  correct: number;
  /** predicted class per test image, in dataset order */
  predictions: Int32Array;
}

/** Top-1 of the integer graph on a test set, images scaled as the app scales them, in dataset order. */
export function integerAccuracy(ig: IntegerGraph, test: ImageDataset, normalization: Normalization, batchSize = 250): IntegerAccuracy {
  const predictions = new Int32Array(test.count);
  const weights = new Map<string, Tensor>();
  let seen = 0;
  let correct = 0;
  try {
    for (const b of floatBatches(test, { batchSize, seed: 0, shuffle: false, normalize: normalization })) {
      const best = tf.tidy(() => {
        const images = tf.tensor4d(b.images, [b.size, b.height, b.width, b.channels]);
        return Int32Array.from(tf.argMax(integerLogits(ig, images, weights), 1).dataSync());
      });
      for (let i = 0; i < b.size; i++) {
        predictions[seen + i] = best[i]!;
        if (best[i] === b.labels[i]) correct++;
      }
      seen += b.size;
    }
  } finally {
    for (const w of weights.values()) w.dispose();
  }
  return { top1: correct / Math.max(1, seen), correct, predictions };
}

/**
 * The app's top-1 of a static classification subnet as its integer ONNX
 * export computes it (exportSubnet with onnxMode 'integer'): the figure
 * onnxruntime's top-1 of that file is compared with.
 */
export function integerSubnetAccuracy(net: StaticNetwork, test: ImageDataset, normalization: Normalization, batchSize = 250): IntegerAccuracy {
  return integerAccuracy(integerGraph(buildExportGraph(net)), test, normalization, batchSize);
}
