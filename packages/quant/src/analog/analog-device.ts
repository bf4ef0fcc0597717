import { InvalidQuantOptionError } from '../errors';

/**
 * An analog mixed-signal (AMS) matrix-vector unit as the ABFP paper models it
 * (Basumallik et al., "Adaptive Block Floating-Point for Analog Deep Learning
 * Hardware", arXiv:2205.06287): a dot product of length K is cut into blocks
 * of `blockSize` (the analog tile's vector length n); each block of the input
 * and each block of a weight column is scaled by its own largest magnitude
 * (the "adaptive" scales, kept in float) and quantized to `inputBits` (DAC) and
 * `weightBits`; the tile computes the block's dot product in analog, with
 * additive Gaussian noise; a gain G amplifies that output before an ADC of
 * `adcBits` quantizes it over the tile's full output range [-n, n]; the
 * digital side divides by G, multiplies back the two scales and accumulates
 * the blocks in float.
 */
export interface AnalogDevice {
  /** n: values per ABFP block, the tile's vector length (the ADC's full scale is ±n) */
  blockSize: number;
  /** DAC bits of the normalized inputs (symmetric, 2^(b-1)-1 levels a side); 32: ideal */
  inputBits: number;
  /** bits of the normalized weights; 32: ideal */
  weightBits: number;
  /** ADC bits of the amplified output; 32: ideal */
  adcBits: number;
  /** G: the output is multiplied by G before the ADC and divided by G after it */
  gain: number;
  /** standard deviation of the additive Gaussian noise as a share of the ADC's full scale n (0.01 = 1 % of n), referred to the ADC input */
  noise: number;
}

/**
 * Defaults: 8-bit DAC, weights and ADC at tile width 128 — the setting the
 * paper reports its MLPerf figures at (summarised in the Nature SI of Ahmed
 * et al. 2025 as ResNet-50 at tile width 128: 0.7 % top-1 at G = 1, 75.2 % at
 * G = 8, FP32 76.1 %, Table II of the ABFP paper); gain 8 from that table.
 * The paper gives no single noise figure we could read: noise is off unless asked.
 */
export const ANALOG_DEFAULTS: Readonly<AnalogDevice> = Object.freeze({
  blockSize: 128,
  inputBits: 8,
  weightBits: 8,
  adcBits: 8,
  gain: 8,
  noise: 0,
});

/** Converter widths the device accepts: 2..16, or 32 for an ideal converter (float32 carries 24 bits, so no rounding is simulated). */
export const ANALOG_IDEAL_BITS = 32;

function checkBits(option: string, bits: number): void {
  if (!Number.isInteger(bits) || ((bits < 2 || bits > 16) && bits !== ANALOG_IDEAL_BITS)) {
    throw new InvalidQuantOptionError('analog device', option, bits, '2–16, or 32 for an ideal converter');
  }
}

/** The defaults overridden by `partial`, each value checked (one-line errors). */
export function analogDevice(partial: Partial<AnalogDevice> = {}): AnalogDevice {
  const d: AnalogDevice = { ...ANALOG_DEFAULTS };
  for (const [k, v] of Object.entries(partial)) if (v !== undefined) (d as unknown as Record<string, number>)[k] = v;
  if (!Number.isInteger(d.blockSize) || d.blockSize < 1) throw new InvalidQuantOptionError('analog device', 'blockSize', d.blockSize, 'a positive integer');
  checkBits('inputBits', d.inputBits);
  checkBits('weightBits', d.weightBits);
  checkBits('adcBits', d.adcBits);
  if (!Number.isFinite(d.gain) || d.gain <= 0) throw new InvalidQuantOptionError('analog device', 'gain', d.gain, 'a positive number');
  if (!Number.isFinite(d.noise) || d.noise < 0) throw new InvalidQuantOptionError('analog device', 'noise', d.noise, 'a non-negative number (share of the ADC full scale)');
  return d;
}
