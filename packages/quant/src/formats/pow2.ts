import { calibrate } from '../calibration/calibrate';
import { splitChannels } from '../calibration/channel-split';
import { scaleFromRange } from '../calibration/clip-range';
import { minMaxRange } from '../calibration/min-max';
import { uniformSquaredError } from '../calibration/mse-optimal';
import { ShapeMismatchError } from '../errors';
import { lsqQuantize } from '../quantizers/lsq';
import { pow2Step, roundToPow2 } from '../quantizers/pow2-step';
import type { UniformParams } from '../uniform-codec';
import { decodeWithParams, encodeWithParams } from './uniform';
import type { EncodeOptions, NumberFormat } from './number-format';

/** The power of two 2^k (k within 10 octaves below the min-max step) with the least squared error. */
function bestPow2Scale(x: Float32Array, bits: number, signed: boolean): number {
  const t = { bits, signed, asymmetric: false };
  const { scale } = scaleFromRange(...minMaxRange(x), t);
  const top = Math.ceil(Math.log2(scale));
  let best = 2 ** top;
  let bestErr = uniformSquaredError(x, best, 0, t);
  for (let k = top - 1; k >= top - 10; k--) {
    const e = uniformSquaredError(x, 2 ** k, 0, t);
    if (e < bestErr) [best, bestErr] = [2 ** k, e];
  }
  return best;
}

function pow2Params(x: ArrayLike<number>, o: EncodeOptions): UniformParams {
  const channels = o.channels ?? 1;
  let scales: Float32Array;
  if (o.scales) {
    if (o.scales.length !== channels) throw new ShapeMismatchError('encode', 'scales', o.scales.length, channels);
    scales = o.scales.map(roundToPow2);
  } else {
    scales = Float32Array.from(splitChannels('encode', x, channels), (ch) => bestPow2Scale(ch, o.bits, o.signed));
  }
  return { bits: o.bits, signed: o.signed, asymmetric: false, channels, scales };
}

/** Uniform grid whose step is a power of two (rescaling by shifts only). */
export const pow2Format: NumberFormat = {
  name: 'pow2',
  perChannel: true,
  encode: (x, options) => encodeWithParams(x, pow2Params(x, options), 'pow2'),
  decode: decodeWithParams,
  fakeQuantize: (x, step, c) => lsqQuantize(x, pow2Step(step), { bits: c.bits, signed: c.signed, axis: c.axis, gradScale: c.gradScale }),
  // 'mse': the power of two of least squared error per channel, as the uniform grid's 'mse' start (LSQ's heuristic
  // 2·mean|x|/sqrt(Qp), rounded up to the next octave, started the 4-bit phase ~2.5x coarser and the inherited 2-bit
  // one zeroed whole channels: see docs/benchmarks-quant.md "pow2 at 2 bit").
  initStep: (x, channels, spec) =>
    spec.stepInit === 'mse'
      ? Float32Array.from(splitChannels('initStep', x, channels), (ch) => bestPow2Scale(ch, spec.bits, spec.signed))
      : calibrate(x, { method: 'lsq-init', bits: spec.bits, signed: spec.signed, channels }).scales,
  // A power of two times 2^(from-to) stays a power of two.
  inheritFactor: (fromBits, toBits) => 2 ** (fromBits - toBits),
};
