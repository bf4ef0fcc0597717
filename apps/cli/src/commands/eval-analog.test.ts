import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors';
import { analogOptions } from './eval';

describe('oqat eval --device analog options', () => {
  it('no --device: no analog measurement, and a device flag alone is refused in one line', () => {
    expect(analogOptions({})).toBeUndefined();
    expect(() => analogOptions({ gain: '4' })).toThrow(UsageError);
    expect(() => analogOptions({ gain: '4' })).toThrow(/--gain describes the analog device: add --device analog/);
  });

  it('passes only the given parameters (the device fills in its defaults) and checks each', () => {
    expect(analogOptions({ device: 'analog' })).toEqual({});
    expect(analogOptions({ device: 'analog', 'adc-bits': '6', gain: '2.5', 'analog-noise': '0.004', 'analog-block-size': '64', 'dac-bits': '32' }))
      .toEqual({ adcBits: 6, gain: 2.5, noise: 0.004, blockSize: 64, inputBits: 32 });
    expect(() => analogOptions({ device: 'analog', 'adc-bits': '1' })).toThrow(/--adc-bits must be an integer from 2 to 32/);
    expect(() => analogOptions({ device: 'analog', gain: '0' })).toThrow(/--gain must be a positive number/);
    expect(() => analogOptions({ device: 'analog', 'analog-noise': '-1' })).toThrow(/--analog-noise must be a number ≥ 0/);
  });
});
