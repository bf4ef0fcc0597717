import { esbGrid, getFormat } from '@oqat/quant';
import type { StaticQuantConfig } from '@oqat/search';
import { EsbExportError } from './errors';
import type { ExportGraph, ExportNode, ExportWeight } from './export-graph';

/**
 * ESB (elastic significant bits) in the export files.
 * - packed: each weight's b-bit ESB code (sign bit, then the magnitude code
 *   (e << (k-1)) | mantissa, see @oqat/quant esb-grid.ts), alpha (`step`,
 *   or `channelSteps`) and k (`significantBits`); read-packed-model decodes
 *   sign·level(code)·alpha. Inputs: their bits, alpha and k.
 * - tfjs: weights are stored as the app's float values (level·alpha, exact);
 *   ESB inputs are quantized in the graph by the same ops as the app's
 *   esbLevels (tfjs-graph-model.ts), so the graph computes what the app does.
 * - ONNX: a weight's levels are integers, so int8 DequantizeLinear(level,
 *   alpha) is exact when maxLevel <= 127; ESB input levels (at most k
 *   significant bits, not every integer) have no QuantizeLinear form, so
 *   such a layer is refused unless its input grid is the uniform one.
 */

/** The b-bit ESB codes of a weight the app has already quantized (values = level·alpha exactly). */
export function esbWeightCodes(values: Float32Array, quant: StaticQuantConfig): Int32Array {
  const scales = quant.channelSteps ? Float32Array.from(quant.channelSteps) : Float32Array.of(quant.step);
  const { bits, signed, significantBits } = quant;
  return getFormat('esb').encode(values, { bits, signed, ...(significantBits ? { significantBits } : {}), channels: scales.length, scales }).codes;
}

/** Largest integer an int8 DequantizeLinear holds. */
const INT8_MAX = 127;

function onnxWeight(layer: string, w: ExportWeight): ExportWeight {
  const q = w.quant;
  if (!q || q.format !== 'esb') return w;
  const g = esbGrid(q.bits, q.signed, q.significantBits);
  if (g.maxLevel > INT8_MAX) {
    throw new EsbExportError(layer, `has ESB weights up to level ${g.maxLevel} (${q.bits} bits, k = ${g.significantBits}), beyond int8's 127, so ONNX QDQ cannot hold them exactly`);
  }
  const steps = q.channelSteps ?? [q.step];
  // values are level·alpha in float32: value/alpha rounds back to the integer level exactly.
  const levels = Int32Array.from(w.values, (v, i) => Math.round(v / steps[i % steps.length]!));
  const { format: _f, significantBits: _k, ...uniform } = q;
  return { ...w, quant: { ...uniform, bits: 8 }, codes: levels };
}

function onnxInput(layer: string, q: StaticQuantConfig | undefined): StaticQuantConfig | undefined {
  if (!q || q.format !== 'esb') return q;
  const g = esbGrid(q.bits, q.signed, q.significantBits);
  // Unsigned with every magnitude bit significant: 0..2^b-1, the uniform unsigned grid.
  if (!q.signed && g.significantBits === g.magnitudeBits) {
    const { format: _f, significantBits: _k, ...uniform } = q;
    return uniform;
  }
  throw new EsbExportError(layer, `quantizes its input to ESB levels (${q.bits} bits, at most ${g.significantBits} significant bits), which ONNX QuantizeLinear cannot express`);
}

/**
 * The graph as the ONNX writer gets it: ESB weights as exact int8 levels with
 * scale alpha; refused (EsbExportError) where ONNX cannot be exact.
 */
export function esbForOnnx(graph: ExportGraph): ExportGraph {
  const esb = graph.nodes.some((n) => (n.kind === 'conv' || n.kind === 'linear') && (n.weight.quant?.format === 'esb' || n.inputQuant?.format === 'esb'));
  if (!esb) return graph;
  const nodes = graph.nodes.map((n): ExportNode => {
    if (n.kind !== 'conv' && n.kind !== 'linear') return n;
    const inputQuant = onnxInput(n.name, n.inputQuant);
    const { inputQuant: _q, ...rest } = n;
    return { ...rest, weight: onnxWeight(n.name, n.weight), ...(inputQuant ? { inputQuant } : {}) } as ExportNode;
  });
  return { ...graph, nodes };
}
