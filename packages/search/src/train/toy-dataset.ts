import type { ImageDataset } from '@oqat/data';
import { createRng } from '@oqat/core';

/**
 * A learnable toy classification set for tests (no files): class k is a
 * bright 4x4 square in the k-th corner of a noisy grey image.
 */
export function toyDataset(count: number, side: number, classes: number, seed: number): ImageDataset {
  const rng = createRng(seed);
  const images = new Uint8Array(count * side * side);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const k = i % classes;
    labels[i] = k;
    const y0 = k & 1 ? side - 5 : 1;
    const x0 = k & 2 ? side - 5 : 1;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const inside = y >= y0 && y < y0 + 4 && x >= x0 && x < x0 + 4;
        images[i * side * side + y * side + x] = Math.min(255, (inside ? 180 : 40) + rng.int(60));
      }
    }
  }
  return { images, labels, count, height: side, width: side, channels: 1, classNames: Array.from({ length: classes }, (_, k) => `c${k}`) };
}
