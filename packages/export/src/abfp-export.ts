import { AbfpExportError } from './errors';
import type { ExportGraph } from './export-graph';

/**
 * ABFP goes to the packed format only. Its inputs' exponents are computed
 * per block of values at run time (2^e·Qp ≥ the block's max |x|), which
 * ONNX QDQ (static per-tensor or per-axis scales) and the tfjs graph's fake
 * quantizer (one step per tensor or channel) cannot express exactly; its
 * weight blocks (consecutive values of the tfjs layout) cross output
 * channels unless they divide them. So those writers refuse rather than
 * write a look-alike.
 */
export function refuseAbfpOutsidePacked(graph: ExportGraph, formats: readonly string[]): void {
  const others = formats.filter((f) => f !== 'packed');
  if (others.length === 0) return;
  for (const n of graph.nodes) {
    if (n.kind !== 'conv' && n.kind !== 'linear') continue;
    if (n.weight.quant?.format === 'abfp' || n.inputQuant?.format === 'abfp') throw new AbfpExportError(n.name, others);
  }
}
