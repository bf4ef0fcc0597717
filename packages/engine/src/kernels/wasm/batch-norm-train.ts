import type { tf, KernelConfig, TensorInfo } from '../../tf';
import { BatchNormTrain } from '../../kernel-names';
import type { BatchNormTrainAttrs, BatchNormTrainInputs } from '../../kernel-names';
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
 * BatchNormTrain on wasm in two SIMD passes: the statistics over x (instead
 * of square + two avgPools), then y = x*k + shift (+ ReLU) per channel
 * (instead of a fused 1x1 depthwise conv, slower in XNNPACK). The
 * per-channel numbers are computed in float64 in JS.
 */
function batchNormTrain(args: { inputs: BatchNormTrainInputs; backend: tf.KernelBackend; attrs: BatchNormTrainAttrs }): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const simd = simdHeap(BatchNormTrain, backend);
  const c = inputs.x.shape[3]!;
  const pixels = inputs.x.shape.reduce((a, b) => a * b, 1) / c;
  const { sum, sumSq } = channelSums(simd, inputs.x, c);
  const mean = simd.alloc([c]);
  const variance = simd.alloc([c]);
  const coef = simd.alloc([2 * c]);
  const [meanView, varianceView, coefView] = [simd.view(mean), simd.view(variance), simd.view(coef)];
  const scale = simd.view(inputs.scale);
  const offset = simd.view(inputs.offset);
  for (let i = 0; i < c; i++) {
    const m = sum[i]! / pixels;
    const v = Math.max(0, sumSq[i]! / pixels - m * m);
    const k = scale[i]! / Math.sqrt(v + attrs.varianceEpsilon);
    meanView[i] = m;
    varianceView[i] = v;
    coefView[i] = k;
    coefView[c + i] = offset[i]! - m * k;
  }
  const y = simd.alloc([...inputs.x.shape]);
  simd.kernels.scale_shift(simd.offset(inputs.x), simd.offset(coef), simd.offset(y), pixels, c, attrs.relu ? 1 : 0);
  simd.free(coef);
  return [y, mean, variance];
}

export const batchNormTrainWasmConfig: KernelConfig = {
  kernelName: BatchNormTrain,
  backendName: 'wasm',
  kernelFunc: batchNormTrain as unknown as KernelConfig['kernelFunc'],
};
