import { tf, type Tensor } from '@oqat/engine';
import { largestSubnet, type SearchSpace } from '@oqat/latency';
import { TRAIN } from './forward-context';
import { lsqQuantFactory } from './lsq-layer-quant';
import { MobileNetV3Supernet } from './networks/mobilenet-v3';

/**
 * A supernet as OQAT's 4 -> 3 -> 2 bit phases (or `chain`'s) leave it, without training:
 * each width's phase starts its steps from `images` and moves every weight
 * (a seeded nudge per width; its steps and the BN statistics scaled), every
 * width but the last is kept, the last stays in the variables (as after the
 * last phase of a checkpoint).
 */
export function trainedWidthsSupernet(space: SearchSpace, images: Tensor, seed: number, chain: readonly number[] = [4, 3, 2]): MobileNetV3Supernet {
  const net = new MobileNetV3Supernet(space, { seed, quant: lsqQuantFactory });
  for (const bits of chain) {
    net.widths.train(bits);
    net.setActive(largestSubnet(space, bits));
    tf.tidy(() => void net.forward(images, TRAIN));
    for (const { name, variable } of net.params()) {
      if (name.includes('.step') && !name.endsWith(`.step${bits}`)) continue; // a phase trains its own width's steps only
      tf.tidy(() => variable.assign(name.includes('.step') ? tf.mul(variable, 1 + bits / 10) : tf.add(variable, tf.randomNormal(variable.shape, 0, 0.1, 'float32', seed * 10 + bits))));
    }
    // BN statistics too (scaled: variances stay positive).
    for (const { variable } of net.buffers()) tf.tidy(() => variable.assign(tf.mul(variable, 1 + bits / 10)));
    if (bits !== chain[chain.length - 1]) net.widths.keep(bits);
  }
  return net;
}
