import { decodeModel } from '@oqat/onnx';
import { describe, expect, it } from 'vitest';
import type { LayerDesc } from '../ir/layer-desc';
import { createRng } from '@oqat/core';
import { randomSubnetLayers, SMALL_OFA_SPACE } from '../space/random-subnet.test-support';
import { buildOnnxNetwork } from './onnx-network';
import { loadOnnxRuntime } from './ort-runtime';

// onnxruntime-node is a dependency: a missing runtime fails these tests instead of skipping them.
const ort = await loadOnnxRuntime();
const base = { inH: 8, inW: 8, kernel: 1, stride: 1, groups: 1 } as const;
const EVERY_OP: LayerDesc[] = [
  { ...base, op: 'conv', inC: 4, outC: 8, kernel: 3, stride: 2, act: 'hswish', wBits: 8, aBits: 8 },
  { ...base, op: 'dwconv', inH: 4, inW: 4, inC: 8, outC: 8, kernel: 5, groups: 8, act: 'relu6', wBits: 8, aBits: 8 },
  { ...base, op: 'se', inH: 4, inW: 4, inC: 8, outC: 8, act: 'hsigmoid', wBits: 8, aBits: 8 },
  { ...base, op: 'conv', inH: 4, inW: 4, inC: 8, outC: 8, groups: 2, act: 'none', wBits: 32, aBits: 32 },
  { ...base, op: 'add', inH: 4, inW: 4, inC: 8, outC: 8, wBits: 4, aBits: 4 },
  { ...base, op: 'mul', inH: 4, inW: 4, inC: 8, outC: 8, act: 'sigmoid', wBits: 32, aBits: 32 },
  { ...base, op: 'concat', inH: 4, inW: 4, inC: 8, outC: 12, wBits: 8, aBits: 8 },
  { ...base, op: 'upsample', inH: 4, inW: 4, inC: 12, outC: 12, stride: 2, wBits: 8, aBits: 8 },
  { ...base, op: 'maxpool', inH: 8, inW: 8, inC: 12, outC: 12, kernel: 3, stride: 2, wBits: 32, aBits: 32 },
  { ...base, op: 'activation', inH: 4, inW: 4, inC: 12, outC: 12, act: 'relu', wBits: 8, aBits: 8 },
  { ...base, op: 'avgpool', inH: 4, inW: 4, inC: 12, outC: 12, kernel: 4, stride: 4, wBits: 8, aBits: 8 },
  { ...base, op: 'fc', inH: 1, inW: 1, inC: 12, outC: 10, wBits: 8, aBits: 8 },
];

describe('buildOnnxNetwork', () => {
  it('writes int8 QDQ for layers at <= 8 bits and float above', () => {
    const net = buildOnnxNetwork(EVERY_OP, createRng(1));
    expect(net.quantizedLayers).toBe(9);
    const ops = decodeModel(net.bytes).graph.node.map((n) => n.opType);
    expect(ops).toContain('QuantizeLinear');
    expect(ops).toContain('DequantizeLinear');
    const float = buildOnnxNetwork(EVERY_OP.map((l) => ({ ...l, wBits: 32, aBits: 32 })), createRng(1));
    expect(float.quantizedLayers).toBe(0);
    expect(decodeModel(float.bytes).graph.node.map((n) => n.opType)).not.toContain('QuantizeLinear');
  });

  it('builds the same graph at 2 and 8 bits on cpu-ort: fewer bits do not help there', () => {
    const layers = randomSubnetLayers(createRng(4), { ...SMALL_OFA_SPACE, bits: [8] }).slice(0, 24);
    const shape = (bits: number) =>
      decodeModel(buildOnnxNetwork(layers.map((l) => (l.wBits === 8 ? { ...l, wBits: bits, aBits: bits } : l)), createRng(1)).bytes).graph.node.map(
        (n) => `${n.opType}:${n.input.length}`,
      );
    expect(shape(2)).toEqual(shape(8));
  });
});

describe('ONNX networks in onnxruntime-node', () => {
  it('runs every op, float and int8 QDQ, with the shapes the IR says', async () => {
    for (const bits of [32, 8]) {
      const layers = EVERY_OP.map((l) => (l.wBits !== 32 || bits === 8 ? { ...l, wBits: bits, aBits: bits } : l));
      const net = buildOnnxNetwork(layers, createRng(2));
      const session = await ort.InferenceSession.create(net.bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
      const feeds = Object.fromEntries(
        net.feeds.map((f) => [f.name, new ort.Tensor('float32', new Float32Array(f.dims.reduce((a, b) => a * b, 1)).fill(0.5), f.dims)]),
      );
      const out = await session.run(feeds);
      const last = out[net.outputs[net.outputs.length - 1]!]!;
      expect(last.dims).toEqual([1, 10, 1, 1]);
      expect(Array.from(last.data as Float32Array).every(Number.isFinite)).toBe(true);
      await session.release();
    }
  });
});
