import { ANALOG_DEFAULTS } from '@oqat/quant';
import { describe, expect, it } from 'vitest';
import { FINETUNE_FIELDS } from './finetune-fields';
import { checkFinetuneRequest, finetuneSettings, type FinetuneRequest } from './finetune-request';

const request = (over: Partial<FinetuneRequest> = {}): FinetuneRequest => ({ checkpoint: '/x/supernet.ckpt', subnet: 'largest', method: 'dnf', seed: 1, backend: 'auto', ...over });

describe('finetune request', () => {
  it('fills every setting from FINETUNE_FIELDS and leaves the device to the run and the device model', () => {
    expect(finetuneSettings({})).toEqual({ steps: 60, lr: 0.005, batchSize: 32, momentum: 0.9, calibrationImages: 64, refreshSteps: 20, testImages: 1000, bnImages: 1000 });
    expect(finetuneSettings({ steps: 5, lr: 0.01 })).toMatchObject({ steps: 5, lr: 0.01, batchSize: 32 });
  });

  it("shows the analog device's own defaults (one owner: @oqat/quant's ANALOG_DEFAULTS)", () => {
    const device = Object.fromEntries(FINETUNE_FIELDS.filter((f) => f.device).map((f) => [f.key, f.default]));
    expect(device).toEqual({ ...ANALOG_DEFAULTS });
  });

  it('every default lies within its own bounds, and every flag is distinct', () => {
    for (const f of FINETUNE_FIELDS) {
      expect(f.default as number).toBeGreaterThanOrEqual(f.min!);
      expect(f.default as number).toBeLessThanOrEqual(f.max!);
    }
    expect(new Set(FINETUNE_FIELDS.map((f) => f.flag)).size).toBe(FINETUNE_FIELDS.length);
  });

  it('refuses a bad value in one line that names the setting', () => {
    expect(() => checkFinetuneRequest(request())).not.toThrow();
    const bad: Array<[Partial<FinetuneRequest>, RegExp]> = [
      [{ steps: -1 }, /^run config: steps must be a whole number from 0 to 100000, got -1$/],
      [{ steps: 2.5 }, /^run config: steps must be a whole number from 0 to 100000, got 2.5$/],
      [{ lr: 0 }, /^run config: lr must be a number from 1e-7 to 1, got 0$/],
      [{ noise: Number.NaN }, /^run config: noise must be a number from 0 to 10, got null$/],
      [{ adcBits: '8' as never }, /^run config: adcBits must be a whole number from 2 to 32, got "8"$/],
      [{ method: 'qat' as never }, /^run config: method must be dnf or plain, got "qat"$/],
      [{ bits: 0 }, /^run config: bits must be a whole number of bits/],
      [{ steps: 3, stepz: 3 } as never, /^run config: stepz is not a finetune setting/],
      [{ checkpoint: undefined }, /give exactly one/],
      [{ backend: 'gpu' as never }, /^run config: backend must be one of auto, tensorflow, wasm, cpu, got "gpu"$/],
    ];
    for (const [over, message] of bad) {
      let thrown: unknown;
      try {
        checkFinetuneRequest(request(over));
      } catch (err) {
        thrown = err;
      }
      expect((thrown as Error | undefined)?.message, JSON.stringify(over)).toMatch(message);
      expect((thrown as Error).message).not.toContain('\n');
    }
  });
});
