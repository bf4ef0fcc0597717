import { describe, expect, it } from 'vitest';
import { attr } from './attribute';
import { decodeRawData } from './data-type';
import { decodeModel, encodeModel } from './encode-model';
import { DuplicateValueError, ModelDecodeError, TensorDataError, UndefinedValueError } from './errors';
import { GraphBuilder, irVersionForOpset } from './graph-builder';

function tinyModel() {
  const g = new GraphBuilder('tiny');
  const x = g.input('x', 'float32', ['batch', 2]);
  const w = g.initializer('w', { dataType: 'float32', dims: [2, 3], values: [1, 2, 3, 4, 5, 6] });
  const y = g.node('MatMul', [x, w]);
  const z = g.node('LeakyRelu', [y], { alpha: attr.float(1) });
  g.output(z, 'float32', ['batch', 3]);
  return g.build({ opset: 17, metadata: { purpose: 'test' } });
}

describe('GraphBuilder', () => {
  it('round-trips a model through the protobuf encoding', () => {
    const model = tinyModel();
    const back = decodeModel(encodeModel(model));
    expect(back.irVersion).toBe(8);
    expect(back.opsetImport).toEqual([{ domain: '', version: 17 }]);
    expect(back.graph.node.map((n) => n.opType)).toEqual(['MatMul', 'LeakyRelu']);
    expect(back.graph.node[1]!.attribute[0]).toMatchObject({ name: 'alpha', type: 1, f: 1 });
    expect(back.graph.input[0]!.type.tensorType.shape!.dim).toEqual([{ dimParam: 'batch' }, { dimValue: 2 }]);
    const w = back.graph.initializer[0]!;
    expect(w.dims).toEqual([2, 3]);
    expect(decodeRawData('float32', w.rawData!)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(back.metadataProps).toEqual([{ key: 'purpose', value: 'test' }]);
  });

  it('infers INT/INTS/FLOAT/FLOATS/STRING attribute types', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [1]);
    g.node('Foo', [x], { a: 2, b: 0.5, c: [1, 2], d: [0.5, 1], e: 'same', f: attr.ints([]) });
    const types = g.build().graph.node[0]!.attribute.map((a) => [a.name, a.type]);
    expect(types).toEqual([['a', 2], ['b', 1], ['c', 7], ['d', 6], ['e', 3], ['f', 7]]);
  });

  it('rejects undefined inputs, duplicate names and bad tensors with the names involved', () => {
    const g = new GraphBuilder('g');
    const x = g.input('x', 'float32', [1]);
    expect(() => g.node('Relu', ['nope'], {}, { name: 'r' })).toThrow(UndefinedValueError);
    expect(() => g.node('Relu', ['nope'], {}, { name: 'r' })).toThrow(/node 'r' reads 'nope'/);
    expect(() => g.input('x', 'float32', [1])).toThrow(DuplicateValueError);
    expect(() => g.node('Relu', [x], {}, { outputs: ['x'] })).toThrow(/'x' is defined twice/);
    expect(() => g.initializer('t', { dataType: 'float32', dims: [2, 2], values: [1, 2, 3] })).toThrow(TensorDataError);
    expect(() => g.initializer('u', { dataType: 'int8', dims: [1], values: [200] })).toThrow(/element 0 is 200/);
    expect(() => g.output('missing', 'float32')).toThrow(UndefinedValueError);
  });

  it('gives fresh unique names and maps opsets to IR versions', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [1]);
    const a = g.node('Relu', [x]);
    const b = g.node('Relu', [a]);
    expect(new Set([a, b, x]).size).toBe(3);
    expect(irVersionForOpset(13)).toBe(7);
    expect(irVersionForOpset(21)).toBe(10);
  });

  it('reports bytes that are not a model', () => {
    expect(() => decodeModel(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(ModelDecodeError);
  });
});
