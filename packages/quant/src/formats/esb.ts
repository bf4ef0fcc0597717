import { assertQuantBits } from '../bits';
import { splitChannels } from '../calibration/channel-split';
import { esbDdaAlpha, esbDdaLambda } from '../calibration/esb-dda';
import { ShapeMismatchError } from '../errors';
import { esbCodeOfLevel, esbGrid, esbLevelOfCode, esbNearestLevel, type EsbGrid } from '../quantizers/esb-grid';
import { esbQuantize } from '../quantizers/esb-quantize';
import type { EncodedTensor, EncodeOptions, NumberFormat } from './number-format';

function squaredError(x: ArrayLike<number>, alpha: number, g: EsbGrid): number {
  let err = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const m = g.signed ? Math.abs(v) : Math.max(v, 0);
    const q = esbNearestLevel(Math.fround(m / alpha), g) * alpha;
    const d = (v < 0 && g.signed ? -q : q) - v;
    err += d * d;
  }
  return err;
}

/** Grid and one alpha per channel (given scales, else DDA's); without k, the k with the least total error. */
function fitGrid(x: ArrayLike<number>, o: EncodeOptions): { g: EsbGrid; alphas: Float32Array } {
  const channels = splitChannels('encode', x, o.channels ?? 1);
  if (o.scales && o.scales.length !== channels.length) {
    throw new ShapeMismatchError('encode', 'scales', o.scales.length, channels.length);
  }
  assertQuantBits('encode', o.bits, false);
  const magnitudeBits = o.signed ? o.bits - 1 : o.bits;
  const ks = o.significantBits !== undefined ? [o.significantBits] : Array.from({ length: magnitudeBits }, (_, i) => i + 1);
  let best: { g: EsbGrid; alphas: Float32Array; err: number } | undefined;
  for (const k of ks) {
    const g = esbGrid(o.bits, o.signed, k);
    const alphas = o.scales ?? Float32Array.from(channels, (ch) => esbDdaAlpha(ch, 1, { bits: o.bits, signed: o.signed, significantBits: k })[0]!);
    const fits = channels.map((ch, c) => ({ alpha: alphas[c]!, err: squaredError(ch, alphas[c]!, g) }));
    const err = fits.reduce((a, f) => a + f.err, 0);
    if (!best || err < best.err) best = { g, alphas: Float32Array.from(fits, (f) => f.alpha), err };
  }
  return best!;
}

function encode(x: ArrayLike<number>, o: EncodeOptions): EncodedTensor {
  const { g, alphas } = fitGrid(x, o);
  const codes = new Int32Array(x.length);
  const signBit = 1 << g.magnitudeBits;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const m = g.signed ? Math.abs(v) : Math.max(v, 0);
    const level = esbNearestLevel(Math.fround(m / alphas[i % alphas.length]!), g);
    codes[i] = esbCodeOfLevel(level, g) | (g.signed && v < 0 && level > 0 ? signBit : 0);
  }
  return {
    format: 'esb',
    bits: o.bits,
    signed: o.signed,
    codes,
    codesSigned: false,
    scales: alphas,
    channels: alphas.length,
    significantBits: g.significantBits,
  };
}

function decode(e: EncodedTensor): Float32Array {
  const g = esbGrid(e.bits, e.signed, e.significantBits);
  const mask = (1 << g.magnitudeBits) - 1;
  return Float32Array.from(e.codes, (c, i) => {
    const v = esbLevelOfCode(c & mask, g) * e.scales[i % e.channels]!;
    return g.signed && c >> g.magnitudeBits ? -v : v;
  });
}

/** Elastic significant bits: levels with at most k significant bits, times alpha (per tensor or channel). */
export const esbFormat: NumberFormat = {
  name: 'esb',
  perChannel: true,
  encode,
  decode,
  fakeQuantize: (x, alpha, c) =>
    esbQuantize(x, alpha, { bits: c.bits, signed: c.signed, significantBits: c.significantBits, axis: c.axis, gradScale: c.gradScale }),
  // DDA (calibration/esb-dda.ts): alpha = λ(b, k)·σ per channel, the paper's alignment of the quantized distribution with the data's.
  initStep: (x, channels, spec) => esbDdaAlpha(x, channels, spec),
  // DDA at the new width with the learned scale: alpha/λ(from) is the σ the learned alpha stands for, so
  // alpha_to = λ(to)·alpha_from/λ(from). Keeping the range (OQAT's doubling) put ternary's clip at 3-bit ESB's
  // 2.07σ instead of its own 1.22σ, and the 2-bit network collapsed (docs/benchmarks-quant.md, ESB).
  inheritFactor: (fromBits, toBits, spec) =>
    esbDdaLambda(toBits, spec.signed, spec.significantBits).lambda / esbDdaLambda(fromBits, spec.signed, spec.significantBits).lambda,
};
