import { tf } from '../../tf';
import type { KernelConfig, TensorInfo } from '../../tf';
import { DepthwiseConv2dNativeBackpropInput } from '../../kernel-names';
import type {
  DepthwiseConv2dNativeBackpropInputAttrs,
  DepthwiseConv2dNativeBackpropInputInputs,
} from '../../kernel-names';
import { convGeometry } from './conv-geometry';
import { asTensor, outputFromOps } from '../output-from-ops';
import { spreadGradient } from './spread-gradient';

/**
 * dx of a depthwise conv: a forward depthwise conv of the dilated dy with the
 * flipped filter (each of the C*M dy channels against its own tap set), then
 * a sum over the channel multiplier. Why: wasm has no such kernel, and its
 * forward depthwise conv is XNNPACK-fast for 2x2, 3x3 and 5x5 kernels.
 */
function depthwiseConv2dNativeBackpropInput(args: {
  inputs: DepthwiseConv2dNativeBackpropInputInputs;
  backend: tf.KernelBackend;
  attrs: DepthwiseConv2dNativeBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const filterShape = inputs.filter!.shape;
  const g = convGeometry(
    DepthwiseConv2dNativeBackpropInput,
    attrs.inputShape,
    filterShape,
    attrs.strides,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
    attrs.dilations,
  );
  return outputFromOps(backend, () => {
    const dy = asTensor<tf.Rank.R4>(inputs.dy!, backend);
    const filter = asTensor<tf.Rank.R4>(inputs.filter!, backend);
    const [kh, kw, c, m] = filterShape as [number, number, number, number];
    let flipped = filter.reshape([kh, kw, c * m, 1]) as tf.Tensor4D;
    if (kh > 1 || kw > 1) flipped = tf.reverse(flipped, [0, 1]);
    const { spread, pad } = spreadGradient(dy, g);
    const plain = pad.every(([a, b]) => a === 0 && b === 0);
    const dx = tf.depthwiseConv2d(spread, flipped, 1, plain ? 'valid' : pad);
    if (m === 1) return dx;
    const [n, h, w] = dx.shape;
    return tf.sum(dx.reshape([n, h, w, c, m]), 4);
  });
}

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput as unknown as KernelConfig['kernelFunc'],
};
