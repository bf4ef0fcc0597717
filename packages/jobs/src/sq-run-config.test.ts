import { describe, expect, it } from 'vitest';
import { CONFIG_FIELDS, toTrainConfig, validateRunConfig } from './run-config';

describe("a run config's SQ ratios", () => {
  it('are off by default and reach the training config when set', () => {
    const off = validateRunConfig({});
    expect(off.validation.ok).toBe(true);
    expect(toTrainConfig(off.config).sq).toEqual({ ratios: [] });
    const on = validateRunConfig({ sqRatios: [0.5, 0.75, 0.875, 1], quantizer: 'pow2' });
    expect(on.validation).toEqual({ ok: true, errors: {} });
    expect(toTrainConfig(on.config).sq).toEqual({ ratios: [0.5, 0.75, 0.875, 1] });
    expect(CONFIG_FIELDS.find((f) => f.key === 'sqRatios')).toMatchObject({ type: 'number-list', default: [] });
  });

  it('are refused in one line when they fall, stop short of 1 or are not numbers', () => {
    expect(validateRunConfig({ sqRatios: [0.75, 0.5, 1] }).validation.errors.sqRatios).toBe('must not fall, got 0.5 after 0.75');
    expect(validateRunConfig({ sqRatios: [0.5, 0.75] }).validation.errors.sqRatios).toMatch(/must end at 1/);
    expect(validateRunConfig({ sqRatios: ['half', 1] as unknown as number[] }).validation.errors.sqRatios).toMatch(/list of numbers/);
  });
});
