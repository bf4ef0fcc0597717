import type { SubnetSpec } from '@oqat/latency';

/** The bit widths a subnet runs its elastic layers at (its bits and its per-layer bits), ascending. */
export function subnetWidths(spec: SubnetSpec): number[] {
  return [...new Set([spec.bits, ...Object.values(spec.bitsByLayer ?? {})])].sort((a, b) => a - b);
}

/**
 * The width whose supernet a subnet's weights come from: the narrowest it
 * uses. OQAT trains widths in a descending chain, so the narrowest width's
 * supernet holds every wider width's steps too; each layer runs at its own
 * bits with that width's step. Taking each layer from its own width's
 * supernet instead collapses (channel sorting at every phase start reorders
 * a block's channels per width): docs/benchmarks-mixed-precision.md.
 */
export function weightsWidth(spec: SubnetSpec): number {
  return subnetWidths(spec)[0]!;
}
