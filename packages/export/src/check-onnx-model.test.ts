import { GraphBuilder, type OnnxModel } from '@oqat/onnx';
import { describe, expect, it } from 'vitest';
import { checkOnnxModel } from './check-onnx-model';
import { ONNX_INT4, packNibbles, retypeInt4Initializers, unpackNibbles } from './onnx-int4';

function tinyModel(opset = 13): OnnxModel {
  const g = new GraphBuilder('t');
  const x = g.input('x', 'float32', ['n', 2, 4, 4]);
  g.initializer('w', { dataType: 'int8', dims: [3, 2, 1, 1], values: [1, -1, 0, 1, -2, 1] });
  g.initializer('s', { dataType: 'float32', dims: [3], values: [0.1, 0.2, 0.3] });
  g.initializer('z', { dataType: 'int8', dims: [3], values: [0, 0, -1] });
  g.initializer('b', { dataType: 'float32', dims: [3], values: [0, 0, 0] });
  const w = g.node('DequantizeLinear', ['w', 's', 'z'], { axis: 0 });
  g.output(g.node('Conv', [x, w, 'b'], { kernel_shape: [1, 1], group: 1, pads: [0, 0, 0, 0] }, { outputs: ['y'] }), 'float32');
  return g.build({ opset });
}

describe('checkOnnxModel', () => {
  it('passes a well-formed QDQ conv', () => {
    expect(checkOnnxModel(tinyModel())).toEqual([]);
  });

  it('finds undefined inputs, wrong raw sizes, per-axis mismatches, kernel and bias mismatches', () => {
    const m = tinyModel();
    m.graph.node[1]!.input[0] = 'nowhere';
    m.graph.initializer.find((t) => t.name === 'b')!.dims = [4];
    m.graph.initializer.find((t) => t.name === 's')!.dims = [2];
    m.graph.node[1]!.attribute.find((a) => a.name === 'kernel_shape')!.ints = [3, 3];
    const problems = checkOnnxModel(m).join('\n');
    expect(problems).toMatch(/reads 'nowhere'/);
    expect(problems).toMatch(/initializer 'b' holds 12 bytes, dims \[4\] need 16/);
    expect(problems).toMatch(/zero point dims \[3\] differ from scale dims \[2\]/);
    expect(problems).toMatch(/kernel_shape \[3, 3\] differs/);
    expect(problems).toMatch(/bias dims \[4\] do not match 3 output channels/);
  });

  it('allows 4-bit initializers from opset 21 only', () => {
    for (const opset of [13, 21]) {
      const m = tinyModel(opset);
      retypeInt4Initializers(m, new Map([['w', 'int4'], ['z', 'int4']]));
      expect(m.graph.initializer.find((t) => t.name === 'w')!.dataType).toBe(ONNX_INT4);
      const problems = checkOnnxModel(m);
      if (opset === 21) expect(problems).toEqual([]);
      else expect(problems.join()).toMatch(/4-bit, which needs opset 21/);
    }
  });

  it('packs nibbles low first and reads them back', () => {
    const values = [-8, 7, -1, 0, 3];
    const raw = packNibbles(values);
    expect(Array.from(raw)).toEqual([0x78, 0x0f, 0x03]);
    expect(unpackNibbles(raw, 5, true)).toEqual(values);
    expect(unpackNibbles(packNibbles([15, 0, 9]), 3, false)).toEqual([15, 0, 9]);
  });
});
