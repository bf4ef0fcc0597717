import { openRunStore } from './store/open-run-store.ts';

/**
 * Test support, not product API (`@oqat/runs/testing`): a store at `path`
 * holding `count` cancelled runs with about `padBytes` of config each, so its
 * tables span several pages. Returns the run ids, oldest first.
 */
export async function fillRunStore(path: string, count: number, padBytes = 1500): Promise<string[]> {
  const store = await openRunStore({ path });
  const ids: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const run = await store.createRun({ kind: 'train', config: { pad: 'x'.repeat(padBytes), i } });
      await store.markCancelled(run.id);
      ids.push(run.id);
    }
  } finally {
    await store.close();
  }
  return ids;
}
