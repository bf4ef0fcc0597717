import { tf } from '../../tf';
import type { KernelConfig, TensorInfo } from '../../tf';

interface BatchMatMulArgs {
  inputs: { a: TensorInfo; b: TensorInfo };
  backend: tf.KernelBackend;
  attrs: { transposeA: boolean; transposeB: boolean };
}

/**
 * Wraps tfjs-wasm's BatchMatMul so that transposed operands are transposed
 * first (wasm's Transpose kernel, one copy) and the product always takes
 * XNNPACK's path. Why: wasm uses XNNPACK only without transpose flags and
 * otherwise a scalar loop (~1 GMAC/s); every matMul gradient sets a flag
 * (dA = dy*B^T, dB = A^T*dy): the linear layers' and squeeze-excite's
 * gradients were 10 % of a supernet step. Same products, same sums.
 */
export function batchMatMulWasmConfig(shipped: KernelConfig): KernelConfig {
  const product = shipped.kernelFunc as unknown as (args: BatchMatMulArgs) => TensorInfo;
  const transposeKernel = tf.getKernel('Transpose', 'wasm')!.kernelFunc as unknown as (args: {
    inputs: { x: TensorInfo };
    backend: tf.KernelBackend;
    attrs: { perm: number[] };
  }) => TensorInfo;
  function batchMatMul(args: BatchMatMulArgs): TensorInfo {
    const { inputs, backend, attrs } = args;
    if (!attrs.transposeA && !attrs.transposeB) return product(args);
    const temporaries: TensorInfo[] = [];
    const upright = (x: TensorInfo, transposed: boolean): TensorInfo => {
      if (!transposed) return x;
      const r = x.shape.length;
      const perm = [...Array(r - 2).keys(), r - 1, r - 2];
      const t = transposeKernel({ inputs: { x }, backend, attrs: { perm } });
      temporaries.push(t);
      return t;
    };
    const a = upright(inputs.a, attrs.transposeA);
    const b = upright(inputs.b, attrs.transposeB);
    const out = product({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    for (const t of temporaries) backend.disposeData(t.dataId);
    return out;
  }
  return { ...shipped, kernelFunc: batchMatMul as unknown as KernelConfig['kernelFunc'] };
}
