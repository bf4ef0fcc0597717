import { describe, expect, it } from 'vitest';
import { InvalidTrainConfigError } from '../errors';
import { parseTrainConfig } from './parse-train-config';
import { DEFAULT_TRAIN_CONFIG, oqatPhases } from './train-config';

const PHASES = oqatPhases([4, 3, 2], { float: 1, first: 1, inherited: 1 });

describe('parseTrainConfig', () => {
  it('fills defaults and keeps overrides', () => {
    expect(parseTrainConfig({ phases: PHASES })).toEqual({ ...DEFAULT_TRAIN_CONFIG, phases: PHASES });
    const c = parseTrainConfig({ seed: 3, data: { trainLimit: 1000 }, phases: [{ bits: 4, epochs: 2, lr: 0.1 }] });
    expect(c.seed).toBe(3);
    expect(c.data).toEqual({ ...DEFAULT_TRAIN_CONFIG.data, trainLimit: 1000 });
    expect(c.phases).toEqual([{ bits: 4, epochs: 2, lr: 0.1, warmupEpochs: 0, subnets: 'sandwich', teacher: 'largest' }]);
  });

  it("reads a data folder, its skip choice and its input scaling (a parsed config parses again)", () => {
    const data = { folder: '/data/photos', skipBadFiles: true, resizeImages: true, normalization: { mean: 0.4, std: 0.2 } };
    const c = parseTrainConfig({ data, phases: PHASES });
    expect(c.data).toMatchObject(data);
    expect(parseTrainConfig(c)).toEqual(c);
    expect(() => parseTrainConfig({ data: { normalization: { mean: 0.4, std: 0 } }, phases: PHASES })).toThrow(/data\.normalization\.std/);
    expect(() => parseTrainConfig({ data: { folder: 3 }, phases: PHASES })).toThrow(InvalidTrainConfigError);
    expect(() => parseTrainConfig({ data: { resizeImages: 'yes' }, phases: PHASES })).toThrow(/data\.resizeImages/);
  });

  it('defaults a segmentation run to the scenes space and its scene settings', () => {
    const c = parseTrainConfig({ task: 'segmentation', segmentation: { trainScenes: 600, canvasSize: 48 }, phases: PHASES });
    expect(c.task).toBe('segmentation');
    expect(c.space).toBe('segmentation-scenes');
    expect(c.segmentation).toEqual({ ...DEFAULT_TRAIN_CONFIG.segmentation, trainScenes: 600, canvasSize: 48 });
    expect(parseTrainConfig(c)).toEqual(c);
    const classification = parseTrainConfig({ phases: PHASES });
    expect(parseTrainConfig(classification)).toEqual(classification);
  });

  it('reads the quantizer and DropBits settings (a parsed config parses again)', () => {
    const c = parseTrainConfig({ quantizer: 'dropbits', dropBits: { rate: 0.3 }, phases: PHASES });
    expect(c.quantizer).toBe('dropbits');
    expect(c.dropBits).toEqual({ ...DEFAULT_TRAIN_CONFIG.dropBits, rate: 0.3 });
    expect(parseTrainConfig(c)).toEqual(c);
    expect(() => parseTrainConfig({ quantizer: 'srq', phases: PHASES })).toThrow(/quantizer must be one of lsq, dropbits/);
    expect(() => parseTrainConfig({ dropBits: { rate: 1 }, phases: PHASES })).toThrow(/dropBits\.rate/);
    expect(() => parseTrainConfig({ dropBits: { weight: 1 }, phases: PHASES })).toThrow(InvalidTrainConfigError);
  });

  const bad: Array<[unknown, RegExp]> = [
    [{ phases: [{ bits: 9, epochs: 1, lr: 0.1 }] }, /train config: phases\[0\]\.bits must be one of 2, 3, 4, 5, 6, 7, 8, 32, got 9/],
    [{ phases: [] }, /phases must be an array of at least 1/],
    [{}, /phases is required/],
    [{ phases: [{ bits: 8, epochs: 1, lr: 0.1 }, { bits: 4, epochs: 1, lr: 0.1 }] }, /phases quantized widths 8 is not a bit width of space 'fashion-mnist-mbv3-small' \(its widths: 4, 3, 2\)/],
    [{ phases: [{ bits: 3, epochs: 1, lr: 0.1 }, { bits: 4, epochs: 1, lr: 0.1 }] }, /phases quantized widths must go down/],
    [{ phases: [{ bits: 4, epochs: 1, lr: 0.1 }, { bits: 32, epochs: 1, lr: 0.1 }] }, /phases\[1\]\.bits a float phase \(32\) must come before every quantized phase/],
    [{ phases: [{ bits: 4, epochs: 1, lr: 0.1, subnets: 'all' }] }, /phases\[0\]\.subnets must be one of sandwich, largest, got "all"/],
    [{ phases: [{ bits: 32, epochs: 1, lr: 0.1, teacher: 'float' }] }, /phases\[0\]\.teacher must be 'largest' in a float phase/],
    [{ phases: [{ bits: 4, epochs: 1, lr: 0.1, teacher: 'float' }] }, /phases\[0\]\.teacher 'float' needs a float phase before it/],
    [{ batchSize: 0 }, /batchSize must be an integer in 2\.\.4096, got 0/],
    [{ optimizer: { lr: 0.1 } }, /optimizer\.lr is not a known field/],
    [{ epochs: 3 }, /^train config: epochs is not a known field/],
    [{ data: { source: 'cloud' } }, /data\.source must be one of auto, subset, full, got "cloud"/],
    [{ phases: [{ bits: 4, epochs: 1, lr: 0.1, warmupEpochs: 2 }] }, /warmupEpochs must be at most epochs \(1\), got 2/],
    [[1, 2], /config must be an object/],
    [{ task: 'detection' }, /task must be one of classification, segmentation, got "detection"/],
    [{ task: 'segmentation', segmentation: { canvasSize: 4 } }, /segmentation\.canvasSize must be an integer in 8\.\.1024, got 4/],
    [{ task: 'segmentation', segmentation: { trainScenes: 10 } }, /segmentation\.trainScenes must be at least batchSize \(128\) so an epoch has a full batch, got 10/],
    [{ task: 'segmentation', segmentation: { folder: 3 } }, /segmentation\.folder must be a (non-empty )?string/],
    [{ task: 'segmentation', segmentation: { scenes: 10 } }, /segmentation\.scenes is not a known field/],
    [{ task: 'segmentation', space: 'fashion-mnist' }, /space 'fashion-mnist' is a classification space; task 'segmentation' needs a space with a segmentationHead/],
    [{ space: 'segmentation-scenes' }, /space 'segmentation-scenes' is a segmentation space; set task to 'segmentation'/],
  ];
  it.each(bad)('rejects %j with a message naming the field', (json, message) => {
    // Valid phases unless the case is about them, so each case fails on its own field.
    const full = json && typeof json === 'object' && !Array.isArray(json) && Object.keys(json).length > 0 && !('phases' in json) ? { phases: PHASES, ...json } : json;
    expect(() => parseTrainConfig(full)).toThrow(InvalidTrainConfigError);
    expect(() => parseTrainConfig(full)).toThrow(message);
  });
});
