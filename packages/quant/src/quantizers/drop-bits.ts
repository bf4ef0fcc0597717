import type { Rng } from '@oqat/core';
import { tf } from '@oqat/engine';
import type { Tensor } from '@oqat/engine';
import { InvalidQuantOptionError } from '../errors';
import { runCustomGrad } from './run-custom-grad';

// DropBits (Lee et al., with Semi-Relaxed Quantization): dropout over the
// levels of a quantization grid instead of units. A b-bit grid with step s
// nests the (b-1)-bit grid (step 2s), which nests the (b-2)-bit one...; the
// points first present at width k form level k. Dropping level k removes its
// points (and, nested, every finer level's) from SRQ's categorical
// distribution for one forward pass, so the layer trains at the coarser width
// for that pass. With a trainable inclusion logit per level, the levels a
// layer keeps at the end are its learned bit width.

/**
 * Drop probability of each droppable level, coarse to fine: the finest level
 * drops with `rate`, each coarser one with `rate` times its finer neighbour's
 * probability (rate^(L-l+1) for level l of L): dropout's rate, decaying
 * exponentially towards the coarse grid, which is never dropped.
 */
export function dropBitsRates(levels: number, rate: number): number[] {
  if (!(rate >= 0 && rate < 1)) throw new InvalidQuantOptionError('dropBitsRates', 'rate', rate, 'a number in [0, 1)');
  return Array.from({ length: levels }, (_, l) => rate ** (levels - l));
}

const sigmoid = (t: number): number => 1 / (1 + Math.exp(-t));

/**
 * Each level's probability of being kept in a training pass: (1 - its drop
 * rate) times its learned inclusion probability σ(θ) (θ omitted: 1).
 */
export function dropBitsKeepProbabilities(rates: readonly number[], logits?: ArrayLike<number>): number[] {
  return rates.map((p, l) => (1 - p) * (logits ? sigmoid(logits[l]!) : 1));
}

/**
 * One pass's keep values (1 kept, 0 dropped), coarse to fine and nested: a
 * level is drawn only while every coarser one is kept. One draw per level
 * from `rng`, so a seeded generator gives the same masks.
 */
export function sampleDropBits(rng: Rng, keepProbabilities: readonly number[]): number[] {
  const keep: number[] = [];
  let kept = true;
  for (const q of keepProbabilities) {
    const draw = rng.next();
    kept = kept && draw < q;
    keep.push(kept ? 1 : 0);
  }
  return keep;
}

/** P_l = Π_{t<=l} σ(θ_t): the probability that level l and every coarser one are included. */
function nestedInclusion(logits: ArrayLike<number>): number[] {
  const out: number[] = [];
  let p = 1;
  for (let l = 0; l < logits.length; l++) out.push((p *= sigmoid(logits[l]!)));
  return out;
}

/**
 * The keep values of one pass as a tensor that carries a gradient to the
 * inclusion logits θ [L]: forward `sample`, backward the gradient of the
 * nested inclusion probabilities P_l (a straight-through Bernoulli estimator:
 * dP_l/dθ_t = P_l·(1 - σ(θ_t)) for t <= l).
 */
function dropBitsKeep_(logits: Tensor, sample: readonly number[]): Tensor {
  if (logits.rank !== 1 || logits.size !== sample.length) {
    throw new InvalidQuantOptionError('dropBitsKeep', 'logits', `shape [${logits.shape.join(', ')}]`, `shape [${sample.length}] (one per sampled level)`);
  }
  return runCustomGrad(([theta]) => {
    const values = theta!.dataSync();
    const gradFunc = (dy: Tensor): Tensor[] => {
      const d = dy.dataSync();
      const inclusion = nestedInclusion(values);
      const grad = new Float32Array(values.length);
      for (let t = 0; t < values.length; t++) {
        for (let l = t; l < values.length; l++) grad[t]! += d[l]! * inclusion[l]! * (1 - sigmoid(values[t]!));
      }
      return [tf.tensor1d(grad)];
    };
    return { value: tf.tensor1d(Float32Array.from(sample)), gradFunc };
  }, [logits]);
}

export const dropBitsKeep = tf.op({ dropBitsKeep_ });

/**
 * The expected number of kept levels, Σ_l P_l (differentiable in θ): the
 * regulariser that, weighted against the task loss, drops the levels a
 * layer does not need.
 */
export function expectedKeptLevels(logits: Tensor): Tensor {
  // A running product (tf.logSigmoid's gradient reads a disposed tensor inside variableGrads).
  let inclusion: Tensor | undefined;
  const terms = tf.unstack(tf.sigmoid(logits)).map((p) => (inclusion = inclusion ? tf.mul(inclusion, p) : p));
  return terms.length > 0 ? tf.addN(terms) : tf.scalar(0);
}

/**
 * The width a layer learned: minBits plus the coarse-to-fine run of levels
 * whose inclusion probability σ(θ) is at least 1/2 (the deterministic gate at
 * the end of training, nested as in training).
 */
export function learnedBits(logits: ArrayLike<number>, minBits: number): number {
  let kept = 0;
  while (kept < logits.length && sigmoid(logits[kept]!) >= 0.5) kept++;
  return minBits + kept;
}
