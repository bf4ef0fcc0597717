import { InvalidQuantOptionError } from '../errors';

/** One weight tensor's error with a single low-precision tensor. */
export interface TensorFit {
  name: string;
  /** ‖W − Ŵ‖² / ‖W‖² with one quantized tensor (relativeSquaredError) */
  relativeError: number;
}

/**
 * Which tensors MMSE approximates by more than one low-precision tensor:
 * the "poorly approximated" ones, i.e. those whose relative quantization
 * error ‖W − Ŵ‖²/‖W‖² (1/SQNR, comparable across layers of any scale) is
 * more than `factor` times the median of the network's tensors. A network
 * whose tensors all fit alike gets none; the outliers get them.
 */
export function poorlyApproximated(fits: readonly TensorFit[], factor: number): string[] {
  if (!(factor >= 1) || !Number.isFinite(factor)) throw new InvalidQuantOptionError('poorlyApproximated', 'factor', factor, 'a finite number ≥ 1');
  if (fits.length === 0) return [];
  const sorted = fits.map((f) => f.relativeError).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return fits.filter((f) => f.relativeError > factor * median).map((f) => f.name);
}
