import { calibrate } from '../calibration/calibrate';
import { decodeUniform, encodeUniform, type UniformParams } from '../uniform-codec';
import { lsqQuantize } from '../quantizers/lsq';
import { ShapeMismatchError } from '../errors';
import type { EncodedTensor, EncodeOptions, NumberFormat } from './number-format';

/** The uniform params an encode call resolves to: given scales, or calibrated ones. */
export function uniformParams(x: ArrayLike<number>, options: EncodeOptions): UniformParams {
  const channels = options.channels ?? 1;
  if (options.scales) {
    if (options.scales.length !== channels) throw new ShapeMismatchError('encode', 'scales', options.scales.length, channels);
    return { bits: options.bits, signed: options.signed, asymmetric: false, channels, scales: options.scales };
  }
  return calibrate(x, {
    method: options.calibration ?? 'mse',
    bits: options.bits,
    signed: options.signed,
    asymmetric: options.asymmetric ?? false,
    channels,
  });
}

export function encodeWithParams(x: ArrayLike<number>, p: UniformParams, format: 'uniform' | 'pow2'): EncodedTensor {
  return {
    format,
    bits: p.bits,
    signed: p.signed,
    codes: encodeUniform(x, p),
    codesSigned: p.signed && !p.asymmetric,
    scales: p.scales,
    channels: p.channels,
    ...(p.zeroPoints ? { zeroPoints: p.zeroPoints } : {}),
  };
}

export function decodeWithParams(e: EncodedTensor): Float32Array {
  const asymmetric = e.zeroPoints !== undefined;
  return decodeUniform(e.codes, { bits: e.bits, signed: e.signed, asymmetric, channels: e.channels, scales: e.scales, ...(asymmetric ? { zeroPoints: e.zeroPoints } : {}) });
}

/** Uniform integer grid (LSQ when trained, min-max / percentile / MSE when calibrated). */
export const uniformFormat: NumberFormat = {
  name: 'uniform',
  perChannel: true,
  encode: (x, options) => encodeWithParams(x, uniformParams(x, options), 'uniform'),
  decode: decodeWithParams,
  fakeQuantize: (x, step, c) => lsqQuantize(x, step, { bits: c.bits, signed: c.signed, axis: c.axis, gradScale: c.gradScale }),
  // LSQ: s = 2·mean(|x|)/sqrt(Qp); or the step of least squared error, which starts a low-bit phase much closer to where LSQ ends.
  initStep: (x, channels, spec) => calibrate(x, { method: spec.stepInit === 'mse' ? 'mse' : 'lsq-init', bits: spec.bits, signed: spec.signed, channels }).scales,
  // OQAT's rule, generalised: see inherit.ts.
  inheritFactor: (fromBits, toBits) => 2 ** (fromBits - toBits),
};
