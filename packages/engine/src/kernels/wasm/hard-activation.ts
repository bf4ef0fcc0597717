import type { tf, KernelConfig, TensorInfo } from '../../tf';
import { HardActivation } from '../../kernel-names';
import type { HardActivationAttrs, HardActivationInputs, HardActivationKind } from '../../kernel-names';
import { simdHeap } from '../simd/training-kernels';
import { runRows } from '../simd/split-work';

/** The `kind` argument of activation-kernels.c. */
export const ACTIVATION_CODES: Record<HardActivationKind, number> = { hswish: 0, hsigmoid: 1, relu6: 2 };

/** HardActivation on wasm: one SIMD pass (activation-kernels.c), halves on the helper thread when large. */
function hardActivation(args: { inputs: HardActivationInputs; backend: tf.KernelBackend; attrs: HardActivationAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const simd = simdHeap(HardActivation, backend);
  const y = simd.alloc([...inputs.x.shape]);
  const count = inputs.x.shape.reduce((a, b) => a * b, 1);
  const [xo, yo, kind] = [simd.offset(inputs.x), simd.offset(y), ACTIVATION_CODES[attrs.activation]];
  runRows(simd, 'act_forward', count, count, (first, n) => [xo + first * 4, yo + first * 4, n, kind]);
  return y;
}

export const hardActivationWasmConfig: KernelConfig = {
  kernelName: HardActivation,
  backendName: 'wasm',
  kernelFunc: hardActivation as unknown as KernelConfig['kernelFunc'],
};
