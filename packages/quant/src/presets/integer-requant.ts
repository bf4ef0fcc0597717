import { quantRange } from '../bits';

/**
 * What the onnxruntime preset's integer graph requantizes, and on which
 * ranges: the one owner of those rules. @oqat/export's integer ONNX graph
 * (onnx-integer-graph.ts) builds its requantizations from them, and
 * @oqat/search's supernet fake-quantizes the same points on the same ranges
 * when it trains or evaluates under the preset (supernet/integer-requant.ts),
 * so the app computes what the exported graph computes.
 */

/**
 * An 8-bit activation quantization of the integer graph: codes 0..255 (or
 * 0..max) in a uint8 container, value = (code − zeroPoint)·step. Signed
 * quantities sit above a zero point rather than in int8: onnxruntime's x86
 * QLinearConv takes uint8 activations (int8 only where its platform check
 * allows it).
 */
export interface Q8 {
  step: number;
  zeroPoint: number;
  /**
   * The largest code, when below 255: the app's b-bit clip. onnxruntime
   * saturates a QuantizeLinear at 0..255 only, so the writer reaches it in two
   * steps: Q with zero point + 255 − max (saturates at the top), then a
   * LeakyRelu(alpha 1) from DQ to Q with this zero point (saturates at the
   * bottom), which onnxruntime fuses into QLinearLeakyRelu: a 256-entry table.
   */
  max?: number;
}

/** A layer quantizer as plain numbers (search's StaticQuantConfig has these fields). */
export interface Q8Source {
  bits: number;
  signed: boolean;
  step: number;
}

/** The squeeze-excite gate's input: h-sigmoid saturates outside [−3, 3], so 8 signed bits over that range. */
export const HSIGMOID_INPUT_Q: Q8 = { step: Math.fround(3 / 127), zeroPoint: 128 };
/** The gate itself: [0, 1] on 255 steps. */
export const GATE_Q: Q8 = { step: Math.fround(1 / 254), zeroPoint: 0 };
/**
 * h-sigmoid as an integer table: x/6 + 1/2 on 254 steps is x on steps of
 * 6/254 above zero point 127, so the codes of a plain requantization
 * (LeakyRelu alpha 1 between DQ and Q: QLinearLeakyRelu) read as GATE_Q are
 * the gate, saturated at 0 and at 255/254 (1 + 1/254: the one place the
 * table differs from h-sigmoid, for x > 3 + 3/254).
 */
export const HSIGMOID_TABLE_Q: Q8 = { step: Math.fround(6 / 254), zeroPoint: 127 };

/**
 * Where the app does not quantize a value but the integer graph must, how
 * much wider than its reader's range it is kept (on 255 steps): a map before
 * a global pool (its pixels exceed the pooled mean the next layer's range
 * was learned for), the addends of a residual add, the map the
 * squeeze-excite gate scales; `residual`: the residual stream itself keeps
 * the (widened) range of the adds that read it, and the block's first conv
 * reads it requantized to its own quantizer (the app adds the unclipped
 * stream). Chosen on the demo checkpoint's subnet, 1,000 test images
 * (tools/bench/onnx-speed.ts, docs/benchmarks-export.md): wider steps lost
 * up to 67 points at 2 bits, narrower ranges 10 at 3 bits.
 */
export const WIDEN = { gap: 8, add: 2, mul: 2, residual: true };

/**
 * How much finer than the app's b-bit weight step the integer weights are
 * written: codes·2^(7−b) at step/2^(7−b) (the same real weights; b-bit codes
 * times it stay within ±64 of int8). QLinearConv's bias is int32 at s_x·s_w,
 * so this makes the bias's rounding 2^(7−b) times finer: at the app's
 * b-bit step the rounding alone cost 7 points of top-1 at 2 bits (demo
 * subnet, docs/benchmarks-export.md "What the integer graph loses").
 */
export const WEIGHT_CODE_GAIN = (bits: number): number => 2 ** Math.max(0, 7 - bits);

/** The smallest step @oqat/quant's Quantizer computes with (a learned step of 0 acts as this). */
export const MIN_Q8_STEP = 1e-8;

/**
 * The app's quantizer `q` on uint8 codes, exactly: step s, zero point Qn
 * (signed) or 0, codes 0..Qn+Qp (at 8 bits the whole container, zero point
 * 128 when signed).
 */
export function appQ8(q: Q8Source): Q8 {
  const { qn, qp } = quantRange(q.bits, q.signed);
  const step = Math.fround(Math.max(q.step, MIN_Q8_STEP));
  if (qn + qp >= 255) return { step, zeroPoint: q.signed ? 128 : 0 };
  return { step, zeroPoint: q.signed ? qn : 0, max: qn + qp };
}

/**
 * A value the app does not quantize but onnxruntime's integer ops need in 8
 * bits (a conv's output before h-swish, a residual addend): the range of q on
 * 255 steps, finer than q's own b-bit grid.
 */
export function fineQ8(q: Q8): Q8 {
  if (q.max === undefined) return q;
  const step = Math.fround((q.max * q.step) / 255);
  return { step, zeroPoint: Math.round((q.zeroPoint * q.step) / step) };
}

/** The app's b-bit clipping range of q on 255 uint8 steps (fineQ8 of appQ8). */
export function rangeQ8(q: Q8Source): Q8 {
  return fineQ8(appQ8(q));
}

/**
 * What h-swish's input holds when its output is read as q: the preimage of
 * q's range on 255 steps, [−3, x*] (or [0, x*] if q is unsigned) with
 * h-swish(x*) = q's top. q's own range would clip the input where the app
 * clips the output: h-swish(x) < x below 3, so at 2 bits (tops ~1.5) that
 * cost 3 points of top-1 on the demo subnet.
 */
export function hswishInputQ8(q: Q8): Q8 {
  const lo = -q.zeroPoint * q.step;
  const hi = ((q.max ?? 255) - q.zeroPoint) * q.step;
  // h-swish(x) = x(x + 3)/6 on [−3, 3], x above
  const top = hi >= 3 ? hi : (-3 + Math.sqrt(9 + 24 * Math.max(hi, 0))) / 2;
  const bottom = lo < 0 ? -3 : 0;
  const step = Math.fround((top - bottom) / 255);
  return { step, zeroPoint: bottom < 0 ? Math.round(-bottom / step) : 0 };
}

/** The same zero point over `factor` times the range. */
export function widenQ8(q: Q8, factor: number): Q8 {
  return factor === 1 ? q : { step: Math.fround(q.step * factor), zeroPoint: q.zeroPoint };
}

/** The smallest 8-bit quantization whose range holds each of theirs. */
export function unionQ8(qs: readonly Q8[]): Q8 {
  if (qs.length === 1) return qs[0]!;
  const lower = Math.min(...qs.map((q) => -q.zeroPoint * q.step));
  const upper = Math.max(...qs.map((q) => (255 - q.zeroPoint) * q.step));
  const step = Math.fround((upper - lower) / 255);
  return { step, zeroPoint: Math.round(-lower / step) };
}

/** What a value read by a residual add holds: its output's range on 255 steps, WIDEN.add times wider. */
export function addendQ8(sum: Q8): Q8 {
  return widenQ8(fineQ8(sum), WIDEN.add);
}

/** What the map a squeeze-excite block scales holds: wide enough for its global pool (read by `pooledReader`) and for the product (read by `productReader`). */
export function seInputQ8(pooledReader: Q8, productReader: Q8): Q8 {
  return unionQ8([widenQ8(fineQ8(pooledReader), WIDEN.gap), widenQ8(fineQ8(productReader), WIDEN.mul)]);
}

/** What a map before a global pool holds when only the pool reads it (the head): its reader's range, WIDEN.gap times wider. */
export function poolInputQ8(pooledReader: Q8): Q8 {
  return widenQ8(fineQ8(pooledReader), WIDEN.gap);
}

/** onnxruntime's QLinearGlobalAveragePool computes with s_x / s_y below 256. */
export const GAP_MAX_RATIO = 128;

/**
 * Where onnxruntime refuses a pool's s_x/s_y (its reader learned a step of
 * ~0, which flushes the pooled values to 0), the integer graph holds the
 * pooled values on s_x/128 and the reader reads those instead of its own
 * quantizer; undefined where the reader's quantizer holds them.
 */
export function forcedPoolQ8(input: Q8, reader: Q8): Q8 | undefined {
  if (!(input.step / reader.step > GAP_MAX_RATIO)) return undefined;
  return { step: Math.fround(input.step / GAP_MAX_RATIO), zeroPoint: fineQ8(reader).zeroPoint };
}

/** The per-channel weight scale of an integer conv: step·|a| (a: BN's multiplier, 1 for a linear layer) over WEIGHT_CODE_GAIN(bits), in float32. */
export function integerWeightScale(step: number, bits: number, multiplier: number): number {
  return Math.fround((Math.max(step, MIN_Q8_STEP) / WEIGHT_CODE_GAIN(bits)) * Math.abs(multiplier));
}

/** The unit of a QLinearConv's int32 bias (and accumulator): s_x·s_w in float32. */
export function biasUnit(inputStep: number, weightScale: number): number {
  return Math.fround(inputStep * weightScale);
}
