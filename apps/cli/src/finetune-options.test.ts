import { describe, expect, it } from 'vitest';
import { FINETUNE_FIELDS, type FinetuneJobResult } from '@oqat/jobs';
import { COMMANDS } from './cli';
import { formatFinetuneResult } from './commands/finetune';
import { finetuneNumbers, FINETUNE_SETTING_OPTIONS } from './finetune-options';
import { main } from './main';

describe('oqat finetune options', () => {
  it("one flag per finetune setting, its default in help the fields' own (the app's panel reads the same list)", () => {
    const command = COMMANDS.find((c) => c.path.join(' ') === 'finetune')!;
    for (const f of FINETUNE_FIELDS) expect(command.options[f.flag]).toMatchObject({ default: String(f.default) });
    expect(Object.keys(FINETUNE_SETTING_OPTIONS)).toHaveLength(FINETUNE_FIELDS.length);
    expect(command.options.method).toMatchObject({ default: 'dnf', choices: ['dnf', 'plain'] });
  });

  it('maps the flags given to request keys (absent ones stay absent), and refuses a non-number in one line', () => {
    expect(finetuneNumbers({ steps: '10', 'analog-noise': '0.01', 'adc-bits': '6', batch: '16' })).toEqual({ steps: 10, noise: 0.01, adcBits: 6, batchSize: 16 });
    expect(finetuneNumbers({})).toEqual({});
    expect(() => finetuneNumbers({ lr: 'fast' })).toThrow("--lr must be a number, got 'fast'");
  });

  it('refuses a bad command line before opening a store', async () => {
    const out: string[] = [];
    const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => out.push(s) }, cwd: '/tmp', env: {}, now: Date.now } as never;
    expect(await main(['finetune', '--subnet', 'largest'], io)).not.toBe(0);
    expect(out.join('')).toMatch(/give --run RUN .* or --checkpoint FILE/);
    out.length = 0;
    expect(await main(['finetune', '--checkpoint', 'x.ckpt', '--method', 'qat'], io)).not.toBe(0);
    expect(out.join('').trim().split('\n')).toHaveLength(1);
  });

  it('prints before and after, digital and on the device, and how to measure the file again', () => {
    const text = formatFinetuneResult({
      method: 'dnf', spec: { resolution: 28, depths: [1], kernels: [[3]], expands: [[3]], bits: 4 },
      device: { blockSize: 128, inputBits: 8, weightBits: 8, adcBits: 8, gain: 8, noise: 0.01 },
      settings: { steps: 60, lr: 0.005, batchSize: 32, momentum: 0.9, calibrationImages: 64, refreshSteps: 20, testImages: 500, bnImages: 1000 },
      before: { digital: 0.776, analog: 0.664 }, after: { digital: 0.756, analog: 0.714 }, steps: 60, loss: { first: 0.8, last: 0.6 },
      seconds: { calibration: 151, steps: 334 }, noise: { layers: 40, mean: 0.001, std: 0.05 },
      file: { path: '/w/run/finetuned-subnet.ckpt', bytes: 123 }, testImages: 500, bestAccuracy: 0.714,
    } satisfies FinetuneJobResult);
    expect(text).toContain('71.40');
    expect(text).toMatch(/Δ \(pt\)\s+-2\.00\s+5\.00/);
    expect(text).toContain('oqat finetune --checkpoint /w/run/finetuned-subnet.ckpt --steps 0');
  });
});
