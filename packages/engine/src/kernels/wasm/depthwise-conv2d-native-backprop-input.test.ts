import { createRng } from '@oqat/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../index';
import { DepthwiseConv2dNativeBackpropInput } from '../../kernel-names';
import { caseShapes, compareWithCpu, convCases, randomValues, size } from './kernel-test-support';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', threads: 1 });
});

describe.each(convCases(404))('wasm DepthwiseConv2dNativeBackpropInput $name', (c) => {
  it('matches the cpu backend to 1e-4', async () => {
    const rng = createRng(c.seed).next;
    const { xShape, filterShape, dyShape } = caseShapes(c, true);
    const call = {
      kernel: DepthwiseConv2dNativeBackpropInput,
      inputs: {
        dy: { shape: dyShape, values: randomValues(size(dyShape), rng) },
        filter: { shape: filterShape, values: randomValues(size(filterShape), rng) },
      },
      attrs: { strides: c.stride, pad: c.pad, dilations: 1, inputShape: xShape },
    };
    expect(await compareWithCpu(call)).toBeLessThan(1e-4);
  });
});
