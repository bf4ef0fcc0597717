import { tf } from '@oqat/engine';
import type { Tensor } from '@oqat/engine';
import { InvalidQuantOptionError, StepNotInitialisedError } from '../errors';
import type { EncodedTensor } from '../formats/number-format';
import { pack } from '../packing/pack-bits';
import type { Quantizer } from '../quantizer';

/** Integer weights ready for an accelerator: codes, their bit-packed bytes, scales (and zero points / exponents). */
export interface IntegerWeights extends EncodedTensor {
  /** shape of the tensor the codes came from (channels last). */
  shape: number[];
  /** pack(codes, bits, { signed: codesSigned }). */
  packed: Uint8Array;
}

function withPacking(encoded: EncodedTensor, shape: number[]): IntegerWeights {
  return { ...encoded, shape, packed: pack(encoded.codes, encoded.bits, { signed: encoded.codesSigned }) };
}

/**
 * Exports a weight tensor with the learned steps of the quantizer that
 * trained it, at its active bit width: the codes decode to exactly what
 * quantizer.quantize(weights) computes (per-channel steps sliced to the
 * first k = weights.shape[last] channels).
 */
export function exportWeights(weights: Tensor, quantizer: Quantizer): IntegerWeights {
  const bits = quantizer.bits;
  if (bits === 32) throw new InvalidQuantOptionError('exportWeights', 'quantizer bits', 32, '2–8 (a float quantizer has no integer form)');
  const steps = quantizer.step(bits);
  if (!steps) throw new StepNotInitialisedError('exportWeights', bits);
  const k = quantizer.perChannel ? weights.shape[weights.rank - 1]! : 1;
  const values = weights.dataSync() as Float32Array;
  const scales = tf.tidy(() => {
    const s = quantizer.perChannel ? tf.slice(steps, [0], [k]) : tf.reshape(steps, [1]);
    return Float32Array.from(tf.maximum(s, 1e-8).dataSync());
  });
  const encoded = quantizer.format.encode(values, { ...quantizer.spec(bits), channels: k, scales });
  return withPacking(encoded, [...weights.shape]);
}
