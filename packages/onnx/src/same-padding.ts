/**
 * TensorFlow's 'SAME' padding, the one rule for every strided window in the
 * project (the supernet's convs, the layer IR's output sizes, the exported and
 * the profiled ONNX graphs). It lives here because ONNX's `pads` attribute is
 * where it must be spelled out; every other package reads it from here.
 */

/** Output side of a 'same'-padded window: ceil(size / stride). */
export function sameOutputSize(size: number, stride: number): number {
  return Math.ceil(size / stride);
}

/**
 * Padding of one spatial axis as ONNX's `pads` wants it: [before, after], the
 * odd one after. `out` defaults to SAME's output size (a layer of the IR may
 * state its own).
 */
export function samePads(size: number, kernel: number, stride: number, out = sameOutputSize(size, stride)): [number, number] {
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}
