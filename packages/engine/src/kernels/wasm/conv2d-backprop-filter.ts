import { tf } from '../../tf';
import type { KernelConfig, TensorInfo } from '../../tf';
import { Conv2DBackpropFilter } from '../../kernel-names';
import type { Conv2DBackpropFilterAttrs, Conv2DBackpropFilterInputs } from '../../kernel-names';
import { assertNhwc, convGeometry, type ConvGeometry } from './conv-geometry';
import { asTensor, outputFromOps } from '../output-from-ops';

/**
 * 1x1, stride 1, no padding: dW = x^T dy over all N*H*W pixels, one matMul.
 * XNNPACK's matMul is fast only without transpose flags, so one operand is
 * transposed explicitly: the narrower one, which measured cheaper on wasm.
 */
function pointwiseFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  const ci = x.shape[3];
  const co = dy.shape[3];
  const pixels = x.size / ci;
  const x2 = x.reshape([pixels, ci]);
  const dy2 = dy.reshape([pixels, co]);
  const dw = ci <= co ? tf.matMul(x2.transpose(), dy2) : tf.matMul(dy2.transpose(), x2).transpose();
  return dw.reshape([1, 1, ci, co]);
}

/**
 * General case as one forward conv: with batch and channel axes swapped, x
 * becomes a [Ci, H, W, N] image and dy a [Ho, Wo, N, Co] filter applied with
 * dilation = stride; the output [Ci, kh, kw, Co] is the filter gradient.
 * Why: XNNPACK runs it ~20x faster than im2col + matMul on wasm.
 */
function swappedConvFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry, kh: number, kw: number): tf.Tensor4D {
  const [, ho, wo] = dy.shape;
  const image = x.transpose([3, 1, 2, 0]) as tf.Tensor4D;
  const filter = dy.transpose([1, 2, 0, 3]) as tf.Tensor4D;
  // Pad so the output is exactly kh x kw; when the forward conv never read
  // the last rows/columns the output comes out larger and is cropped (small).
  const bottom = kh + (ho - 1) * g.strideHeight - g.inHeight - g.padTop;
  const right = kw + (wo - 1) * g.strideWidth - g.inWidth - g.padLeft;
  const pad: tf.backend_util.ExplicitPadding = [
    [0, 0],
    [g.padTop, Math.max(0, bottom)],
    [g.padLeft, Math.max(0, right)],
    [0, 0],
  ];
  let out = tf.conv2d(image, filter, 1, pad, 'NHWC', [g.strideHeight, g.strideWidth]);
  if (bottom < 0 || right < 0) out = tf.slice(out, [0, 0, 0, 0], [out.shape[0], kh, kw, out.shape[3]]);
  return out.transpose([1, 2, 0, 3]);
}

function conv2dBackpropFilter(args: {
  inputs: Conv2DBackpropFilterInputs;
  backend: tf.KernelBackend;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  assertNhwc(Conv2DBackpropFilter, attrs.dataFormat);
  const [kh, kw] = attrs.filterShape;
  const g = convGeometry(Conv2DBackpropFilter, inputs.x!.shape, attrs.filterShape, attrs.strides, attrs.pad, attrs.dimRoundingMode, false);
  return outputFromOps(backend, () => {
    const x = asTensor<tf.Rank.R4>(inputs.x!, backend);
    const dy = asTensor<tf.Rank.R4>(inputs.dy!, backend);
    const pointwise = kh === 1 && kw === 1 && g.strideHeight === 1 && g.strideWidth === 1 && g.padTop === 0 && g.padLeft === 0;
    return pointwise ? pointwiseFilterGrad(x, dy) : swappedConvFilterGrad(x, dy, g, kh, kw);
  });
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelConfig['kernelFunc'],
};
