import { describe, expect, it } from 'vitest';
import { toTrainConfig, validateRunConfig } from '@oqat/jobs';
import { SQ_DEFAULT_RATIOS } from '@oqat/quant';
import { COMMANDS } from './cli';
import { UsageError } from './errors';
import type { CliIo } from './io';
import { runConfigFromOptions } from './run-options';

const io: CliIo = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: '/tmp', env: {}, now: () => 0 };

describe('SQ: oqat train --sq / --sq-ratios to the training config', () => {
  it("--sq takes the paper's schedule over any quantizer, --sq-ratios one's own; neither: off", () => {
    const paper = runConfigFromOptions({ sq: true, quantizer: 'esb' }, io, 'train');
    expect(paper.sqRatios).toEqual([...SQ_DEFAULT_RATIOS]);
    const { config, validation } = validateRunConfig({ ...paper, kind: 'train' });
    expect(validation.ok).toBe(true);
    expect(toTrainConfig(config)).toMatchObject({ quantizer: 'esb', sq: { ratios: [0.5, 0.75, 0.875, 1] } });
    expect(runConfigFromOptions({ 'sq-ratios': '0.5, 1' }, io, 'train').sqRatios).toEqual([0.5, 1]);
    expect(runConfigFromOptions({}, io, 'train')).not.toHaveProperty('sqRatios');
    const train = COMMANDS.find((c) => c.path.join(' ') === 'train')!;
    expect(Object.keys(train.options)).toEqual(expect.arrayContaining(['sq', 'sq-ratios']));
  });

  it('refuses a bad schedule in one line', () => {
    expect(() => runConfigFromOptions({ 'sq-ratios': '0.5,x' }, io, 'train')).toThrow(UsageError);
    const partial = runConfigFromOptions({ 'sq-ratios': '0.5,0.75' }, io, 'train');
    expect(validateRunConfig({ ...partial, kind: 'train' }).validation.errors.sqRatios).toMatch(/must end at 1/);
  });
});
