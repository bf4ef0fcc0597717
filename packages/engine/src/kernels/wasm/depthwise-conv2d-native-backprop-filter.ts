import type { tf, KernelConfig, TensorInfo } from '../../tf';
import { DepthwiseConv2dNativeBackpropFilter } from '../../kernel-names';
import type {
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropFilterInputs,
} from '../../kernel-names';
import { convGeometry, type ConvGeometry } from './conv-geometry';
import { simdHeap } from '../simd/training-kernels';
import { addInto, splitPoint } from '../simd/split-work';
import { asWasmHeapBackend, heapViews } from './wasm-heap';

/**
 * dW[ky,kx,c,m] = sum over n,oy,ox of x[n, oy*s+ky-pt, ox*s+kx-pl, c] *
 * dy[n, oy, ox, c*M+m]. Multiplier 1 (every depthwise layer we train) runs
 * our SIMD kernel in place on the wasm heap; any other multiplier runs this
 * plain JS loop (correct, ~10x slower). Why not tf ops: every formulation
 * needs layout ops that are slow on wasm (strided slices, phase splits,
 * depthwise convs with large kernels).
 */
function accumulate(x: Float32Array, dy: Float32Array, g: ConvGeometry, kh: number, kw: number, m: number): Float64Array {
  const c = g.inChannels;
  const cm = c * m;
  const acc = new Float64Array(kh * kw * cm);
  for (let n = 0; n < g.batch; n++) {
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++) {
        const dyBase = ((n * g.outHeight + oy) * g.outWidth + ox) * cm;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * g.strideHeight + ky - g.padTop;
          if (iy < 0 || iy >= g.inHeight) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * g.strideWidth + kx - g.padLeft;
            if (ix < 0 || ix >= g.inWidth) continue;
            const xBase = ((n * g.inHeight + iy) * g.inWidth + ix) * c;
            const accBase = (ky * kw + kx) * cm;
            if (m === 1) {
              for (let ch = 0; ch < c; ch++) acc[accBase + ch]! += x[xBase + ch]! * dy[dyBase + ch]!;
            } else {
              for (let ch = 0; ch < c; ch++) {
                const xv = x[xBase + ch]!;
                for (let j = 0; j < m; j++) acc[accBase + ch * m + j]! += xv * dy[dyBase + ch * m + j]!;
              }
            }
          }
        }
      }
    }
  }
  return acc;
}

function simdFilterGrad(backend: tf.KernelBackend, x: TensorInfo, dy: TensorInfo, g: ConvGeometry, kh: number, kw: number): TensorInfo {
  const simd = simdHeap(DepthwiseConv2dNativeBackpropFilter, backend);
  const { batch: n, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo } = g;
  const count = kh * kw * c;
  const scratch = () => [simd.alloc([count]), simd.alloc([2 * count])]; // float32 partial, float64 total
  const out = simd.alloc([kh, kw, c, 1]);
  const [partial, total] = scratch() as [TensorInfo, TensorInfo];
  const [xo, dyo] = [simd.offset(x), simd.offset(dy)];
  // Arguments of one call on images [first, first + images) into `into`.
  const args = (first: number, images: number, into: TensorInfo, p: TensorInfo, t: TensorInfo) => [
    xo + first * h * w * c * 4, dyo + first * ho * wo * c * 4, simd.offset(into), simd.offset(p), simd.offset(t),
    images, h, w, c, ho, wo, kh, kw, g.strideHeight, g.strideWidth, g.padTop, g.padLeft,
  ];
  const call = (a: number[]) => (simd.kernels.dw_filter_grad as (...v: number[]) => void)(...a);
  const mid = splitPoint(simd, n, n * ho * wo * count);
  if (mid === undefined) {
    call(args(0, n, out, partial, total));
  } else {
    const out2 = simd.alloc([kh, kw, c, 1]);
    const [partial2, total2] = scratch() as [TensorInfo, TensorInfo];
    simd.helper!.both('dw_filter_grad', args(mid, n - mid, out2, partial2, total2), () => call(args(0, mid, out, partial, total)));
    addInto(simd.view(out), simd.view(out2));
    [out2, partial2, total2].forEach(simd.free);
  }
  simd.free(partial);
  simd.free(total);
  return out;
}

function depthwiseConv2dNativeBackpropFilter(args: {
  inputs: DepthwiseConv2dNativeBackpropFilterInputs;
  backend: tf.KernelBackend;
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const heap = asWasmHeapBackend(DepthwiseConv2dNativeBackpropFilter, backend);
  const [kh, kw, , m] = attrs.filterShape;
  const g = convGeometry(
    DepthwiseConv2dNativeBackpropFilter,
    inputs.x!.shape,
    attrs.filterShape,
    attrs.strides,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
    attrs.dilations,
  );
  if (m === 1) return simdFilterGrad(backend, inputs.x!, inputs.dy!, g, kh, kw);
  const { out, outData, inData } = heapViews(heap, [...attrs.filterShape], [inputs.x!, inputs.dy!]);
  outData.set(accumulate(inData[0]!, inData[1]!, g, kh, kw, m));
  return out;
}

export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter as unknown as KernelConfig['kernelFunc'],
};
