import type { tf, KernelConfig, TensorInfo } from '../../tf';
import { LsqFakeQuantizeGrad } from '../../kernel-names';
import type { LsqFakeQuantizeGradAttrs, LsqFakeQuantizeGradInputs } from '../../kernel-names';
import { simdHeap } from '../simd/training-kernels';
import { freeLsqRows, lsqRows, runLsqRows } from './lsq-fake-quantize';

/**
 * LsqFakeQuantizeGrad on wasm: one SIMD pass over dy and x writes dx and
 * per-lane float64 sums of the step gradient (one set per part: the two
 * thread halves and the tail); the sums are folded to the step's channels
 * and scaled here in JS. Replaces ~13 ops.
 */
function lsqFakeQuantizeGrad(args: {
  inputs: LsqFakeQuantizeGradInputs;
  backend: tf.KernelBackend;
  attrs: LsqFakeQuantizeGradAttrs;
}): TensorInfo[] {
  const { inputs: i, backend, attrs } = args;
  const simd = simdHeap(LsqFakeQuantizeGrad, backend);
  const dx = simd.alloc([...i.x.shape]);
  const dStep = simd.alloc([...i.step.shape]);
  const layout = lsqRows(simd, i.x, i.step);
  const { width, channels } = layout;
  // Per part: `width` doubles of sums, then `width` floats of partial sums.
  const scratch = simd.alloc([3 * 3 * width]);
  const { offset } = simd;
  const [dyo, xo, so, dxo, sums] = [offset(i.dy), offset(i.x), offset(layout.step), offset(dx), offset(scratch)];
  const parts = runLsqRows(simd, 'lsq_backward', layout, (at, rows, w, part) => [
    dyo + at, xo + at, so, dxo + at, sums + part * width * 8, sums + 3 * width * 8 + part * width * 4,
    rows, w, -attrs.qn, attrs.qp,
  ]);
  const total = new Float64Array(channels);
  for (const part of parts) {
    const lanes = part === 2 ? layout.tail : width;
    const partSums = new Float64Array(simd.memory.buffer, sums + part * width * 8, lanes);
    for (let j = 0; j < lanes; j++) total[j % channels]! += partSums[j]!;
  }
  const dStepView = simd.view(dStep);
  for (let ch = 0; ch < channels; ch++) dStepView[ch] = attrs.gradScale * total[ch]!;
  simd.free(scratch);
  freeLsqRows(simd, layout, i.step);
  return [dx, dStep];
}

export const lsqFakeQuantizeGradWasmConfig: KernelConfig = {
  kernelName: LsqFakeQuantizeGrad,
  backendName: 'wasm',
  kernelFunc: lsqFakeQuantizeGrad as unknown as KernelConfig['kernelFunc'],
};
