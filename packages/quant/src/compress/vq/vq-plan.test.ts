import { describe, expect, it } from 'vitest';
import { vqLayerPlan } from './vq-plan';

const small = { pointwiseBlockSize: 4, kernelsPerBlock: 1, codewords: 256, subVectorsPerCodeword: 4 };

describe('vqLayerPlan', () => {
  it('cuts 1x1 convs and linear layers in d = 4, k x k convs in whole kernels, as the paper', () => {
    expect(vqLayerPlan([1, 1, 256, 256], small)).toEqual({ blockSize: 4, codewords: 256, subVectors: 16384, kind: 'pointwise' });
    expect(vqLayerPlan([3, 3, 64, 64], small)).toMatchObject({ blockSize: 9, kind: 'spatial' });
    expect(vqLayerPlan([3, 3, 64, 64], { ...small, kernelsPerBlock: 2 })).toMatchObject({ blockSize: 18 });
    expect(vqLayerPlan([5, 5, 96, 1], small)).toMatchObject({ blockSize: 25, subVectors: 96 });
    expect(vqLayerPlan([512, 10], { ...small, pointwiseBlockSize: 8 })).toMatchObject({ blockSize: 8, kind: 'linear' });
  });

  it('clamps k to the largest power of two below n / 4, the authors\' rule', () => {
    expect(vqLayerPlan([5, 5, 96, 1], small)).toMatchObject({ codewords: 16 }); // 96 / 4 = 24
    expect(vqLayerPlan([1, 1, 64, 16], small)).toMatchObject({ codewords: 32 }); // 256 / 4 = 64: strictly below
    expect(vqLayerPlan([1, 1, 16, 4], small)).toMatchObject({ codewords: 2 }); // 16 / 4 = 4
    expect(vqLayerPlan([1, 1, 8, 3], small)).toEqual({ skip: expect.stringMatching(/6 sub-vectors/) });
  });

  it('cuts a depthwise conv in kernel rows when asked, or keeps it float', () => {
    expect(vqLayerPlan([5, 5, 96, 1], { ...small, depthwiseRows: 1 })).toMatchObject({ blockSize: 5, subVectors: 480, codewords: 64 });
    expect(vqLayerPlan([3, 3, 64, 1], { ...small, depthwiseRows: 3 })).toMatchObject({ blockSize: 9 });
    expect(vqLayerPlan([3, 3, 64, 1], { ...small, depthwiseRows: 0 })).toEqual({ skip: expect.stringMatching(/kept float32/) });
    expect(vqLayerPlan([3, 3, 64, 64], { ...small, depthwiseRows: 1 })).toMatchObject({ blockSize: 9 }); // not depthwise
  });

  it('takes the largest d that divides a row and says so', () => {
    const plan = vqLayerPlan([3, 3, 5, 8], { ...small, kernelsPerBlock: 2 });
    expect(plan).toMatchObject({ blockSize: 9, note: expect.stringMatching(/18 does not divide the 45/) });
    expect(vqLayerPlan([1, 1, 6, 64], { ...small, pointwiseBlockSize: 4 })).toMatchObject({ blockSize: 3 });
  });
});
