import { tf, type Tensor } from '@oqat/engine';
import { largestSubnet } from '@oqat/latency';
import type { PhaseConfig } from '../config/train-config';
import type { ElasticSupernet } from '../supernet/networks/elastic-supernet';
import type { SgdNesterov } from './sgd-nesterov';

/** How a phase's step sizes started: none (float), from data, inherited from a wider phase, or kept (same bits). */
export type PhaseInit = 'float' | 'data' | 'inherited' | 'continued';

/**
 * Prepares the supernet for a phase, before its first step:
 * - the phase's width trains in the network's variables, starting from the
 *   weights they hold (the previous width's, kept apart: OQAT's one
 *   supernet per bit width);
 * - sorts every block's expanded channels by importance (OFA) and resets
 *   momentum (the buffers would not follow the permutation, and each phase
 *   has its own schedule);
 * - a quantized phase after another quantized phase inherits its step sizes
 *   (OQAT's bit inheritance: doubled per bit removed); the first quantized
 *   phase initialises them from data (at their least-squared-error value) with one
 *   forward pass of the largest subnet, which touches every layer.
 */
export function startPhase(
  net: ElasticSupernet,
  optimizer: SgdNesterov,
  phases: readonly PhaseConfig[],
  phaseIndex: number,
  initImages: Tensor,
): PhaseInit {
  const bits = phases[phaseIndex]!.bits;
  // The wider widths stay kept as they are; this width trains on from the weights the variables hold.
  net.widths.train(bits);
  net.sortChannels();
  optimizer.reset();
  if (bits === 32) {
    net.setActive(largestSubnet(net.space, 32));
    return 'float';
  }
  const previous = phases.slice(0, phaseIndex).reverse().find((p) => p.bits !== 32);
  if (previous && previous.bits !== bits) {
    net.inheritSteps(previous.bits, bits);
    net.setActive(largestSubnet(net.space, bits));
    return 'inherited';
  }
  net.setActive(largestSubnet(net.space, bits));
  if (previous) return 'continued';
  tf.tidy(() => void net.forward(initImages, { mode: 'train' }));
  return 'data';
}
