import type { SearchSpace, SubnetSpec } from './search-space';

/**
 * Bits a layer runs at in a subnet of `bits`: 'elastic' layers at the
 * subnet's width, 'fixed' ones (stem, squeeze-excite, classifier) at the
 * network's fixed precision, except in a float subnet, where every layer is
 * float (the warm-up phase). The one rule the supernet's quantizers, the
 * layer IR and the exports follow; subnetLayerBits adds per-layer precision.
 */
export function layerBits(bits: number, fixedBits: 8 | 32, role: 'elastic' | 'fixed'): number {
  if (bits === 32) return 32;
  return role === 'elastic' ? bits : fixedBits;
}

/** Bits of the named layer in a subnet: its own entry in `bitsByLayer` for an elastic layer, else layerBits' rule. */
export function subnetLayerBits(spec: SubnetSpec, name: string, fixedBits: 8 | 32, role: 'elastic' | 'fixed'): number {
  const uniform = layerBits(spec.bits, fixedBits, role);
  if (spec.bits === 32 || role === 'fixed') return uniform;
  return spec.bitsByLayer?.[name] ?? uniform;
}

/** The parts of an inverted-residual block that carry weights at the subnet's precision. */
export type BlockPart = 'expand' | 'dw' | 'project';

/** A block's name as the supernet registers it: 'first' (the fixed first block), 'stages.2.0'. */
export function blockName(stage: number | 'first', block: number): string {
  return stage === 'first' ? 'first' : `stages.${stage}.${block}`;
}

/** A block's layer name: 'first.dw', 'stages.2.0.project'. */
export function blockLayerName(stage: number | 'first', block: number, part: BlockPart): string {
  return `${blockName(stage, block)}.${part}`;
}

/** The supernet's names of the layers outside the blocks. */
export const STEM_LAYER = 'stem';
export const HEAD_EXPAND_LAYER = 'head.expand';
export const CLASSIFIER_LAYER = 'head.classifier';
export const FEATURE_MIX_LAYER = 'head.mix';
export const SEGMENTATION_HIGH_LAYER = 'seg.high';

/**
 * Names of the layers whose precision a subnet sets (the elastic ones: every
 * block's convs, the final expansion, the feature mix or the segmentation
 * head's gated conv), in forward order, for the blocks of `depths` (default:
 * every block of the space). Per-layer precision (`bitsByLayer`) is keyed by them.
 */
export function elasticLayerNames(space: SearchSpace, depths: readonly number[] = space.stages.map((s) => s.depths[s.depths.length - 1]!)): string[] {
  const names: string[] = [];
  if (space.firstBlock) names.push(blockLayerName('first', 0, 'dw'), blockLayerName('first', 0, 'project'));
  space.stages.forEach((_, i) => {
    for (let j = 0; j < depths[i]!; j++) names.push(...(['expand', 'dw', 'project'] as const).map((p) => blockLayerName(i, j, p)));
  });
  names.push(HEAD_EXPAND_LAYER);
  if (space.segmentationHead) names.push(SEGMENTATION_HIGH_LAYER);
  else if (space.head.featureC > 0) names.push(FEATURE_MIX_LAYER);
  return names;
}

/**
 * A subnet with some elastic layers at other bits, in canonical form: entries
 * equal to the subnet's `bits` and entries of inactive blocks are dropped, and
 * a subnet left with none is uniform (no `bitsByLayer`). Key order follows the
 * layers' forward order, so equal subnets print alike.
 */
export function withLayerBits(space: SearchSpace, spec: SubnetSpec, bitsByLayer: Readonly<Record<string, number>>): SubnetSpec {
  const { bitsByLayer: _old, ...uniform } = spec;
  if (spec.bits === 32) return uniform;
  const kept: Record<string, number> = {};
  for (const name of elasticLayerNames(space, spec.depths)) {
    const b = bitsByLayer[name];
    if (b !== undefined && b !== spec.bits) kept[name] = b;
  }
  return Object.keys(kept).length > 0 ? { ...uniform, bitsByLayer: kept } : uniform;
}
