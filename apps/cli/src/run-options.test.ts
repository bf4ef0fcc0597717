import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUANTIZER_KINDS, RUN_PRESETS } from '@oqat/search';
import { COMMANDS } from './cli';
import { UsageError } from './errors';
import type { CliIo } from './io';
import { runConfigFromOptions } from './run-options';

const dir = mkdtempSync(join(tmpdir(), 'oqat-config-'));
const io: CliIo = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: dir, env: {}, now: () => 0 };

let files = 0;
function withConfig(text: string): unknown {
  const path = join(dir, `c${files++}.json`);
  writeFileSync(path, text);
  try {
    return runConfigFromOptions({ config: path }, io, 'train');
  } catch (err) {
    return err;
  }
}

describe('runConfigFromOptions data flags', () => {
  it('--skip-bad-files and --resize-images set the run config fields, absent they stay unset', () => {
    expect(runConfigFromOptions({ data: '/p', 'skip-bad-files': true, 'resize-images': true }, io, 'train')).toMatchObject({ skipBadFiles: true, resizeImages: true });
    const plain = runConfigFromOptions({ data: '/p' }, io, 'train');
    expect([plain.skipBadFiles, plain.resizeImages]).toEqual([undefined, undefined]);
  });
});

describe('runConfigFromOptions --config', () => {
  it.each([
    ['null', /holds null; it must hold one JSON object of run settings/],
    ['[{"epochs":5}]', /holds an array; it must hold one JSON object/],
    ['5', /holds a number; it must hold one JSON object/],
    ['"train"', /holds a string; it must hold one JSON object/],
    ['true', /holds a boolean; it must hold one JSON object/],
    ['{"epochs":5}', /epochs must be an object like \{"float": 2, "first": 1, "inherited": 1\}, got 5/],
    ['{"epochs":null}', /epochs must be an object like .*, got null/],
    ['{"epochs":[1]}', /epochs must be an object like .*, got \[1\]/],
    ['{epochs', /is not valid JSON/],
    ['', /is not valid JSON/],
  ])('a file holding %s is a one-line UsageError (it was a TypeError for null)', (text, message) => {
    const err = withConfig(text);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('a missing file names its path and why', () => {
    const err = (() => {
      try {
        return runConfigFromOptions({ config: 'nope.json' }, io, 'train');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(`--config: cannot read ${join(dir, 'nope.json')} (ENOENT)`);
  });

  it('an object is the base the flags overlay', () => {
    expect(withConfig('{"seed": 4, "epochs": {"first": 2}}')).toMatchObject({ kind: 'train', seed: 4, epochs: { first: 2 } });
  });
});

describe('runConfigFromOptions search flags', () => {
  it('--per-layer-bits asks the search for mixed precision; without it the config leaves the default', () => {
    expect(runConfigFromOptions({ 'per-layer-bits': true }, io, 'search').perLayerBits).toBe(true);
    expect(runConfigFromOptions({}, io, 'search')).not.toHaveProperty('perLayerBits');
  });
});

describe('runConfigFromOptions train flags', () => {
  it('--quantizer dropbits with its rate and penalty; without them the config leaves the defaults', () => {
    expect(runConfigFromOptions({ quantizer: 'dropbits', 'drop-bits-rate': '0.2', 'drop-bits-penalty': '1.5' }, io, 'train')).toMatchObject({
      quantizer: 'dropbits', dropBitsRate: 0.2, dropBitsPenalty: 1.5,
    });
    const plain = runConfigFromOptions({}, io, 'train');
    for (const key of ['quantizer', 'dropBitsRate', 'dropBitsPenalty']) expect(plain).not.toHaveProperty(key);
    expect(() => runConfigFromOptions({ 'drop-bits-rate': 'half' }, io, 'train')).toThrow(UsageError);
  });

  it('--quantizer offers exactly the quantizers training knows', () => {
    const choices = COMMANDS.find((c) => c.path.join(' ') === 'train')!.options.quantizer!.choices;
    expect(choices).toEqual([...QUANTIZER_KINDS]);
  });

  it('--preset offers exactly the presets training knows and reaches the run config', () => {
    const choices = COMMANDS.find((c) => c.path.join(' ') === 'train')!.options.preset!.choices;
    expect(choices).toEqual([...RUN_PRESETS]);
    expect(runConfigFromOptions({ preset: 'vitis' }, io, 'train')).toMatchObject({ preset: 'vitis' });
    expect(runConfigFromOptions({}, io, 'train')).not.toHaveProperty('preset');
  });
});
