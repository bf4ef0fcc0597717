import { InvalidQuantOptionError } from '../errors';
import { decodeUniform, encodeUniform, type UniformParams } from '../uniform-codec';
import { calibrate, type CalibrationMethod } from './calibrate';

export interface MultiTensorOptions {
  bits: number;
  signed: boolean;
  /** one scale per channel (element i is channel i % channels); default 1 = per tensor */
  channels?: number;
  /** low-precision tensors summed, 1 = ordinary quantization; 1..8 */
  terms: number;
  /** how each term's range is chosen from what is left to approximate; default 'mse' (MMSE) */
  method?: Exclude<CalibrationMethod, 'lsq-init'>;
  /** 'percentile' only */
  percentile?: number;
}

/** One low-precision tensor of the sum: its code parameters and codes. */
export interface MultiTensorTerm {
  params: UniformParams;
  codes: Int32Array;
}

export interface MultiTensorApproximation {
  terms: MultiTensorTerm[];
  /** Σ_t decode(term t): the approximation of x */
  values: Float32Array;
  /** ‖x − Σ_{t≤i} x̂_t‖² / ‖x‖² after each term i (the relative error the criterion reads) */
  relativeErrors: number[];
}

/** ‖x − y‖² / ‖x‖² (0 for an all-zero x). */
export function relativeSquaredError(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let err = 0;
  let energy = 0;
  for (let i = 0; i < x.length; i++) {
    err += (x[i]! - y[i]!) ** 2;
    energy += x[i]! ** 2;
  }
  return energy > 0 ? err / energy : 0;
}

/**
 * MMSE's approximation of a tensor by several low-precision tensors
 * (Choukroun et al. 2019, "multiple low precision tensors"): x ≈ Σ_t s_t·q_t,
 * each q_t a `bits`-bit integer tensor with its own scale(s). The first term
 * quantizes x; each next one quantizes the residual x − Σ x̂ left by the
 * terms before it, its range again chosen by `method` (MSE-optimal by
 * default). A layer computes with the sum as `terms` convolutions of the same
 * input, added: integer arithmetic at `bits` throughout.
 */
export function multiTensorApproximation(x: ArrayLike<number>, options: MultiTensorOptions): MultiTensorApproximation {
  const { terms: count, bits, signed } = options;
  if (!Number.isInteger(count) || count < 1 || count > 8) throw new InvalidQuantOptionError('multiTensorApproximation', 'terms', count, 'a whole number from 1 to 8');
  const values = new Float32Array(x.length);
  const residual = Float32Array.from(x);
  const terms: MultiTensorTerm[] = [];
  const relativeErrors: number[] = [];
  for (let t = 0; t < count; t++) {
    const params = calibrate(residual, {
      method: options.method ?? 'mse', bits, signed, channels: options.channels ?? 1,
      ...(options.percentile !== undefined ? { percentile: options.percentile } : {}),
    });
    const codes = encodeUniform(residual, params);
    const decoded = decodeUniform(codes, params);
    for (let i = 0; i < values.length; i++) {
      values[i] = values[i]! + decoded[i]!;
      residual[i] = x[i]! - values[i]!;
    }
    terms.push({ params, codes });
    relativeErrors.push(relativeSquaredError(x, values));
  }
  return { terms, values, relativeErrors };
}
