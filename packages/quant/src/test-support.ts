// Helpers for unit tests only (not exported from index.ts).
import type { Rng } from '@oqat/core';

/** n standard-normal draws times `scale`. */
export function normalArray(rng: Rng, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * scale;
  return out;
}
