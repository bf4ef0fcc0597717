import { getPreset, PRESET_NAMES, presetFormatProblem, type PresetName } from '@oqat/quant';
import type { QuantizerKind } from './train-config';

/** The deployment presets a run may name: @oqat/quant's, or 'none' (no backend's constraints: the academic setting). */
export const RUN_PRESETS = ['none', ...PRESET_NAMES] as const;
export type RunPreset = PresetName | 'none';

/** The quantizers a preset can constrain: those that learn LSQ steps on a number format. */
const CONSTRAINABLE: readonly QuantizerKind[] = ['lsq', 'esb', 'abfp', 'pow2'];

/** The number format a quantizer's steps quantize to. */
export function quantizerFormat(quantizer: QuantizerKind): 'uniform' | 'esb' | 'abfp' | 'pow2' {
  return quantizer === 'lsq' || quantizer === 'dropbits' ? 'uniform' : quantizer;
}

/** Why a run cannot train `quantizer` under `preset` (undefined: it can), in one line. */
export function presetQuantizerProblem(preset: RunPreset, quantizer: QuantizerKind): string | undefined {
  if (preset === 'none') return undefined;
  if (!CONSTRAINABLE.includes(quantizer)) {
    return `the ${quantizer} quantizer takes no per-channel, power-of-two or signed steps; use lsq, pow2, esb or abfp (or preset none)`;
  }
  return presetFormatProblem(getPreset(preset), quantizerFormat(quantizer));
}
