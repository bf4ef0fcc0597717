/**
 * The first item of the size most items have (the first one's on a tie):
 * items of other sizes are a folder's odd ones. One rule for class and
 * segmentation folders.
 */
export function firstOfMostCommonSize<T>(items: readonly T[], size: (item: T) => { width: number; height: number }): T | undefined {
  const counts = new Map<string, { first: T; n: number }>();
  for (const item of items) {
    const { width, height } = size(item);
    const key = `${width}x${height}`;
    const entry = counts.get(key) ?? { first: item, n: 0 };
    entry.n++;
    counts.set(key, entry);
  }
  let best: { first: T; n: number } | undefined;
  for (const entry of counts.values()) if (!best || entry.n > best.n) best = entry;
  return best?.first;
}
