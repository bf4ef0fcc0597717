import { createRng } from '@oqat/core';
import { initEngine, tf, type Tensor } from '@oqat/engine';
import { largestSubnet, lowerSubnet, smallestSubnet, type SubnetSpec } from '@oqat/latency';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subnetCosts } from '../../space/layer-costs';
import { EVAL, TRAIN } from '../forward-context';
import { lsqQuantFactory } from '../lsq-layer-quant';
import { reestimateBn } from '../reestimate-bn';
import { TINY_SPACE as space } from '../tiny-space';
import { MobileNetV3Supernet } from './mobilenet-v3';

let images: Tensor;
let calib: Tensor[];

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
  images = tf.randomNormal([4, 12, 12, 1], 0, 1, 'float32', 1);
  calib = [tf.randomNormal([8, 12, 12, 1], 0, 1, 'float32', 2), tf.randomNormal([8, 12, 12, 1], 0, 1, 'float32', 3)];
});

afterAll(() => {
  images.dispose();
  calib.forEach((t) => t.dispose());
});

function logits(net: MobileNetV3Supernet, spec: SubnetSpec): Float32Array {
  net.setActive(spec);
  return tf.tidy(() => net.forward(images, EVAL).dataSync() as Float32Array);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

/** Moves the learned kernel transforms away from the identity so the 5/3 kernels are not plain crops. */
function perturbTransforms(net: MobileNetV3Supernet): void {
  for (const b of net.stages.flat()) {
    for (const v of b.dwConv.transforms.values()) tf.tidy(() => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.1, 'float32', 5))));
  }
}

describe('MobileNetV3Supernet', () => {
  it('leaves no tensor behind once created and disposed', () => {
    const before = tf.memory().numTensors;
    const net = new MobileNetV3Supernet(space, { seed: 1, quant: lsqQuantFactory });
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs every subnet size and leaks no tensors', () => {
    const net = new MobileNetV3Supernet(space, { seed: 1, quant: lsqQuantFactory });
    const before = tf.memory().numTensors;
    for (const spec of [largestSubnet(space, 32), smallestSubnet(space, 32), largestSubnet(space, 4), smallestSubnet(space, 2)]) {
      net.setActive(spec);
      const out = tf.tidy(() => net.forward(images, TRAIN));
      expect(out.shape).toEqual([4, 3]);
      out.dispose();
    }
    // Quantizer steps are created once, on the first pass at each bit width.
    const steps = net.params().filter((p) => p.name.includes('.step')).length;
    expect(tf.memory().numTensors - before).toBe(steps);
    const spec = net.sampleActive(createRng(4), 3);
    expect(net.activeConfig()).toEqual(spec);
    net.dispose();
  });

  it('extracts a static network whose outputs equal the supernet subnet (float, 3 bit, mixed)', () => {
    const net = new MobileNetV3Supernet(space, { seed: 2, quant: lsqQuantFactory });
    perturbTransforms(net);
    const mixed = { ...smallestSubnet(space, 2), bitsByLayer: { 'first.dw': 4, 'stages.1.0.expand': 3, 'head.mix': 4 } };
    const specs: SubnetSpec[] = [
      { resolution: 8, depths: [2, 1], kernels: [[3, 5], [3]], expands: [[3, 2], [2]], bits: 32 },
      { resolution: 12, depths: [1, 2], kernels: [[5], [7, 3]], expands: [[2], [3, 2]], bits: 3 },
      smallestSubnet(space, 2),
      mixed,
    ];
    for (const spec of specs) {
      net.setActive(spec);
      if (spec.bits !== 32) tf.tidy(() => void net.forward(images, TRAIN)); // initialise the steps of its widths
      reestimateBn(net, calib);
      const expected = logits(net, spec);
      const before = tf.memory().numTensors;
      const sub = net.extractSubnet({ preserveWeights: true });
      expect(sub.config.subnet).toEqual(spec);
      const got = tf.tidy(() => sub.forward(images).dataSync() as Float32Array);
      expect(maxAbsDiff(got, expected)).toBeLessThan(1e-5);
      expect(sub.config.blocks.length).toBe(1 + spec.depths.reduce((a, d) => a + d, 0));
      // The IR's parameter count (BN folded into one bias per channel) matches the static network's tensors.
      let params = 0;
      for (const [name, t] of sub.weights()) {
        if (name.endsWith('.gamma') || name.endsWith('.weight') || name.endsWith('.bias')) params += t.size;
      }
      expect(subnetCosts(lowerSubnet(space, spec)).params).toBe(params);
      if (spec === mixed) {
        // Each static layer's quantization at its own bits (blocks.2 is stage 1's first block).
        const c = sub.config;
        expect([c.blocks[0]!.dw.weightQuant?.bits, c.blocks[0]!.project.inputQuant?.bits, c.blocks[2]!.expand?.weightQuant?.bits]).toEqual([4, 2, 3]);
        expect([c.head.mix?.weightQuant?.bits, c.head.expand.weightQuant?.bits, c.head.classifier.weightQuant?.bits, c.stem.conv.weightQuant?.bits]).toEqual([4, 2, 8, 8]);
      }
      sub.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    net.dispose();
  });

  it('shares weights and step sizes: one update moves every subnet', () => {
    const net = new MobileNetV3Supernet(space, { seed: 3, quant: lsqQuantFactory });
    const big = largestSubnet(space, 4);
    const small = smallestSubnet(space, 4);
    net.setActive(big);
    tf.tidy(() => void net.forward(images, TRAIN));
    reestimateBn(net, calib);
    const before = [logits(net, big), logits(net, small)];
    // The project conv of the first stage-0 block: both subnets use it, each through its own slice.
    const block = net.stages[0]![0]!;
    const step = block.projectConv.params().find((p) => p.name.endsWith('.wq.step4'))!;
    expect(net.params().filter((p) => p.variable === step.variable)).toHaveLength(1);
    tf.tidy(() => step.variable.assign(tf.mul(step.variable, 1.5)));
    const after = [logits(net, big), logits(net, small)];
    expect(maxAbsDiff(after[0]!, before[0]!)).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(after[1]!, before[1]!)).toBeGreaterThan(1e-4);
    // Weights: scaling the shared expand weight moves both subnets too.
    const w = block.expandConv!.weight;
    tf.tidy(() => w.assign(tf.mul(w, -1)));
    const flipped = [logits(net, big), logits(net, small)];
    expect(maxAbsDiff(flipped[0]!, after[0]!)).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(flipped[1]!, after[1]!)).toBeGreaterThan(1e-4);
    net.dispose();
  });

  it('gives the step a gradient from every subnet that uses the layer', () => {
    const net = new MobileNetV3Supernet(space, { seed: 4, quant: lsqQuantFactory });
    net.setActive(largestSubnet(space, 4));
    tf.tidy(() => void net.forward(images, TRAIN));
    const step = net.stages[0]![0]!.projectConv.params().find((p) => p.name.endsWith('.wq.step4'))!.variable;
    for (const spec of [largestSubnet(space, 4), smallestSubnet(space, 4)]) {
      net.setActive(spec);
      const g = tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.square(net.forward(images, TRAIN))) as tf.Scalar, [step]);
        return grads[step.name]!.dataSync()[0]!;
      });
      expect(Math.abs(g)).toBeGreaterThan(0);
    }
    net.dispose();
  });
});
