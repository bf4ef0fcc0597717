import { tf, type Tensor } from '@oqat/engine';
import { appQ8, biasUnit, fakeQuantQ8, HSIGMOID_INPUT_Q, hsigmoidTableQ8, hswishInputQ8, integerWeightScale, type Q8 } from '@oqat/quant';
import { applyActivation, type ActivationName } from '../static/activation';
import type { LayerQuant } from './layer-quant';
import { LsqLayerQuant } from './lsq-layer-quant';

/**
 * The onnxruntime preset's hook into the supernet: where its integer graph
 * (@oqat/export `--onnx integer`) requantizes a value the app computes in
 * float, the blocks and ops fake-quantize it on the same 8-bit range
 * (@oqat/quant's presets/integer-requant.ts owns the ranges and the export
 * builds its graph from them), straight through inside the range: the int32
 * biases at s_x·s_w, h-swish's input and its h-sigmoid table, the
 * squeeze-excite input map, gate input and gate, the residual addends and
 * sums. On when a network's layer quantizers are marked (presetQuantFactory
 * marks them for the onnxruntime preset; setIntegerRequant for a network
 * trained without it), inert otherwise: the forward pass is then the plain one.
 */
const MARKED = new WeakSet<LayerQuant>();

/** Marks (or unmarks) these layers: their network computes what the integer graph computes. */
export function setIntegerRequant(quants: Iterable<LayerQuant>, on: boolean): void {
  for (const q of quants) {
    if (on) MARKED.add(q);
    else MARKED.delete(q);
  }
}

/** Whether the layer of this quantizer computes what the integer graph computes. */
export function integerRequantOn(q: LayerQuant | undefined): boolean {
  return q !== undefined && MARKED.has(q);
}

/** The layer's frozen quantizers, or undefined while it runs in float or before its steps exist (the first forward at a width). */
function frozenSteps(q: LayerQuant | undefined): ReturnType<LayerQuant['frozen']> | undefined {
  if (!(q instanceof LsqLayerQuant) || !integerRequantOn(q)) return undefined;
  if (q.weightQuantizer.bits === 32 || !q.weightQuantizer.step() || !q.inputQuantizer.step()) return undefined;
  return q.frozen();
}

/** The app's quantizer of a marked layer's input as the integer graph holds it (appQ8); undefined: not marked, float, or not initialised. */
export function inputQ8(q: LayerQuant | undefined): Q8 | undefined {
  const input = frozenSteps(q)?.input;
  return input && appQ8(input);
}

/**
 * The int32 bias unit s_x·s_w,c per output channel of a marked layer whose
 * outputs are multiplied by `multipliers` (BN's γ/√(σ²+ε); 1 for a linear
 * layer), as the export computes it (`input`: the grid the layer reads when
 * it is not its own quantizer's); undefined where the layer is not marked.
 */
export function biasUnits(q: LayerQuant | undefined, multipliers: Float32Array, input?: Q8): Float32Array | undefined {
  const f = frozenSteps(q);
  if (!f?.weight || !f.input) return undefined;
  const w = f.weight;
  const sx = (input ?? appQ8(f.input)).step;
  return Float32Array.from(multipliers, (a, c) => biasUnit(sx, integerWeightScale(w.channelSteps?.[c] ?? w.step, w.bits, a)));
}

/** shift rounded to whole units (the integer graph's int32 bias), minus shift: a constant the caller adds. */
export function biasRounding(shift: Float32Array, units: Float32Array): Float32Array {
  return Float32Array.from(shift, (s, c) => Math.round(s / units[c]!) * units[c]! - s);
}

/**
 * An activation as the integer graph computes it when its output is read as
 * `out`: h-swish is its input on hswishInputQ8(out) times the h-sigmoid
 * table of that; h-sigmoid (the squeeze-excite gate) the table of its input
 * on HSIGMOID_INPUT_Q; `readByConv`: the reader is a layer whose own input
 * quantizer is `out` (left to it), else the output is fake-quantized on `out`.
 */
export function integerActivation(x: Tensor, fn: ActivationName, out: Q8 | undefined, readByConv: boolean): Tensor {
  if (fn === 'hsigmoid') return hsigmoidTableQ8(fakeQuantQ8(x, HSIGMOID_INPUT_Q));
  if (!out) return applyActivation(x, fn);
  let y: Tensor;
  if (fn === 'hswish') {
    const x8 = fakeQuantQ8(x, hswishInputQ8(out));
    y = tf.mul(x8, hsigmoidTableQ8(x8));
  } else y = applyActivation(x, fn);
  return readByConv ? y : fakeQuantQ8(y, out);
}
