import { describe, expect, it } from 'vitest';
import { oqatPhases, parseTrainConfig } from '@oqat/search';
import { CONFIG_FIELDS, toSearchJobInput, toTrainConfig, validateRunConfig } from './run-config';
import { DEFAULT_RUN_CONFIG } from './run-defaults';
import type { NewRunConfig } from './studio-service';

describe('run config', () => {
  it('the defaults are valid, and the form and the training config take theirs from DEFAULT_RUN_CONFIG', () => {
    const { config, validation } = validateRunConfig({});
    expect(validation).toEqual({ ok: true, errors: {} });
    expect(config).toEqual(DEFAULT_RUN_CONFIG);
    const byKey = Object.fromEntries(CONFIG_FIELDS.map((f) => [f.key, f.default]));
    expect(byKey).toMatchObject({
      bitsChain: DEFAULT_RUN_CONFIG.bitsChain, 'epochs.float': DEFAULT_RUN_CONFIG.epochs.float, 'epochs.first': DEFAULT_RUN_CONFIG.epochs.first,
      'epochs.inherited': DEFAULT_RUN_CONFIG.epochs.inherited, batchSize: DEFAULT_RUN_CONFIG.batchSize, randomSubnets: DEFAULT_RUN_CONFIG.randomSubnets,
      seed: DEFAULT_RUN_CONFIG.seed, devices: DEFAULT_RUN_CONFIG.devices, generations: DEFAULT_RUN_CONFIG.generations, checkpointRunId: '',
    });
    const train = toTrainConfig(config);
    expect(train.phases).toEqual(oqatPhases(DEFAULT_RUN_CONFIG.bitsChain, DEFAULT_RUN_CONFIG.epochs));
    expect([train.batchSize, train.sandwich.randomSubnets, train.seed]).toEqual([DEFAULT_RUN_CONFIG.batchSize, DEFAULT_RUN_CONFIG.randomSubnets, DEFAULT_RUN_CONFIG.seed]);
  });

  it('refuses a bit width the space has no subnets at, before any run exists', () => {
    expect(validateRunConfig({ bitsChain: [8, 4] }).validation.errors.bitsChain).toBe("8 is not a bit width of space 'fashion-mnist-mbv3-small' (its widths: 4, 3, 2)");
    expect(CONFIG_FIELDS.find((f) => f.key === 'bitsChain')!.choices).toEqual(['4', '3', '2']);
  });

  it('names each bad field with what was received', () => {
    const { validation } = validateRunConfig({ bitsChain: [2, 4], devices: ['tpu' as never], seed: -1, epochs: { float: 0, first: 0, inherited: 1 } });
    expect(validation.ok).toBe(false);
    expect(validation.errors.bitsChain).toMatch(/must go down.*2 → 4/);
    expect(validation.errors.devices).toMatch(/unknown device 'tpu'/);
    expect(validation.errors.seed).toMatch(/got -1/);
    expect(validation.errors['epochs.first']).toMatch(/from 1 to 500, got 0/);
  });

  it('refuses a config of the wrong shape field by field, before reading any value', () => {
    const errorsOf = (c: unknown) => validateRunConfig(c as Partial<NewRunConfig>).validation.errors;
    expect(errorsOf([{ epochs: 5 }])).toEqual({ config: 'must be an object of run settings, got [{"epochs":5}]' });
    expect(errorsOf(null)).toEqual({ config: 'must be an object of run settings, got null' });
    expect(errorsOf({ epochs: 5 })).toEqual({ epochs: 'must be an object {float, first, inherited}, got 5' });
    expect(errorsOf({ devices: 'cpu' })).toEqual({ devices: 'must be a list of device names, got "cpu"' });
    expect(errorsOf({ bitsChain: '4,3' }).bitsChain).toBe('must be a list of whole bit widths, got "4,3"');
    expect(errorsOf({ epoch: { first: 2 } }).epoch).toMatch(/^is not a run setting \(known: kind, task/);
    expect(errorsOf({ epochs: { last: 2 } })['epochs.last']).toBe('is not a kind of phase (float, first, inherited)');
    expect(errorsOf({ maxLatencyMs: '5' }).maxLatencyMs).toBe('must be a number ≥ 0, got "5"');
  });

  it('a search needs a trained run or a checkpoint', () => {
    expect(validateRunConfig({ kind: 'search' }).validation.errors.checkpointRunId).toBeDefined();
    expect(validateRunConfig({ kind: 'search', checkpointPath: '/x/supernet.ckpt' }).validation.ok).toBe(true);
  });

  it('searches per-layer bits only when asked, and a run config says so with a boolean', () => {
    expect(toSearchJobInput(validateRunConfig({}).config, 'x.ckpt', '/w').perLayerBits).toBe(false);
    expect(toSearchJobInput(validateRunConfig({ perLayerBits: true }).config, 'x.ckpt', '/w').perLayerBits).toBe(true);
    expect(validateRunConfig({ perLayerBits: 'yes' as never }).validation.errors.perLayerBits).toBe('must be true or false, got "yes"');
  });

  it('turns the bit chain into a float warm-up, a first phase and inherited phases', () => {
    const train = toTrainConfig({ ...DEFAULT_RUN_CONFIG, bitsChain: [4, 3, 2], epochs: { float: 1, first: 3, inherited: 2 } });
    expect(train.phases.map((p) => [p.bits, p.epochs])).toEqual([[32, 1], [4, 3], [3, 2], [2, 2]]);
    const noFloat = toTrainConfig({ ...DEFAULT_RUN_CONFIG, bitsChain: [4], epochs: { float: 0, first: 2, inherited: 5 } });
    expect(noFloat.phases.map((p) => p.bits)).toEqual([4]);
    // The float phase trains the largest subnet alone; the quantized ones the sandwich.
    expect(train.phases.map((p) => p.subnets)).toEqual(['largest', 'sandwich', 'sandwich', 'sandwich']);
  });

  it('passes the quantizer and DropBits\' settings to the training config, each checked', () => {
    const { config, validation } = validateRunConfig({ quantizer: 'dropbits', dropBitsRate: 0.3 });
    expect(validation.ok).toBe(true);
    const train = parseTrainConfig(toTrainConfig(config));
    expect(train.quantizer).toBe('dropbits');
    expect(train.dropBits).toEqual({ rate: 0.3, penalty: DEFAULT_RUN_CONFIG.dropBitsPenalty });
    expect(parseTrainConfig(toTrainConfig(validateRunConfig({}).config)).quantizer).toBe('lsq');
    expect(validateRunConfig({ quantizer: 'srq' as never }).validation.errors.quantizer).toMatch(/one of lsq, dropbits, esb, abfp, pow2/);
    expect(validateRunConfig({ dropBitsRate: 1 }).validation.errors.dropBitsRate).toMatch(/from 0 to 0.95, got 1/);
    expect(validateRunConfig({ dropBitsPenalty: -1 }).validation.errors.dropBitsPenalty).toMatch(/from 0 to 10/);
  });

  it('passes the random subnets per step to the training config, within 0..8', () => {
    expect(toTrainConfig({ ...DEFAULT_RUN_CONFIG, randomSubnets: 0 }).sandwich.randomSubnets).toBe(0);
    expect(toTrainConfig(DEFAULT_RUN_CONFIG).sandwich.randomSubnets).toBe(DEFAULT_RUN_CONFIG.randomSubnets);
    expect(validateRunConfig({ randomSubnets: 9 }).validation.errors.randomSubnets).toMatch(/from 0 to 8, got 9/);
  });

  it('trains segmentation on the scenes space, scene counts from the image limits', () => {
    expect(validateRunConfig({ task: 'segmentation' }).validation.ok).toBe(true);
    expect(validateRunConfig({ task: 'segmentation', space: 'ofa-mbv3' }).validation.errors.space).toMatch(/classification space/);
    expect(validateRunConfig({ task: 'pose' as never }).validation.errors.task).toMatch(/got "pose"/);
    const train = toTrainConfig({ ...DEFAULT_RUN_CONFIG, task: 'segmentation', limitTrainImages: 600, evalImages: 100 });
    expect(train).toMatchObject({ task: 'segmentation', space: 'segmentation-scenes', segmentation: { trainScenes: 600, testScenes: 100 } });
    // The train job parses it again.
    expect(parseTrainConfig(train)).toEqual(train);
  });
});

describe('a run config names a deployment preset', () => {
  it("reaches the training config ('none' by default) and is refused where its quantizer cannot train under it", () => {
    expect(validateRunConfig({}).config.preset).toBe('none');
    const { config, validation } = validateRunConfig({ preset: 'tensorrt', quantizer: 'pow2' });
    expect(validation.ok).toBe(true);
    const train = toTrainConfig(config);
    expect([train.preset, train.quantizer]).toEqual(['tensorrt', 'pow2']);
    expect(parseTrainConfig(train)).toEqual(train);
    expect(validateRunConfig({ preset: 'vitis', quantizer: 'esb' }).validation.errors.preset).toBe("'vitis' cannot train the esb quantizer: Vitis AI (Xilinx FPGA DPU) computes pow2 weights, not esb");
    expect(validateRunConfig({ preset: 'tflite' as never }).validation.errors.preset).toMatch(/^must be one of none, tensorrt, onnxruntime, vitis, openvino, fpga-esb/);
    expect(CONFIG_FIELDS.find((f) => f.key === 'preset')?.choices).toEqual(['none', 'tensorrt', 'onnxruntime', 'vitis', 'openvino', 'fpga-esb']);
  });
});
