import { initEngine, tf, type Tensor } from '@oqat/engine';
import { elasticLayerNames, largestSubnet, withLayerBits, type SearchSpace, type SubnetSpec } from '@oqat/latency';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVAL } from '../forward-context';
import { lsqQuantFactory } from '../lsq-layer-quant';
import { readNetworkState, type HostTensors } from '../network-state';
import { TINY_SEGMENTATION_SPACE, TINY_SPACE as space } from '../tiny-space';
import { trainedWidthsSupernet } from '../width-weights.fixture';
import { MobileNetV3Supernet } from './mobilenet-v3';
import { SegmentationSupernet } from './segmentation-supernet';

let images: Tensor;

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
  images = tf.randomNormal([4, 12, 12, 1], 0, 1, 'float32', 1);
});

afterAll(() => images.dispose());

function logits(net: MobileNetV3Supernet, spec: SubnetSpec): Float32Array {
  net.setActive(spec);
  return tf.tidy(() => net.forward(images, EVAL).dataSync() as Float32Array);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

describe('ElasticSupernet with per-layer bits', () => {
  it.each<[string, SearchSpace, typeof MobileNetV3Supernet | typeof SegmentationSupernet]>([
    ['classification', space, MobileNetV3Supernet],
    ['segmentation', TINY_SEGMENTATION_SPACE, SegmentationSupernet],
  ])('names its elastic layers as elasticLayerNames does, in forward order (%s)', (_, s, Net) => {
    const net = new Net(s, { seed: 1, quant: lsqQuantFactory });
    const elastic = [...net.layerQuants].filter(([, q]) => q.role.precision === 'elastic').map(([name]) => name);
    expect(elastic).toEqual(elasticLayerNames(s, largestSubnet(s).depths));
    net.dispose();
  });

  it('runs a mixed subnet unlike either uniform neighbour, and an all-equal one as the uniform subnet', () => {
    const net = trainedWidthsSupernet(space, images, 5);
    const two = largestSubnet(space, 2);
    const four = largestSubnet(space, 4);
    const names = elasticLayerNames(space, two.depths);
    const mixed = withLayerBits(space, two, Object.fromEntries(names.filter((n) => n.endsWith('.dw')).map((n) => [n, 4])));
    expect(Object.keys(mixed.bitsByLayer!)).toHaveLength(names.filter((n) => n.endsWith('.dw')).length);
    const [atTwo, atFour, atMixed] = [two, four, mixed].map((spec) => logits(net, spec));
    expect(net.activeConfig()).toEqual(mixed);
    expect(maxAbsDiff(atMixed!, atTwo!)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(atMixed!, atFour!)).toBeGreaterThan(1e-3);
    // Every layer at the subnet's own bits: the uniform subnet, its weights and its forward.
    const allEqual = { ...two, bitsByLayer: Object.fromEntries(names.map((n) => [n, 2])) };
    expect(maxAbsDiff(logits(net, allEqual), atTwo!)).toBe(0);
    expect(net.activeConfig()).toEqual(two);
    // Back and forth: the uniform widths' weights come back unchanged after a mixed subnet.
    expect(maxAbsDiff(logits(net, mixed), atMixed!)).toBe(0);
    expect(maxAbsDiff(logits(net, four), atFour!)).toBe(0);
    expect(maxAbsDiff(logits(net, two), atTwo!)).toBe(0);
    net.dispose();
  });

  it("takes a mixed subnet's weights from the narrowest width it uses, each layer's step from its own width", () => {
    const net = trainedWidthsSupernet(space, images, 2);
    const atTwo = readNetworkState(net); // the last phase's width, held only by the variables
    const atFour = net.widths.keptState(4)!;
    net.setActive(withLayerBits(space, largestSubnet(space, 4), { 'stages.0.0.project': 2, 'head.expand': 3 }));
    const mixed = readNetworkState(net);
    for (const [name, t] of atTwo) expect([...mixed.get(name)!.values], name).toEqual([...t.values]);
    const step = (state: HostTensors, name: string): number => state.get(name)!.values[0]!;
    expect(net.layerQuants.get('stages.0.0.project')!.frozen().weight).toEqual({ bits: 2, signed: true, step: step(atTwo, 'stages.0.0.project.wq.step2') });
    expect(net.layerQuants.get('head.expand')!.frozen().input?.step).toBe(step(atTwo, 'head.expand.aq.step3'));
    // A 4-bit layer's step is the one the 4-bit phase trained (later phases leave it as it was).
    expect(net.layerQuants.get('stages.0.0.dw')!.frozen().weight?.step).toBe(step(atFour, 'stages.0.0.dw.wq.step4'));
    expect(net.layerQuants.get('stem')!.frozen().weight?.bits).toBe(8);
    // The 4-bit subnet still sees the 4-bit supernet.
    net.setActive(largestSubnet(space, 4));
    const back = readNetworkState(net);
    for (const [name, t] of atFour) expect([...back.get(name)!.values], name).toEqual([...t.values]);
    net.dispose();
  });

  it('runs each layer at its own bits with its own width step on shared weights (no kept widths)', () => {
    const net = new MobileNetV3Supernet(space, { seed: 6, quant: lsqQuantFactory });
    const three = largestSubnet(space, 3);
    const atThree = logits(net, three);
    const allAtThree = withLayerBits(space, largestSubnet(space, 2), Object.fromEntries(elasticLayerNames(space).map((n) => [n, 3])));
    expect(maxAbsDiff(logits(net, allAtThree), atThree)).toBe(0);
    expect(net.layerQuants.get('head.expand')!.frozen().weight?.bits).toBe(3);
    expect(net.layerQuants.get('head.classifier')!.frozen().weight?.bits).toBe(8);
    net.dispose();
  });
});
