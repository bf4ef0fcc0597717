import { tf } from '@oqat/engine';
import { assertQuantBits } from './bits';
import { StepNotInitialisedError } from './errors';
import type { Quantizer } from './quantizer';

/**
 * Bit inheritance (OQAT, Shen et al. 2021): the (b-1)-bit network starts from
 * the b-bit one with the step size doubled, s_(b-1) = 2·s_b: one bit fewer
 * halves the number of levels, and doubling the step keeps the clipping range
 * [-Qn·s, Qp·s] (exactly on the negative side: 2^(b-2)·2s = 2^(b-1)·s).
 * Implemented rule, generalised to any pair of widths:
 *   uniform and pow2:  s_to = s_from · 2^(from - to)   (a power of two stays one)
 *   esb:               s_to = s_from · λ(to) / λ(from)  (DDA's alpha/σ ratio: the same σ)
 *   abfp:              s_to = s_from · 2^(from - to) · Qp_to/Qp_from   (its block exponents grow by Qp_from/Qp_to)
 * Sets the `toBits` step (creating it if needed) and makes `toBits` active.
 */
export function inherit(quantizer: Quantizer, fromBits: number, toBits: number): void {
  assertQuantBits('inherit', fromBits, false);
  assertQuantBits('inherit', toBits, false);
  const from = quantizer.step(fromBits);
  if (!from) throw new StepNotInitialisedError('inherit', fromBits);
  const factor = quantizer.format.inheritFactor(fromBits, toBits, quantizer.spec(fromBits));
  const values = tf.tidy(() => tf.mul(from, factor).dataSync() as Float32Array);
  quantizer.setStep(toBits, quantizer.perChannel ? Float32Array.from(values) : Float32Array.of(values[0]!));
  quantizer.setBits(toBits);
}
