import { tf } from '../../tf';
import type { KernelConfig, TensorInfo } from '../../tf';
import { Conv2DBackpropInput } from '../../kernel-names';
import type { Conv2DBackpropInputAttrs, Conv2DBackpropInputInputs } from '../../kernel-names';
import { assertNhwc, convGeometry } from './conv-geometry';
import { asTensor, outputFromOps } from '../output-from-ops';
import { spreadGradient } from './spread-gradient';

/**
 * dx of a conv2d as a forward conv of the (dilated, padded) dy with the
 * flipped filter, in/out channels swapped. Why: wasm's own kernel is a scalar
 * loop, ~10x slower than this XNNPACK conv.
 */
function conv2dBackpropInput(args: {
  inputs: Conv2DBackpropInputInputs;
  backend: tf.KernelBackend;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  assertNhwc(Conv2DBackpropInput, attrs.dataFormat);
  const filterShape = inputs.filter!.shape;
  const g = convGeometry(Conv2DBackpropInput, attrs.inputShape, filterShape, attrs.strides, attrs.pad, attrs.dimRoundingMode, false);
  return outputFromOps(backend, () => {
    const dy = asTensor<tf.Rank.R4>(inputs.dy!, backend);
    const filter = asTensor<tf.Rank.R4>(inputs.filter!, backend);
    const [kh, kw] = filterShape;
    // [kh, kw, in, out] -> flipped [kh, kw, out, in]
    let flipped = filter.transpose([0, 1, 3, 2]) as tf.Tensor4D;
    if (kh > 1 || kw > 1) flipped = tf.reverse(flipped, [0, 1]);
    const { spread, pad } = spreadGradient(dy, g);
    const plain = pad.every(([a, b]) => a === 0 && b === 0);
    return tf.conv2d(spread, flipped, 1, plain ? 'valid' : pad);
  });
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as KernelConfig['kernelFunc'],
};
