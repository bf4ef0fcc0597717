import type { tf, KernelConfig, TensorInfo } from '../../tf';
import { SgdMomentumUpdate } from '../../kernel-names';
import type { SgdMomentumUpdateAttrs, SgdMomentumUpdateInputs } from '../../kernel-names';
import { simdHeap } from '../simd/training-kernels';

/** The update in one SIMD pass into two new buffers (inputs stay immutable). */
function sgdMomentumUpdate(args: {
  inputs: SgdMomentumUpdateInputs;
  backend: tf.KernelBackend;
  attrs: SgdMomentumUpdateAttrs;
}): TensorInfo[] {
  const { inputs: i, backend, attrs } = args;
  const simd = simdHeap(SgdMomentumUpdate, backend);
  const shape = [...i.variable.shape];
  const variable = simd.alloc(shape);
  const velocity = simd.alloc(shape);
  const count = shape.reduce((a, b) => a * b, 1);
  const { offset } = simd;
  simd.kernels.sgd_momentum(
    offset(i.variable), offset(i.velocity), offset(i.gradient), offset(variable), offset(velocity),
    count, attrs.learningRate, attrs.momentum, attrs.weightDecay ?? 0, attrs.gradScale ?? 1, attrs.nesterov ? 1 : 0, attrs.bounded ? 1 : 0,
  );
  return [variable, velocity];
}

export const sgdMomentumUpdateWasmConfig: KernelConfig = {
  kernelName: SgdMomentumUpdate,
  backendName: 'wasm',
  kernelFunc: sgdMomentumUpdate as unknown as KernelConfig['kernelFunc'],
};
