import { initEngine, tf, type Tensor } from '@oqat/engine';
import { largestSubnet, withLayerBits } from '@oqat/latency';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNetworkState, type HostTensors } from './network-state';
import { TINY_SPACE as space } from './tiny-space';
import { trainedWidthsSupernet } from './width-weights.fixture';

let images: Tensor;

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
  images = tf.randomNormal([4, 12, 12, 1], 0, 1, 'float32', 1);
});

afterAll(() => images.dispose());

const values = (state: HostTensors, name: string): number[] => [...state.get(name)!.values];

describe('WidthWeights', () => {
  it("gives a mixed subnet each elastic layer's tensors from its width, the rest from the subnet's bits", () => {
    const net = trainedWidthsSupernet(space, images, 2);
    const atTwo = readNetworkState(net); // the last phase's width, held only by the variables
    const atFour = net.widths.keptState(4)!;
    const atThree = net.widths.keptState(3)!;
    const spec = withLayerBits(space, largestSubnet(space, 2), { 'stages.0.0.dw': 4, 'head.expand': 3 });
    net.setActive(spec);
    const mixed = readNetworkState(net);
    for (const name of ['stages.0.0.dw.weight', 'stages.0.0.dw.transform.5to3', 'stages.0.0.dw.bn.gamma', 'stages.0.0.dw.bn.runningVar', 'stages.0.0.dw.wq.step4', 'stages.0.0.dw.aq.step4']) {
      expect(values(mixed, name), name).toEqual(values(atFour, name));
      expect(values(mixed, name), name).not.toEqual(values(atTwo, name));
    }
    expect(values(mixed, 'head.expand.weight')).toEqual(values(atThree, 'head.expand.weight'));
    expect(values(mixed, 'head.expand.wq.step3')).toEqual(values(atThree, 'head.expand.wq.step3'));
    // Other layers, fixed ones included, are the 2-bit supernet's.
    for (const name of ['stem.weight', 'stages.0.0.expand.weight', 'stages.0.0.project.weight', 'stages.1.0.se.reduce.weight', 'head.classifier.weight', 'head.mix.weight']) {
      expect(values(mixed, name), name).toEqual(values(atTwo, name));
    }
    expect(net.layerQuants.get('stages.0.0.dw')!.frozen().weight).toEqual({ bits: 4, signed: true, step: atFour.get('stages.0.0.dw.wq.step4')!.values[0] });
    // The 2-bit weights, which had no kept copy, come back when the uniform subnet is activated again.
    net.setActive(largestSubnet(space, 2));
    const back = readNetworkState(net);
    for (const [name, t] of atTwo) expect([...back.get(name)!.values], name).toEqual([...t.values]);
    net.dispose();
  });
});
