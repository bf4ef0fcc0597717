import { tf } from '../../tf';
import type { KernelConfig, TensorInfo } from '../../tf';
import { DepthwiseConv2dNativeBackpropInput } from '../../kernel-names';
import type {
  DepthwiseConv2dNativeBackpropInputAttrs,
  DepthwiseConv2dNativeBackpropInputInputs,
} from '../../kernel-names';
import { simdHeap } from '../simd/training-kernels';
import { splitPoint } from '../simd/split-work';
import { convGeometry, type ConvGeometry } from './conv-geometry';
import { asTensor, outputFromOps } from '../output-from-ops';
import { spreadGradient } from './spread-gradient';

/**
 * dx of a depthwise conv. Stride 1: a forward depthwise conv of the padded dy
 * with the flipped filter (each of the C*M dy channels against its own tap
 * set), then a sum over the channel multiplier: XNNPACK, multi-threaded.
 * Strided, multiplier 1: our SIMD kernel gathers taps per input pixel, doing
 * a quarter of the dilated conv's work at stride 2 and no dilation copy.
 * Why: wasm has no such kernel at all.
 */
function simdInputGrad(backend: tf.KernelBackend, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry, kh: number, kw: number): TensorInfo {
  const simd = simdHeap(DepthwiseConv2dNativeBackpropInput, backend);
  const { batch: n, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo } = g;
  const dx = simd.alloc([n, h, w, c]);
  const [dyo, fo, dxo] = [simd.offset(dy), simd.offset(filter), simd.offset(dx)];
  // Images [first, first + images): disjoint slices of dy and dx.
  const args = (first: number, images: number) => [
    dyo + first * ho * wo * c * 4, fo, dxo + first * h * w * c * 4,
    images, h, w, c, ho, wo, kh, kw, g.strideHeight, g.strideWidth, g.padTop, g.padLeft,
  ];
  const call = (a: number[]) => (simd.kernels.dw_input_grad as (...v: number[]) => void)(...a);
  const mid = splitPoint(simd, n, n * h * w * c * kh * kw);
  if (mid === undefined) call(args(0, n));
  else simd.helper!.both('dw_input_grad', args(mid, n - mid), () => call(args(0, mid)));
  return dx;
}

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
  if (filterShape[3] === 1 && (g.strideHeight > 1 || g.strideWidth > 1)) {
    return simdInputGrad(backend, inputs.dy!, inputs.filter!, g, filterShape[0]!, filterShape[1]!);
  }
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
