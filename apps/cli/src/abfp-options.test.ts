import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG, toTrainConfig, validateRunConfig } from '@oqat/jobs';
import { ANALOG_DEFAULTS } from '@oqat/quant';
import { parseTrainConfig } from '@oqat/search';
import { UsageError } from './errors';
import type { CliIo } from './io';
import { runConfigFromOptions } from './run-options';

const io: CliIo = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: '/tmp', env: {}, now: () => 0 };

describe('ABFP settings: oqat train --abfp-block-size --abfp-gain to the training config', () => {
  it('the flags reach the run config and its training config; without them the device defaults', () => {
    const partial = runConfigFromOptions({ quantizer: 'abfp', 'abfp-block-size': '64', 'abfp-gain': '4' }, io, 'train');
    expect(partial).toMatchObject({ quantizer: 'abfp', abfpBlockSize: 64, abfpGain: 4 });
    const { config, validation } = validateRunConfig({ ...partial, kind: 'train' });
    expect(validation.ok).toBe(true);
    expect(toTrainConfig(config).abfp).toEqual({ blockSize: 64, gain: 4 });
    expect(runConfigFromOptions({}, io, 'train')).not.toHaveProperty('abfpGain');
    expect([DEFAULT_RUN_CONFIG.abfpBlockSize, DEFAULT_RUN_CONFIG.abfpGain]).toEqual([ANALOG_DEFAULTS.blockSize, ANALOG_DEFAULTS.gain]);
  });

  it('refuses bad values in one line, on the command line and in a config file', () => {
    expect(() => runConfigFromOptions({ 'abfp-gain': '-2' }, io, 'train')).toThrow(UsageError);
    expect(() => runConfigFromOptions({ 'abfp-block-size': '0' }, io, 'train')).toThrow(/--abfp-block-size must be an integer from 1 to 4096/);
    expect(validateRunConfig({ kind: 'train', abfpBlockSize: 0 }).validation.errors.abfpBlockSize).toMatch(/from 1 to 4096/);
    const phases = [{ bits: 4, epochs: 1, lr: 0.01 }];
    expect(parseTrainConfig({ phases, abfp: { blockSize: 16 } }).abfp).toEqual({ blockSize: 16, gain: ANALOG_DEFAULTS.gain });
    expect(() => parseTrainConfig({ phases, abfp: { blockSize: 0 } })).toThrow(/abfp.blockSize/);
    expect(() => parseTrainConfig({ phases, abfp: { tile: 4 } })).toThrow(/abfp/);
  });
});
