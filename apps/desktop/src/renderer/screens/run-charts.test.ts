import { describe, expect, it } from 'vitest';
import { runCurves } from './run-charts';

describe('runCurves', () => {
  it("a training run charts SQ's quantized share only once it has reported one", () => {
    expect(runCurves('train', new Set(['loss', 'lr']))).toEqual(['loss', 'accuracy', 'lr']);
    expect(runCurves('train', new Set(['loss', 'sqShare', 'sqErrorAll']))).toEqual(['loss', 'accuracy', 'lr', 'sq']);
    expect(runCurves('search', new Set(['sqShare']))).toEqual(['hypervolume']);
  });
});
