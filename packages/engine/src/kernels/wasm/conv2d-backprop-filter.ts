import type { tf, KernelConfig, TensorInfo } from '../../tf';
import { Conv2DBackpropFilter } from '../../kernel-names';
import type { Conv2DBackpropFilterAttrs, Conv2DBackpropFilterInputs } from '../../kernel-names';
import { simdHeap } from '../simd/training-kernels';
import { addInto, splitPoint } from '../simd/split-work';
import { assertNhwc, convGeometry } from './conv-geometry';

const PIXEL_CHUNK = 256; // as in kernels/simd/conv-gradient-kernels.c

/**
 * dW of a conv2d on wasm with our SIMD kernel, in place on the heap. Why not
 * tf ops: a weight gradient contracts over all N*H*W pixels, and every fast
 * XNNPACK formulation (matMul of x^T and dy, or a forward conv with batch and
 * channels swapped) packs an activation-sized operand on each call, which
 * measured ~50 ms for a [16384, 96] operand against ~5 ms for the math.
 */
function conv2dBackpropFilter(args: {
  inputs: Conv2DBackpropFilterInputs;
  backend: tf.KernelBackend;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  assertNhwc(Conv2DBackpropFilter, attrs.dataFormat);
  const [kh, kw, , co] = attrs.filterShape;
  const g = convGeometry(Conv2DBackpropFilter, inputs.x!.shape, attrs.filterShape, attrs.strides, attrs.pad, attrs.dimRoundingMode, false);
  const simd = simdHeap(Conv2DBackpropFilter, backend);
  const out = simd.alloc([...attrs.filterShape]);
  const rows = simd.alloc([PIXEL_CHUNK]); // int32 scratch, same size as float32
  const { batch: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo } = g;
  const [x, dy] = [simd.offset(inputs.x!), simd.offset(inputs.dy!)];
  // Arguments of one call on images [first, first + count) into `into`.
  const callArgs = (first: number, count: number, into: TensorInfo, scratch: TensorInfo) => [
    x + first * h * w * ci * 4, dy + first * ho * wo * co * 4, simd.offset(into), simd.offset(scratch), count,
    h, w, ci, ho, wo, co, kh, kw, g.strideHeight, g.strideWidth, g.padTop, g.padLeft,
  ];
  const call = (a: number[]) => (simd.kernels.conv_filter_grad as (...v: number[]) => void)(...a);
  // Split by images: each thread sums its share into its own dW, added after.
  const mid = splitPoint(simd, n, n * ho * wo * kh * kw * ci * co);
  if (mid === undefined) {
    call(callArgs(0, n, out, rows));
  } else {
    const out2 = simd.alloc([...attrs.filterShape]);
    const rows2 = simd.alloc([PIXEL_CHUNK]);
    simd.helper!.both('conv_filter_grad', callArgs(mid, n - mid, out2, rows2), () => call(callArgs(0, mid, out, rows)));
    addInto(simd.view(out), simd.view(out2));
    simd.free(out2);
    simd.free(rows2);
  }
  simd.free(rows);
  return out;
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelConfig['kernelFunc'],
};
