import { tf } from '@oqat/engine';
import type { Tensor } from '@oqat/engine';
import { InvalidQuantOptionError } from '../errors';
import { ANALOG_IDEAL_BITS, analogDevice, type AnalogDevice } from './analog-device';

export interface AnalogMatmulOptions {
  /** seed of the analog noise draw (same seed, same noise); default 0 */
  seed?: number;
}

/** Q_b on [-1, 1]: round(clamp(a)/δ)·δ with δ = 1/(2^(b-1)-1); bits 32: clamp only. */
function symmetricQuantize(a: Tensor, bits: number): Tensor {
  const clamped = tf.clipByValue(a, -1, 1);
  if (bits === ANALOG_IDEAL_BITS) return clamped;
  const levels = 2 ** (bits - 1) - 1;
  return tf.div(tf.round(tf.mul(clamped, levels)), levels);
}

/** max |v| over `axis` (kept), with all-zero blocks given scale 1 (their values stay 0). */
function blockScale(v: Tensor, axis: number): Tensor {
  const m = tf.max(tf.abs(v), axis, true);
  return tf.where(tf.greater(m, 0), m, tf.onesLike(m));
}

/**
 * x·w on the analog device (see AnalogDevice): x [M, K] · w [K, N] -> [M, N],
 * or batched, x [G, M, K] · w [G, K, N] -> [G, M, N] (a depthwise conv: one
 * group per channel). K is cut into ceil(K/n) blocks (the last zero-padded);
 * for block b, with s_x = max|x_b| per row of x and s_w = max|w_b| per column of w,
 *   y_b = s_x·s_w · Q_adc( G·(Q_in(x_b/s_x) · Q_w(w_b/s_w)) + σ·n·ε ) / G,
 * Q_adc quantizing over the full scale [-n, n] (clipping beyond it), ε ~ N(0, 1);
 * the result is Σ_b y_b in float. No gradient is defined: this is an
 * inference model (DNF trains with its sampled differential instead).
 */
export function analogMatmul(x: Tensor, w: Tensor, device: Partial<AnalogDevice> = {}, options: AnalogMatmulOptions = {}): Tensor {
  const d = analogDevice(device);
  const batched = x.rank === 3;
  if (x.rank !== w.rank || (x.rank !== 2 && x.rank !== 3)) {
    throw new InvalidQuantOptionError('analogMatmul', 'operand ranks', `${x.rank} and ${w.rank}`, 'both 2 ([M,K]·[K,N]) or both 3 ([G,M,K]·[G,K,N])');
  }
  const [g, m, k] = batched ? (x.shape as [number, number, number]) : [1, ...(x.shape as [number, number])];
  const [gw, kw, nOut] = batched ? (w.shape as [number, number, number]) : [1, ...(w.shape as [number, number])];
  if (kw !== k || gw !== g) {
    throw new InvalidQuantOptionError('analogMatmul', 'w shape', `[${w.shape.join(', ')}]`, `${batched ? `[${g}, ${k}, N]` : `[${k}, N]`} for x of shape [${x.shape.join(', ')}]`);
  }
  // A vector shorter than the tile fills one block (the rest of the tile's inputs are 0); the ADC's full scale stays the tile's n.
  const fullScale = d.blockSize;
  const n = Math.min(d.blockSize, k);
  const blocks = Math.ceil(k / n);
  const pad = blocks * n - k;
  return tf.tidy(() => {
    const x3 = tf.reshape(x, [g, m, k]);
    const w3 = tf.reshape(w, [g, k, nOut]);
    const xp = pad ? tf.pad(x3, [[0, 0], [0, 0], [0, pad]]) : x3;
    const wp = pad ? tf.pad(w3, [[0, 0], [0, pad], [0, 0]]) : w3;
    // [g, m, B, n] -> [g, B, m, n]; the scale of each input vector block.
    const xb = tf.transpose(tf.reshape(xp, [g, m, blocks, n]), [0, 2, 1, 3]);
    const sx = blockScale(xb, 3); // [g, B, m, 1]
    const xq = symmetricQuantize(tf.div(xb, sx), d.inputBits);
    // [g, B, n, N]; the scale of each weight column block.
    const wb = tf.reshape(wp, [g, blocks, n, nOut]);
    const sw = blockScale(wb, 2); // [g, B, 1, N]
    const wq = symmetricQuantize(tf.div(wb, sw), d.weightBits);
    const dot = tf.reshape(tf.matMul(tf.reshape(xq, [g * blocks, m, n]), tf.reshape(wq, [g * blocks, n, nOut])), [g, blocks, m, nOut]);
    let analog = tf.mul(dot, d.gain);
    if (d.noise > 0) analog = tf.add(analog, tf.mul(tf.randomNormal(analog.shape, 0, 1, 'float32', options.seed ?? 0), d.noise * fullScale));
    const digital = tf.div(tf.mul(symmetricQuantize(tf.div(analog, fullScale), d.adcBits), fullScale), d.gain);
    const y = tf.sum(tf.mul(digital, tf.mul(sx, sw)), 1); // [g, m, N]
    return batched ? y : tf.reshape(y, [m, nOut]);
  });
}
