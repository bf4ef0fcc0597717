import type { Rng } from '@oqat/core';
import { sampleBlocks, type SearchSpace, type SubnetSpec } from '@oqat/latency';

export interface MutateOptions {
  /** probability of redrawing each choice (OFA's mutate_prob) */
  prob: number;
  /** keep the bit width (search at a fixed precision) */
  keepBits?: boolean;
}

/**
 * Redraws each choice with probability `prob`, as OFA's evolution does.
 * A stage that grows gets random choices for its new blocks; one that shrinks
 * drops its last blocks (elastic depth keeps the first d).
 */
export function mutateSubnet(space: SearchSpace, spec: SubnetSpec, rng: Rng, options: MutateOptions): SubnetSpec {
  const p = options.prob;
  const out: SubnetSpec = {
    resolution: rng.next() < p ? rng.pick(space.resolutions) : spec.resolution,
    depths: [],
    kernels: [],
    expands: [],
    bits: !options.keepBits && rng.next() < p ? rng.pick(space.bits) : spec.bits,
  };
  space.stages.forEach((stage, i) => {
    const kernels = spec.kernels[i]!.map((k) => (rng.next() < p ? rng.pick(stage.kernels) : k));
    const expands = spec.expands[i]!.map((e) => (rng.next() < p ? rng.pick(stage.expands) : e));
    const depth = rng.next() < p ? rng.pick(stage.depths) : spec.depths[i]!;
    if (depth > kernels.length) {
      const extra = sampleBlocks(space, i, depth - kernels.length, rng);
      kernels.push(...extra.kernels);
      expands.push(...extra.expands);
    }
    out.depths.push(depth);
    out.kernels.push(kernels.slice(0, depth));
    out.expands.push(expands.slice(0, depth));
  });
  return out;
}

/**
 * Uniform crossover: each choice comes from one parent or the other. A block
 * that only the deeper parent has comes from that parent.
 */
export function crossoverSubnets(a: SubnetSpec, b: SubnetSpec, rng: Rng): SubnetSpec {
  const either = <T>(x: T, y: T): T => (rng.next() < 0.5 ? x : y);
  const out: SubnetSpec = { resolution: either(a.resolution, b.resolution), depths: [], kernels: [], expands: [], bits: either(a.bits, b.bits) };
  a.depths.forEach((_, i) => {
    const depth = either(a.depths[i]!, b.depths[i]!);
    const kernels: number[] = [];
    const expands: number[] = [];
    for (let j = 0; j < depth; j++) {
      const ka = a.kernels[i]![j];
      const kb = b.kernels[i]![j];
      // Both defined, or exactly one parent reaches block j.
      const fromA = ka !== undefined && (kb === undefined || rng.next() < 0.5);
      kernels.push(fromA ? ka! : kb!);
      const ea = a.expands[i]![j];
      const eb = b.expands[i]![j];
      const eFromA = ea !== undefined && (eb === undefined || rng.next() < 0.5);
      expands.push(eFromA ? ea! : eb!);
    }
    out.depths.push(depth);
    out.kernels.push(kernels);
    out.expands.push(expands);
  });
  return out;
}
