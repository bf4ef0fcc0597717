/**
 * The supernet's current precision, shared by reference with every layer's
 * quantization: changing `bits` switches the whole supernet (OQAT uses one
 * bit width for all quantized layers); `fixedBits` is for the stem,
 * squeeze-excite and classifier.
 */
export interface Precision {
  /** 2..8, or 32 for float (quantizers pass through) */
  bits: number;
  /** 8 (deployable) or 32 (float, as the OQAT paper keeps them) */
  readonly fixedBits: 8 | 32;
}

/** Bits a layer of this role runs at now. Fixed layers follow the supernet into float (warm-up phase). */
export function roleBits(precision: Precision, role: 'elastic' | 'fixed'): number {
  if (precision.bits === 32) return 32;
  return role === 'elastic' ? precision.bits : precision.fixedBits;
}
