import { tf } from '../tf';
import type { Tensor, TensorInfo } from '../tf';

/**
 * Runs tf ops inside a kernel and hands their result to the engine as the
 * kernel's output. Why: composing fast wasm ops (XNNPACK conv, matMul) is
 * how our gradient kernels stay fast; the engine turns the returned info into
 * a new tensor, so the result's buffer gets one extra backend reference
 * before the tidy scope disposes everything it created.
 */
export function outputFromOps(backend: tf.KernelBackend, compute: () => Tensor): TensorInfo {
  return outputsFromOps(backend, () => [compute()])[0]!;
}

/** outputFromOps for kernels with several outputs. */
export function outputsFromOps(backend: tf.KernelBackend, compute: () => Tensor[]): TensorInfo[] {
  // Tensor ids only grow: anything older than this marker is a caller's
  // tensor (an input returned as is), which must not be disposed here.
  const marker = tf.scalar(0);
  const firstNewId = marker.id;
  marker.dispose();
  const results = tf.tidy(() => {
    const outs = compute();
    for (const out of outs) backend.incRef(out.dataId);
    return outs;
  });
  return results.map((result) => {
    const info: TensorInfo = { dataId: result.dataId, shape: result.shape, dtype: result.dtype };
    if (result.id >= firstNewId) result.dispose();
    return info;
  });
}

/**
 * A kernel input as a Tensor that ops accept. Inputs coming from ops already
 * are Tensors; a bare TensorInfo is wrapped without copying, with one backend
 * reference taken so that disposing the wrapper (by the enclosing tidy) leaves
 * the caller's buffer alive. Call it inside outputFromOps' compute.
 */
export function asTensor<R extends tf.Rank>(info: TensorInfo, backend: tf.KernelBackend): tf.Tensor<R> {
  if (info instanceof tf.Tensor) return info as tf.Tensor<R>;
  backend.incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info, backend) as tf.Tensor<R>;
}
