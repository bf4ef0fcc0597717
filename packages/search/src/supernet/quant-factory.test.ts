import { initEngine, tf } from '@oqat/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { DropBitsLayerQuant } from './dropbits-layer-quant';
import { LsqLayerQuant, lsqQuantFactory } from './lsq-layer-quant';
import { quantFactoryFor } from './quant-factory';

const ELASTIC = { precision: 'elastic', signedInput: false } as const;
const FIXED = { precision: 'fixed', signedInput: false } as const;

describe('quantFactoryFor', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('gives LSQ for lsq and for a config written before the option', () => {
    expect(quantFactoryFor({})).toBe(lsqQuantFactory);
    expect(quantFactoryFor({ quantizer: 'lsq', dropBits: { rate: 0.5, penalty: 0 } })).toBe(lsqQuantFactory);
  });

  it('gives DropBits to the elastic layers of a dropbits run, LSQ to the fixed ones', () => {
    const factory = quantFactoryFor({ quantizer: 'dropbits', dropBits: { rate: 0.3, penalty: 0.6 } });
    const elastic = factory('a', ELASTIC)!;
    const fixed = factory('b', FIXED)!;
    expect(elastic).toBeInstanceOf(DropBitsLayerQuant);
    expect(fixed).not.toBeInstanceOf(DropBitsLayerQuant);
    elastic.dispose();
    fixed.dispose();
  });

  it.each(['esb', 'abfp', 'pow2'] as const)('%s: the elastic layers learn steps on that format, the fixed ones stay uniform, and the frozen config says so', (format) => {
    const factory = quantFactoryFor({ quantizer: format });
    const elastic = factory('a', ELASTIC) as LsqLayerQuant;
    const fixed = factory('b', FIXED) as LsqLayerQuant;
    expect(elastic.weightQuantizer.format.name).toBe(format);
    expect(elastic.inputQuantizer.format.name).toBe(format);
    expect(fixed.weightQuantizer.format.name).toBe('uniform');
    const w = tf.randomNormal([3, 3, 4, 8], 0, 0.1, 'float32', 1);
    const x = tf.relu(tf.randomNormal([2, 5, 5, 4], 0, 1, 'float32', 2));
    elastic.setBits(4);
    tf.tidy(() => [elastic.weight(w), elastic.input(x)]);
    expect(elastic.frozen().weight).toMatchObject({ bits: 4, signed: true, format });
    fixed.setBits(8);
    tf.tidy(() => [fixed.weight(w), fixed.input(x)]);
    expect(fixed.frozen().weight!.format).toBeUndefined();
    tf.dispose([w, x]);
    elastic.dispose();
    fixed.dispose();
  });
});
