import type { Tensor } from '@oqat/engine';
import type { CalibrationMethod } from '../calibration/calibrate';

export type FormatName = 'uniform' | 'pow2' | 'esb' | 'abfp';
export const FORMAT_NAMES: readonly FormatName[] = ['uniform', 'pow2', 'esb', 'abfp'];

/** What every format is told, on the host and in the tensor path. */
export interface FormatSpec {
  /** 2–8. */
  bits: number;
  signed: boolean;
  /** esb: significant bits k (1–8, capped at the magnitude bits); default two exponent bits (magnitude bits - 1), or the best k when encoding without it. */
  significantBits?: number;
  /** abfp: values per block sharing one exponent; default 16. */
  blockSize?: number;
  /** uniform: how a learned step starts from data, LSQ's 2·mean|x|/sqrt(Qp) ('lsq', default) or the MSE-optimal step ('mse'). */
  stepInit?: StepInit;
}

export type StepInit = 'lsq' | 'mse';

/** Host-side options of `encode`. */
export interface EncodeOptions extends FormatSpec {
  /** uniform/pow2: one scale per channel (element i is channel i % channels); default 1. */
  channels?: number;
  /** use these learned scales (a trained Quantizer's steps) instead of fitting them. */
  scales?: Float32Array;
  /** uniform: how scales are fitted when not given; default 'mse'. */
  calibration?: CalibrationMethod;
  /** uniform: unsigned codes with zero points. */
  asymmetric?: boolean;
}

/** A tensor stored as integer codes plus what is needed to decode it. */
export interface EncodedTensor {
  format: FormatName;
  bits: number;
  signed: boolean;
  /** b-bit codes, ready for pack(codes, bits, { signed: codesSigned }). */
  codes: Int32Array;
  codesSigned: boolean;
  /** uniform/pow2: per channel (length = channels); esb: [alpha]; abfp: [step factor]. */
  scales: Float32Array;
  channels: number;
  /** uniform asymmetric only. */
  zeroPoints?: Int32Array;
  /** abfp only: one power-of-two exponent per block. */
  exponents?: Int8Array;
  significantBits?: number;
  blockSize?: number;
}

/** Tensor-path configuration of a fake quantizer with a learned step. */
export interface FakeQuantConfig extends FormatSpec {
  /** channel axis of x for a [C] step; default last. */
  axis?: number;
  /** LSQ step-gradient scale g; default 1/sqrt(N·Qmax). */
  gradScale?: number;
}

/**
 * One number format: host encode/decode (export, reconstruction error) and a
 * differentiable fake quantizer with a learned step (training), so a
 * Quantizer switches formats by name alone.
 */
export interface NumberFormat {
  readonly name: FormatName;
  /** Whether the learned step may be one value per channel. */
  readonly perChannel: boolean;
  encode(x: ArrayLike<number>, options: EncodeOptions): EncodedTensor;
  decode(encoded: EncodedTensor): Float32Array;
  /** x̂ with straight-through gradient for x and an LSQ-style gradient for `step`. */
  fakeQuantize(x: Tensor, step: Tensor, config: FakeQuantConfig): Tensor;
  /** Initial step values from data: one per channel (channels = 1: per tensor). */
  initStep(x: ArrayLike<number>, channels: number, spec: FormatSpec): Float32Array;
  /** Factor applied to the learned step when moving from one bit width to another (see inherit.ts). */
  inheritFactor(fromBits: number, toBits: number, spec: FormatSpec): number;
}
