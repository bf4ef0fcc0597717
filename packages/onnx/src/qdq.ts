import { QuantizationParamsError } from './errors';
import type { GraphBuilder } from './graph-builder';

/**
 * Affine quantization parameters of QuantizeLinear / DequantizeLinear:
 * `q = saturate(round(x / scale) + zeroPoint)`, `x' = (q - zeroPoint) * scale`.
 * Scalars are per-tensor; arrays are per-channel along `axis` (opset >= 13).
 */
export interface QuantParams {
  scale: number | ArrayLike<number>;
  zeroPoint: number | ArrayLike<number>;
  dataType: 'int8' | 'uint8';
  /** channel axis of per-channel parameters */
  axis?: number;
}

/** Rounding of QuantizeLinear: half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const RANGE = { int8: [-128, 127], uint8: [0, 255] } as const;

function asArray(v: number | ArrayLike<number>): number[] {
  return typeof v === 'number' ? [v] : Array.from(v);
}

function addParams(g: GraphBuilder, prefix: string, p: QuantParams): [string, string] {
  const scales = asArray(p.scale);
  const zeros = asArray(p.zeroPoint);
  const perChannel = typeof p.scale !== 'number';
  if (scales.length !== zeros.length || (perChannel && typeof p.zeroPoint === 'number')) {
    throw new QuantizationParamsError(prefix, `scale and zeroPoint must both be scalars or arrays of one length, got ${scales.length} and ${zeros.length}`);
  }
  for (const s of scales) {
    if (!(s > 0) || !Number.isFinite(s)) throw new QuantizationParamsError(prefix, `scale must be positive and finite, got ${s}`);
  }
  const [lo, hi] = RANGE[p.dataType];
  for (const z of zeros) {
    if (!Number.isInteger(z) || z < lo || z > hi) throw new QuantizationParamsError(prefix, `zero point ${z} is outside ${p.dataType} [${lo}, ${hi}]`);
  }
  const dims = perChannel ? [scales.length] : [];
  const scale = g.constant(`${prefix}_scale`, { dataType: 'float32', dims, values: scales });
  const zeroPoint = g.constant(`${prefix}_zero_point`, { dataType: p.dataType, dims, values: zeros });
  return [scale, zeroPoint];
}

function axisAttr(p: QuantParams): Record<string, number> {
  return typeof p.scale !== 'number' && p.axis !== undefined ? { axis: p.axis } : {};
}

/** QuantizeLinear: float -> int8/uint8. */
export function quantizeLinear(g: GraphBuilder, x: string, p: QuantParams): string {
  const [scale, zeroPoint] = addParams(g, `${x}_q`, p);
  return g.node('QuantizeLinear', [x, scale, zeroPoint], axisAttr(p));
}

/** DequantizeLinear: int8/uint8 -> float. */
export function dequantizeLinear(g: GraphBuilder, q: string, p: QuantParams): string {
  const [scale, zeroPoint] = addParams(g, `${q}_dq`, p);
  return g.node('DequantizeLinear', [q, scale, zeroPoint], axisAttr(p));
}

/**
 * A QuantizeLinear -> DequantizeLinear pair on an activation (the QDQ format
 * runtimes fuse into integer kernels). Per-tensor only. With `bits` < 8 the
 * input is first clipped to the b-bit grid's range, since QuantizeLinear
 * itself saturates at the 8-bit range.
 */
export function qdq(g: GraphBuilder, x: string, p: QuantParams & { bits?: number }): string {
  if (typeof p.scale !== 'number' || typeof p.zeroPoint !== 'number') {
    throw new QuantizationParamsError(`qdq of '${x}'`, 'activation QDQ takes a per-tensor scale and zero point');
  }
  let input = x;
  const bits = p.bits ?? 8;
  if (!Number.isInteger(bits) || bits < 1 || bits > 8) throw new QuantizationParamsError(`qdq of '${x}'`, `bits must be 1-8, got ${bits}`);
  if (bits < 8) {
    const lo = p.dataType === 'int8' ? -(2 ** (bits - 1)) : 0;
    const hi = p.dataType === 'int8' ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
    const min = g.constant(`${x}_clip_min`, { dataType: 'float32', dims: [], values: [(lo - p.zeroPoint) * p.scale] });
    const max = g.constant(`${x}_clip_max`, { dataType: 'float32', dims: [], values: [(hi - p.zeroPoint) * p.scale] });
    input = g.node('Clip', [x, min, max]);
  }
  return dequantizeLinear(g, quantizeLinear(g, input, p), p);
}

/** Per-tensor affine parameters covering [min, max] with `bits` levels (min <= 0 <= max is enforced). */
export function affineParams(min: number, max: number, options: { bits?: number; dataType?: 'int8' | 'uint8' } = {}): QuantParams {
  const bits = options.bits ?? 8;
  const dataType = options.dataType ?? 'uint8';
  if (!Number.isInteger(bits) || bits < 1 || bits > 8) throw new QuantizationParamsError('affineParams', `bits must be 1-8, got ${bits}`);
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  const levels = 2 ** bits - 1;
  const scale = hi > lo ? (hi - lo) / levels : 1;
  const qmin = dataType === 'int8' ? -(2 ** (bits - 1)) : 0;
  const zeroPoint = Math.min(qmin + levels, Math.max(qmin, Math.round(qmin - lo / scale)));
  return { scale, zeroPoint, dataType };
}

export interface QuantizedWeightOptions {
  /** weight bits, 2-8; stored as int8 either way; default 8 */
  bits?: number;
  /** per-channel scales along this axis (0 = output channels of Conv/Gemm weights); default per-tensor */
  axis?: number;
}

/**
 * A float weight stored as a symmetric int8 initializer (values clamped to
 * the signed b-bit grid, `Qp = 2^(b-1) - 1`, scale = max|w| / Qp) followed by
 * DequantizeLinear: the weight half of the QDQ format. Returns the
 * dequantized value's name, to feed Conv/Gemm/MatMul.
 */
export function quantizedWeight(
  g: GraphBuilder,
  name: string,
  values: ArrayLike<number>,
  dims: readonly number[],
  options: QuantizedWeightOptions = {},
): string {
  const bits = options.bits ?? 8;
  if (!Number.isInteger(bits) || bits < 2 || bits > 8) throw new QuantizationParamsError(`weight '${name}'`, `bits must be 2-8, got ${bits}`);
  const qp = 2 ** (bits - 1) - 1;
  const qn = -(2 ** (bits - 1));
  const axis = options.axis;
  const channels = axis === undefined ? 1 : dims[axis];
  if (channels === undefined) throw new QuantizationParamsError(`weight '${name}'`, `axis ${axis} is outside dims [${dims.join(', ')}]`);
  const inner = axis === undefined ? values.length : dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => (axis === undefined ? 0 : Math.floor(i / inner) % channels);
  const scales = weightScales(values, dims, options);
  const q = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    q[i] = Math.min(qp, Math.max(qn, roundHalfEven(values[i]! / scales[channelOf(i)]!)));
  }
  const stored = g.initializer(g.uniqueName(`${name}_int8`), { dataType: 'int8', dims, values: q });
  const params: QuantParams =
    axis === undefined
      ? { scale: scales[0]!, zeroPoint: 0, dataType: 'int8' }
      : { scale: scales, zeroPoint: new Array<number>(channels).fill(0), dataType: 'int8', axis };
  return dequantizeLinear(g, stored, params);
}

/**
 * A float bias stored as int32 with scale = inputScale x weightScale (per
 * output channel when the weight is per-channel), zero point 0, followed by
 * DequantizeLinear: the bias form runtimes need to fuse DQ -> Conv -> Q into
 * an integer conv. Returns the dequantized value's name.
 */
export function quantizedBias(
  g: GraphBuilder,
  name: string,
  values: ArrayLike<number>,
  inputScale: number,
  weightScale: number | ArrayLike<number>,
): string {
  const perChannel = typeof weightScale !== 'number';
  const scales = Array.from({ length: values.length }, (_, i) => inputScale * (perChannel ? (weightScale as ArrayLike<number>)[i]! : (weightScale as number)));
  for (const s of scales) {
    if (!(s > 0) || !Number.isFinite(s)) throw new QuantizationParamsError(`bias '${name}'`, `scale must be positive and finite, got ${s}`);
  }
  const q = Int32Array.from(values, (v, i) => Math.max(-2147483648, Math.min(2147483647, roundHalfEven(v / scales[i]!))));
  const stored = g.initializer(g.uniqueName(`${name}_int32`), { dataType: 'int32', dims: [values.length], values: q });
  const scale = g.constant(`${name}_scale`, { dataType: 'float32', dims: perChannel ? [values.length] : [], values: perChannel ? scales : [scales[0]!] });
  const zeroPoint = g.constant(`${name}_zero_point`, {
    dataType: 'int32',
    dims: perChannel ? [values.length] : [],
    values: perChannel ? new Int32Array(values.length) : [0],
  });
  return g.node('DequantizeLinear', [stored, scale, zeroPoint], perChannel ? { axis: 0 } : {});
}

/** Weight scales `quantizedWeight` uses (max|w| / Qp per channel or per tensor), for `quantizedBias`. */
export function weightScales(values: ArrayLike<number>, dims: readonly number[], options: QuantizedWeightOptions = {}): number[] {
  const bits = options.bits ?? 8;
  const qp = 2 ** (bits - 1) - 1;
  const axis = options.axis;
  const channels = axis === undefined ? 1 : dims[axis]!;
  const inner = axis === undefined ? values.length : dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = axis === undefined ? 0 : Math.floor(i / inner) % channels;
    maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(values[i]!));
  }
  return Array.from(maxAbs, (m) => (m > 0 ? m / qp : 1));
}
