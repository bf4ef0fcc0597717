import type { tf, KernelConfig, TensorInfo } from '../../tf';
import { BatchNormTrainGrad } from '../../kernel-names';
import type { BatchNormTrainGradAttrs, BatchNormTrainGradInputs } from '../../kernel-names';
import { simdHeap } from '../simd/training-kernels';
import { addInto, runRows, splitPoint } from '../simd/split-work';

/**
 * BatchNormTrainGrad on wasm in two SIMD passes over the activations (each
 * split over two threads when the helper thread exists):
 * (1) g = dy masked by y > 0 (ReLU) with the sums of g and g*x per channel,
 * (2) dx = g*k1 + x*k2 + k3 per channel. The closed form is the composite
 * kernel's (kernels/composite/batch-norm-train-grad.ts); here the per-channel
 * coefficients are computed in float64 in JS. Replaces ~10 tf ops.
 */
function batchNormTrainGrad(args: {
  inputs: BatchNormTrainGradInputs;
  backend: tf.KernelBackend;
  attrs: BatchNormTrainGradAttrs;
}): TensorInfo[] {
  const { inputs: i, backend, attrs } = args;
  const simd = simdHeap(BatchNormTrainGrad, backend);
  const shape = i.x.shape;
  const c = shape[3]!;
  const pixels = shape.reduce((a, b) => a * b, 1) / c;

  const g = simd.alloc(shape);
  const { kernels: k, offset } = simd;
  const [dyo, yo, xo, go] = [offset(i.dy), offset(i.y), offset(i.x), offset(g)];
  const relu = attrs.relu ? 1 : 0;
  const scratch = () => [simd.alloc([4 * c]), simd.alloc([2 * c])]; // 2c doubles, 2c floats
  const read = (t: TensorInfo) => new Float64Array(simd.memory.buffer, offset(t), 2 * c).slice();
  // Pass 1 on pixels [first, first + count): g and the per-channel sums.
  const sumArgs = (first: number, count: number, sums: TensorInfo, partial: TensorInfo) => {
    const at = first * c * 4;
    return [dyo + at, yo + at, xo + at, go + at, offset(sums), offset(partial), count, c, relu];
  };
  const pass1 = (a: number[]) => (k.bn_grad_sums as (...v: number[]) => void)(...a);
  const [sums, partial] = scratch() as [TensorInfo, TensorInfo];
  const mid = splitPoint(simd, pixels, pixels * c);
  let total: Float64Array;
  if (mid === undefined) {
    pass1(sumArgs(0, pixels, sums, partial));
    total = read(sums);
  } else {
    const [sums2, partial2] = scratch() as [TensorInfo, TensorInfo];
    simd.helper!.both('bn_grad_sums', sumArgs(mid, pixels - mid, sums2, partial2), () => pass1(sumArgs(0, mid, sums, partial)));
    total = read(sums);
    addInto(total, read(sums2));
    simd.free(sums2);
    simd.free(partial2);
  }
  simd.free(sums);
  simd.free(partial);

  const coef = simd.alloc([3 * c]);
  const dScale = simd.alloc([c]);
  const dOffset = simd.alloc([c]);
  // Views after the allocations: a heap growth detaches older views.
  const scale = simd.view(i.scale);
  const mean = simd.view(i.mean);
  const variance = simd.view(i.variance);
  const coefView = simd.view(coef);
  const dScaleView = simd.view(dScale);
  const dOffsetView = simd.view(dOffset);
  for (let ch = 0; ch < c; ch++) {
    const rstd = 1 / Math.sqrt(variance[ch]! + attrs.varianceEpsilon);
    const meanG = total[ch]! / pixels;
    const meanGXhat = rstd * (total[c + ch]! / pixels - mean[ch]! * meanG);
    const k1 = scale[ch]! * rstd;
    const k2 = -k1 * rstd * meanGXhat;
    coefView[ch] = k1;
    coefView[c + ch] = k2;
    coefView[2 * c + ch] = -k1 * meanG - k2 * mean[ch]!;
    dScaleView[ch] = meanGXhat * pixels;
    dOffsetView[ch] = meanG * pixels;
  }
  const dx = simd.alloc(shape);
  // Pass 2 on pixels [first, first + count).
  const [coefo, dxo] = [offset(coef), offset(dx)];
  runRows(simd, 'bn_grad_apply', pixels, pixels * c, (first, count) => {
    const at = first * c * 4;
    return [go + at, xo + at, coefo, dxo + at, count, c];
  });
  simd.free(g);
  simd.free(coef);
  return [dx, dScale, dOffset];
}

export const batchNormTrainGradWasmConfig: KernelConfig = {
  kernelName: BatchNormTrainGrad,
  backendName: 'wasm',
  kernelFunc: batchNormTrainGrad as unknown as KernelConfig['kernelFunc'],
};
