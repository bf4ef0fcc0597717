import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG, toTrainConfig, validateRunConfig } from '@oqat/jobs';
import { parseTrainConfig } from '@oqat/search';
import { UsageError } from './errors';
import type { CliIo } from './io';
import { runConfigFromOptions } from './run-options';

const io: CliIo = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: '/tmp', env: {}, now: () => 0 };

describe('ESB settings: oqat train --esb-significant-bits to the training config', () => {
  it('the flag reaches the run config and its training config; without it k is 0 (the per-width default)', () => {
    const partial = runConfigFromOptions({ quantizer: 'esb', 'esb-significant-bits': '2' }, io, 'train');
    expect(partial).toMatchObject({ quantizer: 'esb', esbSignificantBits: 2 });
    const { config, validation } = validateRunConfig({ ...partial, kind: 'train' });
    expect(validation.ok).toBe(true);
    expect(toTrainConfig(config).esb).toEqual({ significantBits: 2 });
    expect(runConfigFromOptions({}, io, 'train')).not.toHaveProperty('esbSignificantBits');
    expect(DEFAULT_RUN_CONFIG.esbSignificantBits).toBe(0);
  });

  it('refuses bad values in one line, on the command line and in a config file', () => {
    expect(() => runConfigFromOptions({ 'esb-significant-bits': '9' }, io, 'train')).toThrow(UsageError);
    expect(() => runConfigFromOptions({ 'esb-significant-bits': '1.5' }, io, 'train')).toThrow(/--esb-significant-bits must be an integer from 0 to 8/);
    expect(validateRunConfig({ kind: 'train', esbSignificantBits: -1 }).validation.errors.esbSignificantBits).toMatch(/0 to 8|from 0/);
    const phases = [{ bits: 4, epochs: 1, lr: 0.01 }];
    expect(parseTrainConfig({ phases }).esb).toEqual({ significantBits: 0 });
    expect(parseTrainConfig({ phases, esb: { significantBits: 3 } }).esb).toEqual({ significantBits: 3 });
    expect(() => parseTrainConfig({ phases, esb: { significantBits: 9 } })).toThrow(/esb.significantBits/);
    expect(() => parseTrainConfig({ phases, esb: { k: 2 } })).toThrow(/esb/);
  });
});
