import { describe, expect, it } from 'vitest';
import { InvalidLayerError, InvalidNetworkError } from '../errors';
import type { LayerDesc } from './layer-desc';
import { validateLayer, validateLayers } from './validate-layers';

const conv: LayerDesc = { op: 'conv', inH: 8, inW: 8, inC: 16, outC: 32, kernel: 3, stride: 1, groups: 1, act: 'relu', wBits: 4, aBits: 4 };

function errorOf(value: unknown, index = 0): InvalidLayerError {
  try {
    validateLayer(value, index);
  } catch (err) {
    if (err instanceof InvalidLayerError) return err;
    throw err;
  }
  throw new Error('expected an InvalidLayerError');
}

describe('validateLayer', () => {
  it('accepts the schema', () => {
    expect(validateLayer(conv, 0)).toBe(conv);
    expect(validateLayers([conv, { ...conv, op: 'dwconv', inC: 32, outC: 32, groups: 32 }])).toHaveLength(2);
  });

  it('names the layer index, op and field in each error', () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ ...conv, op: 'pool' }, 'op', /^layer 3: op must be one of conv, dwconv/],
      [{ ...conv, inC: 0 }, 'inC', /^layer 3 \(conv\): inC must be a positive integer, got 0$/],
      [{ ...conv, kernel: 2.5 }, 'kernel', /kernel must be a positive integer, got 2\.5/],
      [{ ...conv, stride: undefined }, 'stride', /stride must be a positive integer, got nothing/],
      [{ ...conv, wBits: 33 }, 'wBits', /wBits must be an integer 1-16 or 32 \(float\), got 33/],
      [{ ...conv, aBits: '8' }, 'aBits', /aBits must be an integer 1-16 or 32/],
      [{ ...conv, act: 'gelu' }, 'act', /act must be one of relu, relu6/],
      [{ ...conv, groups: 3 }, 'groups', /groups must divide inC \(16\), got 3/],
      [{ ...conv, op: 'dwconv', outC: 16, groups: 1 }, 'groups', /must equal inC \(16\) for a depthwise conv, got 1/],
      [{ ...conv, op: 'fc', kernel: 3 }, 'kernel/stride/groups', /must be 1 for fc, got 3\/1\/1/],
      [{ ...conv, op: 'add', outC: 8 }, 'outC', /outC must equal inC \(16\) for add, got 8/],
      [{ ...conv, op: 'concat', outC: 16 }, 'outC', /must exceed inC \(16\) for concat/],
      [{ ...conv, outH: 0 }, 'outH', /outH must be a positive integer when given, got 0/],
      [null, 'layer', /^layer 3: layer must be an object, got null/],
    ];
    for (const [value, field, message] of cases) {
      const err = errorOf(value, 3);
      expect(err.index).toBe(3);
      expect(err.field).toBe(field);
      expect(err.message).toMatch(message);
    }
  });

  it('rejects a network that is not a non-empty list', () => {
    expect(() => validateLayers([])).toThrow(InvalidNetworkError);
    expect(() => validateLayers({ layers: [] })).toThrow(/layers must be an array/);
    expect(() => validateLayers([conv, { ...conv, inW: -1 }])).toThrow(/^layer 1 \(conv\): inW/);
  });
});
