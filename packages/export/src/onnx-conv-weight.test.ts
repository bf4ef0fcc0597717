import { describe, expect, it } from 'vitest';
import type { ConvNode } from './export-graph';
import { onnxConvWeight } from './onnx-conv-weight';

/** A 1x1 conv, 2 inputs -> 3 outputs, 2-bit codes in tfjs layout [1, 1, in, out]. */
function conv(codes: number[], channelScale: number[], depthwise = false): ConvNode {
  const step = 0.25;
  const outC = channelScale.length;
  const inC = depthwise ? outC : codes.length / outC;
  return {
    kind: 'conv', name: 'c', input: 'x', output: 'y', depthwise, kernel: 1, stride: 1, inC, outC, inH: 4, inW: 4, outH: 4, outW: 4,
    weight: {
      shape: depthwise ? [1, 1, outC, 1] : [1, 1, inC, outC],
      values: Float32Array.from(codes, (c) => c * step),
      codes: Int32Array.from(codes),
      quant: { bits: 2, signed: true, step },
    },
    channelScale: Float32Array.from(channelScale),
    bias: new Float32Array(outC),
  };
}

/** Dequantizes ONNX weights [out, in, 1, 1] and returns them in tfjs order [in, out]. */
function dequantizedTfjsOrder(n: ConvNode): number[] {
  const w = onnxConvWeight(n);
  const [outC, inPer] = w.dims as [number, number];
  const out: number[] = new Array(outC * inPer);
  for (let o = 0; o < outC; o++) for (let i = 0; i < inPer; i++) out[i * outC + o] = (w.codes![o * inPer + i]! - w.zeroPoints![o]!) * w.scales![o]!;
  return out;
}

describe('onnxConvWeight', () => {
  it('folds positive, negative and zero BN multipliers and keeps codes in the b-bit range', () => {
    // channel 0: a > 0; channel 1: a < 0 with the code -2 (= -Qn at 2 bits); channel 2: a < 0 without it; in 2 rows.
    const n = conv([1, -2, 1, -2, 0, -1], [1.5, -0.5, -2]);
    const w = onnxConvWeight(n);
    expect(w.dims).toEqual([3, 2, 1, 1]);
    expect(Array.from(w.zeroPoints!)).toEqual([0, -1, 0]);
    for (const c of w.codes!) expect(c >= -2 && c <= 1).toBe(true);
    const expected = Array.from(n.weight.values, (v, i) => v * n.channelScale[i % 3]!);
    dequantizedTfjsOrder(n).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    // a = 0: the channel vanishes
    const zero = onnxConvWeight(conv([1, -2, 1, -2, 0, -1], [1, 0, 1]));
    expect(Array.from(zero.codes!.subarray(2, 4))).toEqual([0, 0]);
  });

  it('takes each output channel\'s own step with channelSteps (scale_c = step_c·|a_c|)', () => {
    const n = conv([1, -2, 1, -2, 0, -1], [1.5, -0.5, -2]);
    const steps = [0.25, 0.5, 0.125];
    n.weight.quant = { ...n.weight.quant!, channelSteps: steps };
    n.weight.values = Float32Array.from(n.weight.codes!, (c, i) => c * steps[i % 3]!);
    const w = onnxConvWeight(n);
    expect(Array.from(w.scales!)).toEqual([0.375, 0.25, 0.25]);
    const expected = Array.from(n.weight.values, (v, i) => v * n.channelScale[i % 3]!);
    dequantizedTfjsOrder(n).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
  });

  it('reorders depthwise weights [k, k, C, 1] to [C, 1, k, k] and float weights get the fold multiplied in', () => {
    const n = conv([1, -1, 0], [2, -1, 1], true);
    expect(onnxConvWeight(n).dims).toEqual([3, 1, 1, 1]);
    const float: ConvNode = { ...n, weight: { shape: n.weight.shape, values: Float32Array.of(0.5, 1, 2) } };
    expect(Array.from(onnxConvWeight(float).values!)).toEqual([1, -1, 2]);
  });
});
