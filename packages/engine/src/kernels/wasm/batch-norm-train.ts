import { tf } from '../../tf';
import type { KernelConfig, TensorInfo } from '../../tf';
import { BatchNormTrain } from '../../kernel-names';
import type { BatchNormTrainAttrs, BatchNormTrainInputs } from '../../kernel-names';
import { asTensor, outputsFromOps } from '../output-from-ops';
import { simdHeap, type SimdHeap } from '../simd/training-kernels';

/** Per-channel [sum, sum of squares] of an NHWC tensor in one SIMD pass (float64 totals). */
export function channelSums(simd: SimdHeap, x: TensorInfo, channels: number): { sum: Float64Array; sumSq: Float64Array } {
  const pixels = x.shape.reduce((a, b) => a * b, 1) / channels;
  const sums = simd.alloc([4 * channels]); // 2*channels doubles
  const partial = simd.alloc([2 * channels]);
  simd.kernels.channel_sums(simd.offset(x), simd.offset(sums), simd.offset(partial), pixels, channels);
  const values = new Float64Array(simd.memory.buffer, simd.offset(sums), 2 * channels).slice();
  simd.free(sums);
  simd.free(partial);
  return { sum: values.subarray(0, channels), sumSq: values.subarray(channels) };
}

/**
 * BatchNormTrain on wasm: the statistics in one SIMD pass over x (instead of
 * square + two avgPools), then scale, shift and ReLU as one fused 1x1
 * depthwise conv (XNNPACK, threaded).
 */
function batchNormTrain(args: { inputs: BatchNormTrainInputs; backend: tf.KernelBackend; attrs: BatchNormTrainAttrs }): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const c = inputs.x.shape[3]!;
  const pixels = inputs.x.shape.reduce((a, b) => a * b, 1) / c;
  const { sum, sumSq } = channelSums(simdHeap(BatchNormTrain, backend), inputs.x, c);
  const mean = new Float32Array(c);
  const variance = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    const m = sum[i]! / pixels;
    mean[i] = m;
    variance[i] = Math.max(0, sumSq[i]! / pixels - m * m);
  }
  return outputsFromOps(backend, () => {
    const x = asTensor<tf.Rank.R4>(inputs.x, backend);
    const meanT = tf.tensor1d(mean);
    const varianceT = tf.tensor1d(variance);
    const k = tf.mul(asTensor<tf.Rank.R1>(inputs.scale, backend), tf.rsqrt(tf.add(varianceT, attrs.varianceEpsilon)));
    const shift = tf.sub(asTensor<tf.Rank.R1>(inputs.offset, backend), tf.mul(meanT, k));
    const y = tf.fused.depthwiseConv2d({
      x,
      filter: k.reshape([1, 1, c, 1]) as tf.Tensor4D,
      strides: 1,
      pad: 'valid',
      bias: shift,
      activation: attrs.relu ? 'relu' : 'linear',
    });
    return [y, meanT, varianceT];
  });
}

export const batchNormTrainWasmConfig: KernelConfig = {
  kernelName: BatchNormTrain,
  backendName: 'wasm',
  kernelFunc: batchNormTrain as unknown as KernelConfig['kernelFunc'],
};
