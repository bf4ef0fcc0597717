import type { tf, KernelConfig, TensorInfo } from '../../tf';
import { BatchNormTrainGrad } from '../../kernel-names';
import type { BatchNormTrainGradAttrs, BatchNormTrainGradInputs } from '../../kernel-names';
import { simdHeap } from '../simd/training-kernels';

/**
 * BatchNormTrainGrad on wasm in two SIMD passes over the activations:
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
  const sums = simd.alloc([4 * c]); // 2*c doubles
  const partial = simd.alloc([2 * c]);
  const { kernels: k, offset } = simd;
  k.bn_grad_sums(offset(i.dy), offset(i.y), offset(i.x), offset(g), offset(sums), offset(partial), pixels, c, attrs.relu ? 1 : 0);
  const total = new Float64Array(simd.memory.buffer, offset(sums), 2 * c).slice();
  simd.free(sums);
  simd.free(partial);

  const scale = simd.view(i.scale);
  const mean = simd.view(i.mean);
  const variance = simd.view(i.variance);
  const coef = simd.alloc([3 * c]);
  const dScale = simd.alloc([c]);
  const dOffset = simd.alloc([c]);
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
  k.bn_grad_apply(offset(g), offset(i.x), offset(coef), offset(dx), pixels, c);
  simd.free(g);
  simd.free(coef);
  return [dx, dScale, dOffset];
}

export const batchNormTrainGradWasmConfig: KernelConfig = {
  kernelName: BatchNormTrainGrad,
  backendName: 'wasm',
  kernelFunc: batchNormTrainGrad as unknown as KernelConfig['kernelFunc'],
};
