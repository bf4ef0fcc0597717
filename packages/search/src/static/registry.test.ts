import { initEngine, tf } from '@oqat/engine';
import { sampleSubnet } from '@oqat/latency';
import { beforeAll, describe, expect, it } from 'vitest';
import { UnknownLayerTypeError } from '../errors';
import { createRng } from '@oqat/core';
import { TRAIN } from '../supernet/forward-context';
import { lsqQuantFactory } from '../supernet/lsq-layer-quant';
import { MobileNetV3Supernet } from '../supernet/networks/mobilenet-v3';
import { reestimateBn } from '../supernet/reestimate-bn';
import { TINY_SPACE as space } from '../supernet/tiny-space';
import { staticLayerFromConfig } from './registry';
import type { StaticMobileNet } from './static-mobilenet';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

describe('static registry', () => {
  it('rebuilds an extracted subnet from its JSON config and tensors', () => {
    const net = new MobileNetV3Supernet(space, { seed: 5, quant: lsqQuantFactory });
    const images = tf.randomNormal([3, 12, 12, 1], 0, 1, 'float32', 8);
    net.setActive(sampleSubnet(space, createRng(2), 4));
    tf.tidy(() => void net.forward(images, TRAIN));
    reestimateBn(net, [images]);
    const sub = net.extractSubnet({ preserveWeights: true });
    const config = JSON.parse(JSON.stringify(sub.toConfig()));
    const copies = new Map([...sub.weights()].map(([k, t]) => [k, tf.clone(t)]));
    const rebuilt = staticLayerFromConfig('net', config, copies) as StaticMobileNet;
    const a = tf.tidy(() => sub.forward(images).dataSync());
    const b = tf.tidy(() => rebuilt.forward(images).dataSync());
    expect(Array.from(b)).toEqual(Array.from(a));
    // Without tensors: same shapes, fresh weights.
    const fresh = net.extractSubnet({ preserveWeights: false, seed: 1 });
    expect([...fresh.weights()].map(([k, t]) => [k, t.shape])).toEqual([...sub.weights()].map(([k, t]) => [k, t.shape]));
    for (const x of [sub, rebuilt, fresh, net]) x.dispose();
    images.dispose();
  });

  it('names an unknown layer type', () => {
    expect(() => staticLayerFromConfig('x', { type: 'lstm' })).toThrow(UnknownLayerTypeError);
    expect(() => staticLayerFromConfig('x', { type: 'lstm' })).toThrow("unknown layer type 'lstm', expected one of conv2d, batch-norm");
  });
});
