import { afterEach, describe, expect, it } from 'vitest';
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

describe('OQAT_BACKEND', () => {
  const saved = process.env.OQAT_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.OQAT_BACKEND;
    else process.env.OQAT_BACKEND = saved;
  });

  it('replaces an explicit request and says so', async () => {
    process.env.OQAT_BACKEND = 'cpu';
    const info = await initEngine({ backend: 'wasm' });
    expect(info.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.reason).toBe('OQAT_BACKEND=cpu replaces the wasm request');
  });

  it('auto or empty leaves the request alone', async () => {
    for (const value of ['auto', '']) {
      process.env.OQAT_BACKEND = value;
      const info = await initEngine({ backend: 'wasm' });
      expect(info.backend).toBe('wasm');
      expect(info.reason).toBe('wasm was requested');
    }
  });

  it('rejects a value that is no backend with a one-line message naming the variable', async () => {
    process.env.OQAT_BACKEND = 'gpu';
    await expect(initEngine({ backend: 'cpu' })).rejects.toThrow(UnknownBackendError);
    await expect(initEngine({ backend: 'cpu' })).rejects.toThrow(/^initEngine: OQAT_BACKEND='gpu' is not a backend, expected one of auto, tensorflow, wasm, cpu$/);
  });
});
