import { initEngine, tf, type Tensor } from '@oqat/engine';
import { afterAll, beforeAll } from 'vitest';
import { largestSubnet } from '@oqat/latency';
import { DropBitsLayerQuant, dropBitsQuantFactory } from './dropbits-layer-quant';
import { TRAIN } from './forward-context';
import { MobileNetV3Supernet } from './networks/mobilenet-v3';
import { TINY_SPACE } from './tiny-space';

// Test support: a tiny DropBits supernet (the DropBits layer and training tests share it).

/** The tiny space's supernet with DropBits at `rate`, active at 4 bits, its 4-bit steps initialised from `images` (as a phase start does). */
export function tinyDropBitsSupernet(rate: number, images: Tensor): MobileNetV3Supernet {
  const net = new MobileNetV3Supernet(TINY_SPACE, { seed: 1, quant: dropBitsQuantFactory({ rate }) });
  net.setActive(largestSubnet(TINY_SPACE, 4));
  tf.tidy(() => void net.forward(images, TRAIN));
  return net;
}

export const dropBitsLayers = (net: MobileNetV3Supernet): DropBitsLayerQuant[] =>
  [...net.layerQuants.values()].filter((q): q is DropBitsLayerQuant => q instanceof DropBitsLayerQuant);

/** Sets every DropBits layer's inclusion logits (widths 3..8). */
export function setInclusion(net: MobileNetV3Supernet, logits: (name: string) => number[]): void {
  for (const q of dropBitsLayers(net)) tf.tidy(() => q.inclusion.assign(tf.tensor1d(logits(q.name))));
}

/**
 * For a test file: the cpu engine and a batch of 4 random 12x12 images
 * (created before its tests, disposed after), and the tiny DropBits
 * supernet built on them.
 */
export function useTinyDropBits(): { images: () => Tensor; build: (rate: number) => MobileNetV3Supernet } {
  let images: Tensor | undefined;
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
    images = tf.randomNormal([4, 12, 12, 1], 0, 1, 'float32', 1);
  });
  afterAll(() => images?.dispose());
  return { images: () => images!, build: (rate) => tinyDropBitsSupernet(rate, images!) };
}
