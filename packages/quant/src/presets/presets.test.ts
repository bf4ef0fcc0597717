import { describe, expect, it } from 'vitest';
import { InvalidQuantOptionError } from '../errors';
import { FORMAT_NAMES } from '../formats/number-format';
import { PRESET_NAMES } from './deployment-preset';
import { presetExportProblem, presetFormatProblem, presetLayerQuant } from './preset-checks';
import { getPreset, presetSummary } from './registry';

describe('deployment presets', () => {
  it('has one preset per name, each naming only known formats', () => {
    for (const name of PRESET_NAMES) {
      const p = getPreset(name);
      expect(p.name).toBe(name);
      expect(p.formats.length).toBeGreaterThan(0);
      for (const f of p.formats) expect(FORMAT_NAMES).toContain(f);
      expect(presetSummary(p)).toContain(p.target);
    }
  });

  it('refuses an unknown name with the list of known ones', () => {
    expect(() => getPreset('tflite')).toThrow(InvalidQuantOptionError);
    expect(() => getPreset('tflite')).toThrow(/tensorrt, onnxruntime, vitis, openvino, fpga-esb.*got tflite/);
  });

  it("follows MQBench's schemes: TensorRT and OpenVINO per-channel symmetric weights, Vitis per-tensor power-of-two", () => {
    for (const name of ['tensorrt', 'openvino'] as const) {
      const p = getPreset(name);
      expect(p.weights).toEqual({ granularity: 'per-channel', symmetric: true, scale: 'float' });
      expect(p.activations).toMatchObject({ granularity: 'per-tensor', symmetric: true, signed: 'always' });
    }
    expect(getPreset('vitis').weights).toEqual({ granularity: 'per-tensor', symmetric: true, scale: 'pow2' });
    expect(getPreset('vitis').activations.scale).toBe('pow2');
    expect(getPreset('onnxruntime').activations.symmetric).toBe(false);
  });

  it('gives each layer per-channel weights, power-of-two steps and signed inputs as its backend demands', () => {
    const afterRelu = { format: 'uniform' as const, signedInput: false };
    expect(presetLayerQuant(getPreset('tensorrt'), afterRelu)).toEqual({ format: 'uniform', perChannelWeights: true, signedInput: true });
    expect(presetLayerQuant(getPreset('onnxruntime'), afterRelu)).toEqual({ format: 'uniform', perChannelWeights: true, signedInput: false });
    expect(presetLayerQuant(getPreset('vitis'), afterRelu)).toEqual({ format: 'pow2', perChannelWeights: false, signedInput: true });
    expect(presetLayerQuant(getPreset('fpga-esb'), { format: 'esb', signedInput: false })).toEqual({ format: 'esb', perChannelWeights: false, signedInput: false });
    // a signed input stays signed under every preset
    for (const name of PRESET_NAMES) expect(presetLayerQuant(getPreset(name), { format: 'uniform', signedInput: true }).signedInput).toBe(true);
  });

  it('forbids the formats a backend does not compute', () => {
    expect(presetFormatProblem(getPreset('tensorrt'), 'esb')).toMatch(/^TensorRT \(NVIDIA GPU\) computes uniform or pow2 weights, not esb$/);
    expect(presetFormatProblem(getPreset('tensorrt'), 'abfp')).toBeDefined();
    expect(presetFormatProblem(getPreset('tensorrt'), 'pow2')).toBeUndefined();
    expect(presetFormatProblem(getPreset('vitis'), 'uniform')).toBeUndefined(); // trains power-of-two steps
    expect(presetFormatProblem(getPreset('vitis'), 'esb')).toBeDefined();
    expect(presetFormatProblem(getPreset('fpga-esb'), 'esb')).toBeUndefined();
    expect(presetFormatProblem(getPreset('fpga-esb'), 'abfp')).toBeDefined();
  });

  it('refuses an export its backend would not run, in one line', () => {
    const uniform = { weightFormats: ['uniform' as const], perChannelWeights: true };
    expect(presetExportProblem(getPreset('tensorrt'), { exportFormats: ['onnx'], ...uniform })).toBeUndefined();
    expect(presetExportProblem(getPreset('tensorrt'), { exportFormats: ['onnx', 'packed', 'tfjs'], ...uniform })).toBeUndefined();
    expect(presetExportProblem(getPreset('tensorrt'), { exportFormats: ['packed', 'tfjs'], ...uniform })).toBe(
      'preset tensorrt: TensorRT (NVIDIA GPU) reads onnx, and the export writes packed, tfjs; add onnx',
    );
    // ESB weights in the app's own files next to the accelerator's: only the packed file is the backend's.
    expect(presetExportProblem(getPreset('fpga-esb'), { exportFormats: ['tfjs', 'packed'], weightFormats: ['esb'], perChannelWeights: false })).toBeUndefined();
    expect(presetExportProblem(getPreset('onnxruntime'), { exportFormats: ['onnx'], weightFormats: ['esb'], perChannelWeights: false })).toMatch(/^preset onnxruntime: .* not esb$/);
    expect(presetExportProblem(getPreset('fpga-esb'), { exportFormats: ['packed'], weightFormats: ['esb'], perChannelWeights: false })).toBeUndefined();
    expect(presetExportProblem(getPreset('fpga-esb'), { exportFormats: ['packed'], ...uniform })).toMatch(/one weight step per tensor/);
    const vitis = presetExportProblem(getPreset('vitis'), { exportFormats: ['onnx'], weightFormats: ['pow2'], perChannelWeights: false });
    expect(vitis).toMatch(/folds BN into per-channel float weight scales.*power-of-two scale per tensor/);
    for (const name of PRESET_NAMES) {
      const problem = presetExportProblem(getPreset(name), { exportFormats: ['tfjs'], weightFormats: ['uniform'], perChannelWeights: false });
      expect(problem?.split('\n')).toHaveLength(1);
    }
  });
});
