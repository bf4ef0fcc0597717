import { tf, type Tensor, type Variable } from '@oqat/engine';
import type { DynamicMbBlock } from './dynamic-mb-block';

function permute(v: Variable, order: Tensor, axis: number): void {
  v.assign(tf.gather(v, order, axis));
}

/** Indices that sort `importance` descending (ties keep their order, as topk does). */
function descending(importance: Tensor): Tensor {
  return tf.topk(importance, importance.shape[0]!, true).indices;
}

/**
 * Reorders a block's expanded channels by importance, so that a small
 * expand ratio (the first k channels) keeps the most important ones (OFA's
 * re_organize_middle_weights): importance of a middle channel is the L1 norm
 * of the project conv's weights reading it. Every tensor indexed by middle
 * channels is permuted the same way (the block's function is unchanged for
 * the largest expand ratio); inside squeeze-excite the hidden units are
 * sorted by the L1 norm of their expand weights. Per-tensor step sizes and
 * kernel transforms (per tap) do not move; per-channel weight steps move
 * with their output channels. Blocks without a 1x1
 * expansion are left alone (their middle channels are the block input).
 */
export function sortExpandChannels(block: DynamicMbBlock): void {
  if (!block.expandConv || !block.expandBn) return;
  tf.tidy(() => {
    const order = descending(tf.sum(tf.abs(block.projectConv.weight), [0, 1, 3]));
    permute(block.projectConv.weight, order, 2);
    permute(block.dwConv.weight, order, 2);
    for (const bn of [block.dwBn, block.expandBn!]) {
      for (const v of [bn.gamma, bn.beta, bn.runningMean, bn.runningVar]) permute(v, order, 0);
    }
    permute(block.expandConv!.weight, order, 3);
    // Per-channel weight steps (a deployment preset's) follow their output channels.
    block.expandConv!.quant?.permuteOutChannels?.(order);
    block.dwConv.quant?.permuteOutChannels?.(order);
    if (block.se) {
      const { reduce, expand } = block.se;
      permute(expand.weight, order, 1);
      permute(expand.bias, order, 0);
      expand.quant?.permuteOutChannels?.(order);
      permute(reduce.weight, order, 0);
      const hidden = descending(tf.sum(tf.abs(expand.weight), 1));
      permute(expand.weight, hidden, 0);
      permute(reduce.weight, hidden, 1);
      permute(reduce.bias, hidden, 0);
      reduce.quant?.permuteOutChannels?.(hidden);
    }
  });
}
