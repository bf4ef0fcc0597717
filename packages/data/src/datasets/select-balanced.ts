import { InvalidDataOptionError } from '../errors';
import type { Rng } from '@oqat/core';

/** Item indices grouped by label: result[c] lists the items of class c in file order. */
export function indicesByClass(labels: Uint8Array, classCount: number): number[][] {
  const groups: number[][] = Array.from({ length: classCount }, () => []);
  for (let i = 0; i < labels.length; i++) groups[labels[i]!]!.push(i);
  return groups;
}

/**
 * Picks `perClass` items of every class uniformly at random (without
 * replacement) and returns their indices in ascending order, so the subset
 * keeps the source's file order and depends only on (labels, perClass, rng).
 */
export function selectBalanced(labels: Uint8Array, classCount: number, perClass: number, rng: Rng): Int32Array {
  const groups = indicesByClass(labels, classCount);
  const chosen: number[] = [];
  groups.forEach((group, c) => {
    if (group.length < perClass) {
      throw new InvalidDataOptionError('selectBalanced', `perClass (class ${c})`, perClass, `at most ${group.length}`);
    }
    chosen.push(...rng.shuffle(group.slice()).slice(0, perClass));
  });
  return Int32Array.from(chosen).sort();
}
