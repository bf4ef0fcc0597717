import { describe, expect, it } from 'vitest';
import { encodeModel } from './encode-model';
import { GraphBuilder } from './graph-builder';
import { affineParams, qdq, quantizedWeight } from './qdq';
import { decodeRawData } from './data-type';
import { QuantizationParamsError } from './errors';

// onnxruntime-node is a dependency: a missing runtime fails these tests instead of skipping them.
const ort = await import('onnxruntime-node');

/** 1x1 conv, 2 -> 3 channels on a 1x2x2x2 input, ReLU; float or QDQ. */
function convModel(quantized: boolean) {
  const weights = [0.5, -1, 0.25, 0.75, -0.5, 1];
  const g = new GraphBuilder('conv');
  const x = g.input('x', 'float32', [1, 2, 2, 2]);
  const xin = quantized ? qdq(g, x, affineParams(-2, 2, { dataType: 'uint8' })) : x;
  const w = quantized
    ? quantizedWeight(g, 'w', weights, [3, 2, 1, 1], { axis: 0 })
    : g.initializer('w', { dataType: 'float32', dims: [3, 2, 1, 1], values: weights });
  const b = g.initializer('b', { dataType: 'float32', dims: [3], values: [0, 0.1, -0.1] });
  const y = g.node('Relu', [g.node('Conv', [xin, w, b], { kernel_shape: [1, 1], pads: [0, 0, 0, 0], strides: [1, 1] })]);
  g.output(quantized ? qdq(g, y, affineParams(0, 4)) : y, 'float32', [1, 3, 2, 2]);
  return { bytes: encodeModel(g.build({ opset: 17 })), weights };
}

function reference(x: number[], weights: number[]): number[] {
  const bias = [0, 0.1, -0.1];
  const out: number[] = [];
  for (let o = 0; o < 3; o++) {
    for (let p = 0; p < 4; p++) out.push(Math.max(0, weights[o * 2]! * x[p]! + weights[o * 2 + 1]! * x[4 + p]! + bias[o]!));
  }
  return out;
}

describe('models run in onnxruntime-node', () => {
  const x = [0.1, -0.4, 1.2, 0.8, -1.5, 0.3, 0.9, -0.2];
  for (const quantized of [false, true]) {
    it(quantized ? 'int8 QDQ conv' : 'float conv', async () => {
      const { bytes, weights } = convModel(quantized);
      const session = await ort.InferenceSession.create(bytes);
      const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from(x), [1, 2, 2, 2]) });
      const y = Array.from(out[session.outputNames[0]!]!.data as Float32Array);
      const ref = reference(x, weights);
      const tol = quantized ? 0.05 : 1e-6;
      y.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThanOrEqual(tol));
      await session.release();
    });
  }
});

describe('quantization helpers', () => {
  it('quantizes weights per channel on the signed b-bit grid', () => {
    const g = new GraphBuilder();
    quantizedWeight(g, 'w', [1, -0.5, 4, 2], [2, 2], { bits: 4, axis: 0 });
    const init = g.build().graph.initializer;
    const q = decodeRawData('int8', init[0]!.rawData!);
    expect(q).toEqual([7, -4, 7, 4]); // Qp = 7; scales 1/7 and 4/7
    expect(decodeRawData('float32', init[1]!.rawData!)).toEqual([Math.fround(1 / 7), Math.fround(4 / 7)]);
  });

  it('covers a range with an exact zero', () => {
    const p = affineParams(-1, 3, { bits: 8, dataType: 'uint8' });
    expect(p.zeroPoint).toBe(64);
    expect(p.scale).toBeCloseTo(4 / 255);
  });

  it('rejects bad parameters with the value named', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [1]);
    expect(() => qdq(g, x, { scale: 0, zeroPoint: 0, dataType: 'uint8' })).toThrow(QuantizationParamsError);
    expect(() => qdq(g, x, { scale: 1, zeroPoint: 300, dataType: 'uint8' })).toThrow(/zero point 300/);
    expect(() => quantizedWeight(g, 'w', [1], [1], { bits: 9 })).toThrow(/bits must be 2-8, got 9/);
  });
});
