import type { tf, KernelConfig, TensorInfo } from '../../tf';
import { BatchNormTrain } from '../../kernel-names';
import type { BatchNormTrainAttrs, BatchNormTrainInputs } from '../../kernel-names';
import { simdHeap, type SimdHeap } from '../simd/training-kernels';
import { addInto, runRows, splitPoint } from '../simd/split-work';

/**
 * Per-channel [sum, sum of squares] of an NHWC tensor in one SIMD pass
 * (float64 totals); with the helper thread, each thread sums half the pixels.
 */
export function channelSums(simd: SimdHeap, x: TensorInfo, channels: number): { sum: Float64Array; sumSq: Float64Array } {
  const pixels = x.shape.reduce((a, b) => a * b, 1) / channels;
  const scratch = () => [simd.alloc([4 * channels]), simd.alloc([2 * channels])]; // 2c doubles, 2c floats
  const [sums, partial] = scratch() as [TensorInfo, TensorInfo];
  const xo = simd.offset(x);
  const read = (t: TensorInfo) => new Float64Array(simd.memory.buffer, simd.offset(t), 2 * channels).slice();
  const mid = splitPoint(simd, pixels, pixels * channels);
  let values: Float64Array;
  if (mid === undefined) {
    simd.kernels.channel_sums(xo, simd.offset(sums), simd.offset(partial), pixels, channels);
    values = read(sums);
  } else {
    const [sums2, partial2] = scratch() as [TensorInfo, TensorInfo];
    const rest = [xo + mid * channels * 4, simd.offset(sums2), simd.offset(partial2), pixels - mid, channels];
    simd.helper!.both('channel_sums', rest, () =>
      simd.kernels.channel_sums(xo, simd.offset(sums), simd.offset(partial), mid, channels),
    );
    values = read(sums);
    addInto(values, read(sums2));
    simd.free(sums2);
    simd.free(partial2);
  }
  simd.free(sums);
  simd.free(partial);
  return { sum: values.subarray(0, channels), sumSq: values.subarray(channels) };
}

/** y = x*k + shift (+ ReLU) per channel; with the helper thread, half the pixels each. */
function scaleShift(simd: SimdHeap, x: TensorInfo, coef: TensorInfo, y: TensorInfo, pixels: number, c: number, relu: boolean): void {
  const [xo, co, yo] = [simd.offset(x), simd.offset(coef), simd.offset(y)];
  runRows(simd, 'scale_shift', pixels, pixels * c, (first, count) => [xo + first * c * 4, co, yo + first * c * 4, count, c, relu ? 1 : 0]);
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
  scaleShift(simd, inputs.x, coef, y, pixels, c, attrs.relu);
  simd.free(coef);
  return [y, mean, variance];
}

export const batchNormTrainWasmConfig: KernelConfig = {
  kernelName: BatchNormTrain,
  backendName: 'wasm',
  kernelFunc: batchNormTrain as unknown as KernelConfig['kernelFunc'],
};
