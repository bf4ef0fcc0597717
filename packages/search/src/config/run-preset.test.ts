import { describe, expect, it } from 'vitest';
import { InvalidTrainConfigError } from '../errors';
import { parseTrainConfig } from './parse-train-config';
import { presetQuantizerProblem } from './run-preset';
import { oqatPhases } from './train-config';

const PHASES = oqatPhases([4, 3, 2], { float: 1, first: 1, inherited: 1 });

describe('a run config names a deployment preset', () => {
  it("defaults to 'none' and reads a preset that fits its quantizer (a parsed config parses again)", () => {
    expect(parseTrainConfig({ phases: PHASES }).preset).toBe('none');
    const c = parseTrainConfig({ preset: 'vitis', quantizer: 'lsq', phases: PHASES });
    expect(c.preset).toBe('vitis');
    expect(parseTrainConfig(c)).toEqual(c);
    expect(parseTrainConfig({ preset: 'fpga-esb', quantizer: 'esb', phases: PHASES }).preset).toBe('fpga-esb');
  });

  it('refuses an unknown preset and one its quantizer cannot train under, in one line', () => {
    expect(() => parseTrainConfig({ preset: 'tflite', phases: PHASES })).toThrow(InvalidTrainConfigError);
    expect(() => parseTrainConfig({ preset: 'tflite', phases: PHASES })).toThrow(/preset must be one of none, tensorrt/);
    expect(() => parseTrainConfig({ preset: 'tensorrt', quantizer: 'esb', phases: PHASES })).toThrow("train config: preset 'tensorrt' cannot train the esb quantizer: TensorRT (NVIDIA GPU) computes uniform or pow2 weights, not esb");
    expect(() => parseTrainConfig({ preset: 'onnxruntime', quantizer: 'dropbits', phases: PHASES })).toThrow(/preset 'onnxruntime' cannot train the dropbits quantizer: the dropbits quantizer takes no per-channel/);
  });

  it('lets every preset train lsq and pow2 but esb only on the ESB accelerator', () => {
    for (const preset of ['tensorrt', 'onnxruntime', 'vitis', 'openvino', 'fpga-esb'] as const) {
      expect(presetQuantizerProblem(preset, 'lsq')).toBeUndefined();
      expect(presetQuantizerProblem(preset, 'pow2')).toBeUndefined();
      expect(presetQuantizerProblem(preset, 'esb') === undefined).toBe(preset === 'fpga-esb');
      expect(presetQuantizerProblem(preset, 'abfp')).toBeDefined();
    }
  });
});
