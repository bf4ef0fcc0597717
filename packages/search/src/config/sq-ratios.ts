/**
 * What is wrong with an SQ schedule, in one line (undefined: nothing): each
 * ratio in (0, 1], none below the one before it, the last 1 so that every
 * quantized phase ends fully quantized; [] is SQ off.
 */
export function sqRatiosProblem(ratios: readonly unknown[]): string | undefined {
  const bad = ratios.findIndex((x) => typeof x !== 'number' || !(x > 0 && x <= 1));
  if (bad >= 0) return `must hold numbers in (0, 1], got ${JSON.stringify(ratios[bad])} at position ${bad + 1}`;
  const values = ratios as readonly number[];
  const falling = values.findIndex((x, i) => i > 0 && x < values[i - 1]!);
  if (falling >= 0) return `must not fall, got ${values[falling]} after ${values[falling - 1]}`;
  if (values.length > 0 && values[values.length - 1] !== 1) return `must end at 1 so that each phase ends fully quantized, got [${values.join(', ')}]`;
  return undefined;
}
