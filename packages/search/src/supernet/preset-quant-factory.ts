import { getPreset, presetLayerQuant, type PresetName } from '@oqat/quant';
import { setIntegerRequant } from './integer-requant';
import type { QuantFactory } from './layer-quant';
import type { RunPreset } from '../config/run-preset';
import { formatQuantFactory, LsqLayerQuant, type LayerFormat } from './lsq-layer-quant';

/**
 * A QuantFactory that trains under a deployment preset's constraints: the
 * elastic layers' format (a uniform one becomes power-of-two steps where the
 * backend demands them, and so do the fixed layers'), one weight step per
 * output channel where the backend has them (shared by every subnet: a
 * subnet quantizes its first k channels with the first k steps), and signed
 * input codes even after ReLU where the backend is symmetric int8 throughout.
 * Where the backend runs an integer graph that requantizes inside the blocks
 * (onnxruntime: preset.integerRequant), its layers are marked so the
 * network computes those requantizations in training and evaluation too.
 * Call presetQuantizerProblem first: a format the preset forbids trains as asked.
 */
export function presetQuantFactory(preset: PresetName, format: LayerFormat): QuantFactory {
  const p = getPreset(preset);
  const elastic = { ...format, format: presetLayerQuant(p, { format: format.format, signedInput: true }).format };
  const fixedLayers: LayerFormat = { format: presetLayerQuant(p, { format: 'uniform', signedInput: true }).format };
  return (name, role) => {
    const layer = presetLayerQuant(p, { format: elastic.format, signedInput: role.signedInput });
    const q = new LsqLayerQuant(name, { ...role, signedInput: layer.signedInput }, elastic, { perChannelWeights: layer.perChannelWeights, fixedLayers });
    // the backend's integer graph requantizes inside the blocks: its network trains and evaluates those points (integer-requant.ts)
    if (p.integerRequant) setIntegerRequant([q], true);
    return q;
  };
}

/** The factory of a format's quantizer, under a run's preset if it names one. */
export function presetOrFormatFactory(preset: RunPreset | undefined, format: LayerFormat): QuantFactory {
  return preset && preset !== 'none' ? presetQuantFactory(preset, format) : formatQuantFactory(format);
}
