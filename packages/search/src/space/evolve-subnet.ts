import type { Rng } from '@oqat/core';
import { elasticLayerNames, sampleBlocks, withLayerBits, type SearchSpace, type SubnetSpec } from '@oqat/latency';

export interface MutateOptions {
  /** probability of redrawing each choice (OFA's mutate_prob) */
  prob: number;
  /** keep the bit width (search at a fixed precision) */
  keepBits?: boolean;
  /**
   * Per-layer precision: also redraw each active elastic layer's bits, among
   * the space's quantized widths, with this probability. Absent: a uniform
   * subnet stays uniform (what the search did before per-layer bits).
   */
  layerProb?: number;
  /**
   * Where a redrawn layer may go: 'any' quantized width, or an 'adjacent' one
   * (one step up or down the sorted widths: 4 → 3, never 4 → 2). Default 'any'.
   */
  layerMoves?: 'any' | 'adjacent';
}

/**
 * Redraws each choice with probability `prob`, as OFA's evolution does.
 * A stage that grows gets random choices for its new blocks; one that shrinks
 * drops its last blocks (elastic depth keeps the first d).
 *
 * With `layerProb`, a redrawn bit width moves every layer to it (the uniform
 * search's step); otherwise each layer keeps its parent's bits (new blocks:
 * the subnet's) and is then redrawn with probability `layerProb`.
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
  if (options.layerProb === undefined || out.bits === 32) return out;
  const widths = quantizedWidths(space);
  const inherited = out.bits === spec.bits ? activeLayerBits(space, spec) : new Map<string, number>();
  const layers: Record<string, number> = {};
  for (const name of elasticLayerNames(space, out.depths)) {
    const from = inherited.get(name) ?? out.bits;
    layers[name] = rng.next() < options.layerProb ? (options.layerMoves === 'adjacent' ? rng.pick(adjacentWidths(widths, from)) : rng.pick(widths)) : from;
  }
  return withModeBits(space, out, layers);
}

export interface CrossoverOptions {
  /** cross per-layer bits too, layer by layer (the space names the layers); absent: a child's layers all run at its bits */
  layerBitsOf?: SearchSpace;
}

/**
 * Uniform crossover: each choice comes from one parent or the other. A block
 * that only the deeper parent has comes from that parent; so does a layer's
 * bits with `layerBitsOf`.
 */
export function crossoverSubnets(a: SubnetSpec, b: SubnetSpec, rng: Rng, options: CrossoverOptions = {}): SubnetSpec {
  const either = <T>(x: T, y: T): T => (rng.next() < 0.5 ? x : y);
  // Both defined, or exactly one parent reaches the block (or layer).
  const fromEither = <T>(x: T | undefined, y: T | undefined): T | undefined => (x !== undefined && (y === undefined || rng.next() < 0.5) ? x : y);
  const out: SubnetSpec = { resolution: either(a.resolution, b.resolution), depths: [], kernels: [], expands: [], bits: either(a.bits, b.bits) };
  a.depths.forEach((_, i) => {
    const depth = either(a.depths[i]!, b.depths[i]!);
    const kernels: number[] = [];
    const expands: number[] = [];
    for (let j = 0; j < depth; j++) {
      kernels.push(fromEither(a.kernels[i]![j], b.kernels[i]![j])!);
      expands.push(fromEither(a.expands[i]![j], b.expands[i]![j])!);
    }
    out.depths.push(depth);
    out.kernels.push(kernels);
    out.expands.push(expands);
  });
  const space = options.layerBitsOf;
  if (!space || out.bits === 32) return out;
  const [bitsA, bitsB] = [activeLayerBits(space, a), activeLayerBits(space, b)];
  const layers: Record<string, number> = {};
  for (const name of elasticLayerNames(space, out.depths)) {
    layers[name] = fromEither(bitsA.get(name), bitsB.get(name)) ?? out.bits;
  }
  return withModeBits(space, out, layers);
}

/** The space's quantized bit widths (per-layer precision never mixes in float). */
function quantizedWidths(space: SearchSpace): number[] {
  return space.bits.filter((b) => b !== 32).sort((a, b) => a - b);
}

/** The widths one step from `bits` in the sorted list (one at either end). */
function adjacentWidths(widths: readonly number[], bits: number): number[] {
  const i = widths.indexOf(bits);
  return [widths[i - 1], widths[i + 1]].filter((b): b is number => b !== undefined);
}

/** Bits of each active elastic layer of a quantized subnet, by name (none for a float subnet). */
function activeLayerBits(space: SearchSpace, spec: SubnetSpec): Map<string, number> {
  if (spec.bits === 32) return new Map();
  return new Map(elasticLayerNames(space, spec.depths).map((name) => [name, spec.bitsByLayer?.[name] ?? spec.bits]));
}

/**
 * A subnet with these bits for every active elastic layer, in one form only:
 * its `bits` is the width most of its layers run at (ties: the wider), the
 * rest go to `bitsByLayer`. Two subnets that run every layer alike then
 * share a key, so the search never measures one network twice under two
 * names (a mixed subnet's weights come from the narrowest width it uses,
 * whatever its `bits`).
 */
export function withModeBits(space: SearchSpace, spec: SubnetSpec, layers: Readonly<Record<string, number>>): SubnetSpec {
  const counts = new Map<number, number>();
  for (const b of Object.values(layers)) counts.set(b, (counts.get(b) ?? 0) + 1);
  let mode = spec.bits;
  let most = 0;
  for (const [b, n] of counts) {
    if (n > most || (n === most && b > mode)) [mode, most] = [b, n];
  }
  return withLayerBits(space, { ...spec, bits: mode }, layers);
}
