import type { FormatName } from '../formats/number-format';
import type { DeploymentPreset } from './deployment-preset';

/** The quantizer settings a preset gives one layer, from the settings the run asked for. */
export interface PresetLayerQuant {
  /** the weights' number format (a uniform one becomes 'pow2' under a power-of-two preset) */
  format: FormatName;
  /** one weight step per output channel */
  perChannelWeights: boolean;
  /** whether the layer's input quantizer is signed */
  signedInput: boolean;
}

/**
 * What a preset makes of one layer's quantization: per-channel weight steps
 * where the backend has them, power-of-two steps where it demands them,
 * signed activations where it is symmetric int8 throughout. `format` is the
 * run's choice; call presetFormatProblem first (a format the preset forbids
 * is returned unchanged).
 */
export function presetLayerQuant(p: DeploymentPreset, layer: { format: FormatName; signedInput: boolean }): PresetLayerQuant {
  const format = layer.format === 'uniform' && p.weights.scale === 'pow2' ? 'pow2' : layer.format;
  return {
    format,
    perChannelWeights: p.weights.granularity === 'per-channel',
    signedInput: p.activations.signed === 'always' || layer.signedInput,
  };
}

/** Why a preset cannot train or export weights of this format (undefined: it can). */
export function presetFormatProblem(p: DeploymentPreset, format: FormatName): string | undefined {
  const effective = format === 'uniform' && p.weights.scale === 'pow2' ? 'pow2' : format;
  if (p.formats.includes(effective)) return undefined;
  return `${p.target} computes ${p.formats.join(' or ')} weights, not ${format}`;
}

/** What an export is asked to write, as facts the preset is checked against. */
export interface PresetExportFacts {
  /** the export formats asked for ('onnx', 'packed', 'tfjs'); the checks apply to those the backend reads */
  exportFormats: readonly string[];
  /** every quantized layer's weight format */
  weightFormats: readonly FormatName[];
  /** whether any layer holds one weight step per channel */
  perChannelWeights: boolean;
}

/**
 * Why an export under a preset would not run on its backend (undefined: it
 * would): no file the backend reads (other files, the app's tfjs model say,
 * may come along), a weight format it
 * does not compute, per-channel steps where it has one per tensor, or ONNX
 * weights whose folded BN makes per-channel float scales (step·|γ/σ|) where
 * it needs one power of two per tensor.
 */
export function presetExportProblem(p: DeploymentPreset, facts: PresetExportFacts): string | undefined {
  const theirs = facts.exportFormats.filter((f) => (p.exportFormats as readonly string[]).includes(f));
  if (theirs.length === 0) return `preset ${p.name}: ${p.target} reads ${p.exportFormats.join(', ')}, and the export writes ${facts.exportFormats.join(', ')}; add ${p.exportFormats[0]}`;
  for (const format of new Set(facts.weightFormats)) {
    const problem = presetFormatProblem(p, format);
    if (problem) return `preset ${p.name}: ${problem}`;
  }
  if (facts.perChannelWeights && p.weights.granularity === 'per-tensor') {
    return `preset ${p.name}: ${p.target} takes one weight step per tensor, and this network has per-channel steps`;
  }
  const foldsBn = theirs.includes('onnx');
  if (foldsBn && (p.weights.granularity === 'per-tensor' || p.weights.scale === 'pow2')) {
    return `preset ${p.name}: the ONNX export folds BN into per-channel float weight scales (step·|γ/σ|), and ${p.target} needs one ${p.weights.scale === 'pow2' ? 'power-of-two ' : ''}scale per tensor (BN folding before quantization is not built)`;
  }
  return undefined;
}
