import { getPreset, presetFormatProblem, presetLayerQuant, type PresetName } from '@oqat/quant';
import type { QuantizerKind } from '../config/train-config';
import type { QuantFactory } from './layer-quant';
import { LsqLayerQuant, type LayerFormat } from './lsq-layer-quant';

/** The deployment presets a run may name ('none': no backend's constraints, the academic setting). */
export type RunPreset = PresetName | 'none';

/** The quantizers a preset can constrain: those that learn LSQ steps on a number format. */
const CONSTRAINABLE: readonly QuantizerKind[] = ['lsq', 'esb', 'abfp', 'pow2'];

/** The number format a quantizer's steps quantize to. */
function formatOf(quantizer: QuantizerKind): LayerFormat['format'] {
  return quantizer === 'lsq' || quantizer === 'dropbits' ? 'uniform' : quantizer;
}

/** Why a run cannot train `quantizer` under `preset` (undefined: it can), in one line. */
export function presetQuantizerProblem(preset: RunPreset, quantizer: QuantizerKind): string | undefined {
  if (preset === 'none') return undefined;
  if (!CONSTRAINABLE.includes(quantizer)) {
    return `preset ${preset} sets per-channel, power-of-two or signed steps, which the ${quantizer} quantizer does not take; use lsq, pow2, esb or abfp (or preset none)`;
  }
  return presetFormatProblem(getPreset(preset), formatOf(quantizer));
}

/**
 * A QuantFactory that trains under a deployment preset's constraints: the
 * elastic layers' format (a uniform one becomes power-of-two steps where the
 * backend demands them, and so do the fixed layers'), one weight step per
 * output channel where the backend has them (shared by every subnet: a
 * subnet quantizes its first k channels with the first k steps), and signed
 * input codes even after ReLU where the backend is symmetric int8 throughout.
 * Call presetQuantizerProblem first: a format the preset forbids trains as asked.
 */
export function presetQuantFactory(preset: PresetName, format: LayerFormat): QuantFactory {
  const p = getPreset(preset);
  const elastic = { ...format, format: presetLayerQuant(p, { format: format.format, signedInput: true }).format };
  const fixedLayers: LayerFormat = { format: presetLayerQuant(p, { format: 'uniform', signedInput: true }).format };
  return (name, role) => {
    const layer = presetLayerQuant(p, { format: elastic.format, signedInput: role.signedInput });
    return new LsqLayerQuant(name, { ...role, signedInput: layer.signedInput }, elastic, { perChannelWeights: layer.perChannelWeights, fixedLayers });
  };
}
