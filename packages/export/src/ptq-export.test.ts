import { initEngine, tf } from '@oqat/engine';
import { calibrateSubject, ptqNetwork, ptqSubject, type PtqSubject, type StaticMobileNet } from '@oqat/search';
import { maxAbsDiff, TINY_SPECS, tinyExportFixture, type TinyExportFixture } from '@oqat/search/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExportGraph } from './build-export-graph';
import { MultiTensorExportError } from './errors';
import { weightNodes } from './export-graph';
import { tfjsGraphModel } from './tfjs-graph-model';

// Post-training quantized networks (MMSE, @oqat/search ptq): per-channel steps export, sums of tensors are refused.
describe('export of post-training quantized networks', () => {
  let f: TinyExportFixture;
  let subject: PtqSubject;

  beforeAll(async () => {
    await initEngine({ backend: 'wasm' });
    f = tinyExportFixture(7);
    subject = ptqSubject(f.net, TINY_SPECS.float!, f.bn, f.bn);
  });
  afterAll(() => {
    subject.dispose();
    f.dispose();
  });

  const network = (multiTensor: boolean): StaticMobileNet => ptqNetwork(subject.float, calibrateSubject(subject, {
    bits: 4, fixedBits: 8, granularity: 'channel', calibration: 'mse', ...(multiTensor ? { multiTensor: { terms: 2, factor: 1.2 } } : {}),
  }).config);

  it('per-channel INT4: every weight keeps its per-channel codes, and the tfjs model computes what the app computes', async () => {
    const net = network(false);
    try {
      const graph = buildExportGraph(net);
      const dw = weightNodes(graph).find((n) => n.kind === 'conv' && n.depthwise)!;
      const steps = dw.weight.quant!.channelSteps!;
      expect(steps).toHaveLength(dw.weight.shape[2]!);
      expect(dw.weight.values.every((v, i) => Math.abs(v - dw.weight.codes![i]! * steps[i % steps.length]!) <= 1e-6 * Math.abs(v))).toBe(true);
      const expected = tf.tidy(() => Float32Array.from(net.forward(f.images).dataSync()));
      const { modelJson, weightData } = tfjsGraphModel(graph);
      const model = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0]!.weights, weightData: weightData.buffer as ArrayBuffer }));
      const got = tf.tidy(() => Float32Array.from((model.predict(f.images) as tf.Tensor).dataSync()));
      model.dispose();
      expect(maxAbsDiff(got, expected)).toBeLessThan(1e-4 * Math.max(1, maxAbsDiff(expected, new Float32Array(expected.length))));
    } finally {
      net.dispose();
    }
  });

  it('a layer whose weights are a sum of low-precision tensors is refused in one line', () => {
    const net = network(true);
    try {
      expect(() => buildExportGraph(net)).toThrow(MultiTensorExportError);
      expect(() => buildExportGraph(net)).toThrow(/is quantized as a sum of 2 low-precision tensors \(MMSE multi-tensor\)/);
    } finally {
      net.dispose();
    }
  });
});
