import { quantRange } from '@oqat/quant';
import type { ConvNode } from './export-graph';

/** A conv weight in ONNX layout ([out, in/group, k, k]) with BN folded in. */
export interface OnnxConvWeight {
  dims: number[];
  /** float layers: the folded float weight */
  values?: Float32Array;
  /** quantized layers: integer codes within the layer's b-bit range */
  codes?: Int32Array;
  /** quantized layers: per-output-channel scale step·|γ/√(σ²+ε)| (step: the channel's own with channelSteps) */
  scales?: Float32Array;
  /** quantized layers: per-output-channel zero point, 0 or -1 (see onnxConvWeight) */
  zeroPoints?: Int32Array;
}

/**
 * Reorders a conv weight from tfjs layout to ONNX's and folds the BN
 * multiplier a_c into it. Quantized layers keep their integer grid: the
 * effective weight code·step·a_c becomes codes' · scale_c with scale_c =
 * step·|a_c| > 0, so a negative a_c flips the codes' sign. The code -Qn has
 * no b-bit negation, so a negative channel holding it stores -code-1 with
 * zero point -1 instead ((−code−1) − (−1) = −code): every stored value stays
 * inside the b-bit range, and DequantizeLinear yields code·step·a_c exactly.
 * A channel with a_c = 0 contributes nothing: its codes become 0.
 */
export function onnxConvWeight(n: ConvNode): OnnxConvWeight {
  const k = n.kernel;
  const outC = n.outC;
  const inPerGroup = n.depthwise ? 1 : n.inC;
  const dims = [outC, inPerGroup, k, k];
  // ONNX element (o, i, y, x) comes from tfjs (y, x, i, o), or (y, x, o, 0) for depthwise.
  const source = (o: number, i: number, y: number, x: number): number =>
    n.depthwise ? (y * k + x) * outC + o : ((y * k + x) * n.inC + i) * outC + o;
  const count = outC * inPerGroup * k * k;
  const order = new Int32Array(count);
  let at = 0;
  for (let o = 0; o < outC; o++) for (let i = 0; i < inPerGroup; i++) for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) order[at++] = source(o, i, y, x);
  const perChannel = count / outC;

  const { weight, channelScale } = n;
  if (!weight.codes || !weight.quant) {
    return { dims, values: Float32Array.from(order, (src) => weight.values[src]! * channelScale[src % outC]!) };
  }
  const { step: tensorStep, channelSteps } = weight.quant;
  const { qn } = quantRange(weight.quant.bits, true);
  const codes = Int32Array.from(order, (src) => weight.codes![src]!);
  const scales = new Float32Array(outC);
  const zeroPoints = new Int32Array(outC);
  for (let o = 0; o < outC; o++) {
    const a = channelScale[o]!;
    const step = channelSteps?.[o] ?? tensorStep;
    const scale = Math.fround(step * Math.abs(a));
    const slice = codes.subarray(o * perChannel, (o + 1) * perChannel);
    if (!(scale > 0)) {
      slice.fill(0);
      scales[o] = step;
    } else if (a < 0) {
      const shift = slice.includes(-qn) ? -1 : 0;
      for (let j = 0; j < slice.length; j++) slice[j] = -slice[j]! + shift;
      scales[o] = scale;
      zeroPoints[o] = shift;
    } else {
      scales[o] = scale;
    }
  }
  return { dims, codes, scales, zeroPoints };
}
