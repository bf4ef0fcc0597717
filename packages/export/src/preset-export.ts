import { getPreset, presetExportProblem, type FormatName } from '@oqat/quant';
import type { StaticNetwork, StaticQuantConfig } from '@oqat/search';
import { PresetExportError } from './errors';
import type { ExportFormat } from './export-subnet';

/** Every weight quantization of a static network's config (convs and linears, wherever they sit). */
function weightQuants(config: unknown, out: StaticQuantConfig[] = []): StaticQuantConfig[] {
  if (Array.isArray(config)) for (const c of config) weightQuants(c, out);
  else if (config && typeof config === 'object') {
    for (const [key, value] of Object.entries(config)) {
      if (key === 'weightQuant' && value) out.push(value as StaticQuantConfig);
      else weightQuants(value, out);
    }
  }
  return out;
}

/**
 * Refuses, in one line (PresetExportError), an export that the run's
 * deployment preset's backend would not run: no file it reads, a weight
 * format it does not compute, per-channel steps where it has one per tensor,
 * or ONNX whose folded BN gives per-channel float scales where it needs one
 * power of two per tensor (@oqat/quant's presetExportProblem). 'none' or no
 * preset: nothing to check.
 */
export function checkPresetExport(net: StaticNetwork, formats: readonly ExportFormat[], preset: string | undefined): void {
  if (!preset || preset === 'none') return;
  const quants = weightQuants(net.config);
  const problem = presetExportProblem(getPreset(preset), {
    exportFormats: formats,
    weightFormats: quants.map((q): FormatName => q.format ?? 'uniform'),
    perChannelWeights: quants.some((q) => q.channelSteps !== undefined),
  });
  if (problem) throw new PresetExportError(problem);
}
