import { assertQuantBits, quantRange } from '../bits';
import { InvalidQuantOptionError } from '../errors';
import type { UniformParams } from '../uniform-codec';
import { splitChannels } from './channel-split';
import { paramsFromRanges, type RangeTarget } from './clip-range';
import { minMaxRange } from './min-max';
import { mseOptimalRange } from './mse-optimal';
import { percentileRange } from './percentile';

export type CalibrationMethod = 'min-max' | 'percentile' | 'mse' | 'lsq-init';
export const CALIBRATION_METHODS: readonly CalibrationMethod[] = ['min-max', 'percentile', 'mse', 'lsq-init'];

export interface CalibrationOptions {
  method: CalibrationMethod;
  bits: number;
  signed: boolean;
  /** unsigned codes with a zero point; not with 'lsq-init'. Default false. */
  asymmetric?: boolean;
  /** one scale per channel (element i is channel i % channels); default 1 = per tensor. */
  channels?: number;
  /** 'percentile' only; default 99.99. */
  percentile?: number;
  /** 'mse' only: clipping factors tried on the coarse grid; default 100. */
  gridSize?: number;
}

/**
 * Post-training calibration of a uniform code for values not trained with LSQ.
 * 'lsq-init' returns LSQ's initial step 2·mean(|x|)/sqrt(Qp) for comparison.
 */
export function calibrate(x: ArrayLike<number>, options: CalibrationOptions): UniformParams {
  const { method, bits, signed } = options;
  assertQuantBits('calibrate', bits, false);
  if (!CALIBRATION_METHODS.includes(method)) {
    throw new InvalidQuantOptionError('calibrate', 'method', method, CALIBRATION_METHODS.join(', '));
  }
  const asymmetric = options.asymmetric ?? false;
  const channels = splitChannels('calibrate', x, options.channels ?? 1);
  const target: RangeTarget = { bits, signed, asymmetric };
  if (method === 'lsq-init') {
    if (asymmetric) throw new InvalidQuantOptionError('calibrate', 'asymmetric', true, "false with method 'lsq-init'");
    const { qp } = quantRange(bits, signed);
    const scales = Float32Array.from(channels, (ch) => {
      const meanAbs = ch.reduce((a, v) => a + Math.abs(v), 0) / Math.max(1, ch.length);
      return meanAbs > 0 ? (2 * meanAbs) / Math.sqrt(qp) : 1;
    });
    return { bits, signed, asymmetric, channels: channels.length, scales };
  }
  const ranges = channels.map((ch): [number, number] => {
    if (method === 'percentile') return percentileRange(ch, options.percentile ?? 99.99, signed && !asymmetric);
    const full = minMaxRange(ch);
    return method === 'mse' ? mseOptimalRange(ch, full, target, options.gridSize) : full;
  });
  return paramsFromRanges(ranges, target);
}
