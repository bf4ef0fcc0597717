import { describe, expect, it } from 'vitest';
import { initEngine, tf } from '../index';
import { UnknownBackendError } from '../errors';

describe('initEngine', () => {
  it('auto picks a working backend and says why', async () => {
    const info = await initEngine({ backend: 'auto' });
    expect(['tensorflow', 'wasm', 'cpu']).toContain(info.backend);
    expect(tf.getBackend()).toBe(info.backend);
    expect(info.reason).toMatch(/^auto: /);
    // Every package tried before the chosen one is listed with its failure.
    for (const t of info.tried) expect(t.error.length).toBeGreaterThan(0);
  });

  it('cpu and wasm can be requested explicitly and compute the same sum', async () => {
    const sums: number[] = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      const info = await initEngine({ backend });
      expect(info.backend).toBe(backend);
      const x = tf.tensor1d([1, 2, 3.5]);
      sums.push(x.sum().dataSync()[0]!);
      x.dispose();
    }
    expect(sums[0]).toBeCloseTo(sums[1]!, 6);
  });

  it('rejects an unknown backend name with a one-line message', async () => {
    await expect(initEngine({ backend: 'gpu' as never })).rejects.toThrow(UnknownBackendError);
    await expect(initEngine({ backend: 'gpu' as never })).rejects.toThrow(/unknown backend 'gpu'/);
  });

  it("an unavailable 'tensorflow' backend fails with the packages it tried, or works where installed", async () => {
    try {
      const info = await initEngine({ backend: 'tensorflow' });
      expect(info.backend).toBe('tensorflow');
    } catch (err) {
      expect((err as Error).message).toMatch(/tfjs-node-gpu.*tfjs-node/);
      expect((err as Error).message).not.toContain('\n');
    }
  });
});
