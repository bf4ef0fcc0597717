import { describe, expect, it } from 'vitest';
import { createDataParallelTrainer } from './data-parallel-trainer';

describe('data-parallel reference-net trainer', () => {
  it('trains 2 replicas in step: the mean loss on a fixed batch falls', async () => {
    const batch = 4;
    const images = Float32Array.from({ length: batch * 32 * 32 }, (_, i) => Math.sin(i * 0.37));
    const labels = Float32Array.from({ length: batch * 10 }, (_, i) => (i % 10 === Math.floor(i / 10) % 10 ? 1 : 0));
    const trainer = await createDataParallelTrainer(2, { seed: 1, learningRate: 0.05, momentum: 0.9 });
    try {
      const losses: number[] = [];
      for (let i = 0; i < 4; i++) losses.push(await trainer.step(images, labels, batch));
      await trainer.flush();
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[3]!).toBeLessThan(losses[0]! * 0.9);
      await expect(trainer.step(images, labels, 3)).rejects.toThrow(/not a multiple of 2 replicas/);
    } finally {
      await trainer.dispose();
    }
  });
});
