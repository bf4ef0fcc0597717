import type { Rng } from '@oqat/core';
import type { SearchSpace, SubnetSpec } from './search-space';

const first = (xs: readonly number[]): number => xs[0]!;
const last = (xs: readonly number[]): number => xs[xs.length - 1]!;

/** Bits a subnet gets when the caller names none: the space's widest (largest) or narrowest (smallest). */
function pickBits(space: SearchSpace, bits: number | undefined, choose: (xs: readonly number[]) => number): number {
  return bits ?? choose(space.bits);
}

/** Every choice at its maximum: the supernet's full size (the sandwich rule's top). */
export function largestSubnet(space: SearchSpace, bits?: number): SubnetSpec {
  const depths = space.stages.map((s) => last(s.depths));
  return {
    resolution: last(space.resolutions),
    depths,
    kernels: space.stages.map((s, i) => Array<number>(depths[i]!).fill(last(s.kernels))),
    expands: space.stages.map((s, i) => Array<number>(depths[i]!).fill(last(s.expands))),
    bits: pickBits(space, bits, last),
  };
}

/** Every choice at its minimum (the sandwich rule's bottom). */
export function smallestSubnet(space: SearchSpace, bits?: number): SubnetSpec {
  const depths = space.stages.map((s) => first(s.depths));
  return {
    resolution: first(space.resolutions),
    depths,
    kernels: space.stages.map((s, i) => Array<number>(depths[i]!).fill(first(s.kernels))),
    expands: space.stages.map((s, i) => Array<number>(depths[i]!).fill(first(s.expands))),
    bits: pickBits(space, bits, first),
  };
}

/** Random block choices for one stage at a given depth. */
export function sampleBlocks(space: SearchSpace, stage: number, depth: number, rng: Rng): { kernels: number[]; expands: number[] } {
  const s = space.stages[stage]!;
  const kernels: number[] = [];
  const expands: number[] = [];
  for (let j = 0; j < depth; j++) {
    kernels.push(rng.pick(s.kernels));
    expands.push(rng.pick(s.expands));
  }
  return { kernels, expands };
}

/**
 * A uniformly random subnet (each choice independent, as OFA's
 * sample_active_subnet). `bits` fixes the bit width (a training phase does);
 * otherwise it is drawn from the space too.
 */
export function sampleSubnet(space: SearchSpace, rng: Rng, bits?: number): SubnetSpec {
  const resolution = rng.pick(space.resolutions);
  const depths = space.stages.map((s) => rng.pick(s.depths));
  const blocks = depths.map((d, i) => sampleBlocks(space, i, d, rng));
  return {
    resolution,
    depths,
    kernels: blocks.map((b) => b.kernels),
    expands: blocks.map((b) => b.expands),
    bits: bits ?? rng.pick(space.bits),
  };
}

/** The subnet halfway between smallest and largest in every choice (a "middle" figure). */
export function middleSubnet(space: SearchSpace, bits?: number): SubnetSpec {
  const mid = (xs: readonly number[]): number => xs[Math.floor((xs.length - 1) / 2)]!;
  const depths = space.stages.map((s) => mid(s.depths));
  return {
    resolution: mid(space.resolutions),
    depths,
    kernels: space.stages.map((s, i) => Array<number>(depths[i]!).fill(mid(s.kernels))),
    expands: space.stages.map((s, i) => Array<number>(depths[i]!).fill(mid(s.expands))),
    bits: pickBits(space, bits, mid),
  };
}
