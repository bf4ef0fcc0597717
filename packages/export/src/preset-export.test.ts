import type { StaticNetwork } from '@oqat/search';
import { describe, expect, it } from 'vitest';
import { PresetExportError } from './errors';
import { checkPresetExport } from './preset-export';

/** A static network as checkPresetExport reads it: its config's weight quantizations, wherever they sit. */
function netWith(...weightQuants: object[]): StaticNetwork {
  const conv = (weightQuant: object) => ({ type: 'conv2d', weightQuant, inputQuant: { bits: 4, signed: false, step: 0.1 } });
  return { config: { stem: { conv: conv({ bits: 8, signed: true, step: 0.01 }) }, blocks: weightQuants.map((q) => ({ dw: conv(q) })) } } as unknown as StaticNetwork;
}

describe('checkPresetExport', () => {
  const uniform = { bits: 4, signed: true, step: 0.05 };
  const perChannel = { ...uniform, channelSteps: [0.05, 0.04] };
  const pow2 = { ...uniform, step: 0.0625, format: 'pow2' };
  const esb = { ...uniform, format: 'esb', significantBits: 2 };

  it('passes what the backend runs, and every export without a preset', () => {
    expect(() => checkPresetExport(netWith(perChannel), ['onnx', 'tfjs'], 'tensorrt')).not.toThrow();
    expect(() => checkPresetExport(netWith(esb), ['packed'], 'fpga-esb')).not.toThrow();
    expect(() => checkPresetExport(netWith(esb), ['onnx'], 'none')).not.toThrow();
    expect(() => checkPresetExport(netWith(esb), ['onnx'], undefined)).not.toThrow();
  });

  it('refuses in one line what the backend would not run', () => {
    expect(() => checkPresetExport(netWith(uniform, esb), ['onnx'], 'onnxruntime')).toThrow(PresetExportError);
    expect(() => checkPresetExport(netWith(uniform, esb), ['onnx'], 'onnxruntime')).toThrow('exportSubnet: preset onnxruntime: onnxruntime (x86 / ARM CPU) computes uniform or pow2 weights, not esb');
    expect(() => checkPresetExport(netWith(perChannel), ['packed'], 'fpga-esb')).toThrow(/one weight step per tensor, and this network has per-channel steps/);
    expect(() => checkPresetExport(netWith(pow2), ['onnx'], 'vitis')).toThrow(/folds BN into per-channel float weight scales/);
    expect(() => checkPresetExport(netWith(uniform), ['tfjs'], 'openvino')).toThrow(/reads onnx, and the export writes tfjs; add onnx/);
  });
});
