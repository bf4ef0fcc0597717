/**
 * Bits a layer runs at in a subnet of `bits`: 'elastic' layers at the
 * subnet's width, 'fixed' ones (stem, squeeze-excite, classifier) at the
 * network's fixed precision, except in a float subnet, where every layer is
 * float (the warm-up phase). The one rule the supernet's quantizers, the
 * layer IR and the exports follow.
 */
export function layerBits(bits: number, fixedBits: 8 | 32, role: 'elastic' | 'fixed'): number {
  if (bits === 32) return 32;
  return role === 'elastic' ? bits : fixedBits;
}
