import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseFewShotNetworks, defaultPriorSources, fewShotDesignCandidates } from '@oqat/latency';
import { TINY_SPACE } from '@oqat/search/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSubnetNetworks } from '../device-latency';
import { registerDeviceFromSamples } from '../register-device';
import { runQueueWorker } from './queue-worker';
import { REDIS_MISSING, startTestRedis, type TestRedis } from './redis-server.fixture';
import { networksToProfile, profileOnWorkers } from './remote-profile';

describe.skipIf(REDIS_MISSING)('profiling a device through its queue workers', () => {
  let redis: TestRedis;
  const workDir = mkdtempSync(join(tmpdir(), 'oqat-remote-profile-'));
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it("measures the device's random subnets on its worker, in order, and registers a predictor fitted on them", async () => {
    const worker = await runQueueWorker({ url: redis.url, name: 'board-1', backend: 'wasm', threads: 1, device: 'board' });
    try {
      const o = { url: redis.url, device: 'board', space: TINY_SPACE, samples: 4, fixedBits: 8 as const, seed: 2, runtime: 'tfjs' as const };
      const seen: string[] = [];
      const samples = await profileOnWorkers({ ...o, onSample: (done, total, _s, w) => seen.push(`${done}/${total} ${w}`) });
      expect(samples.map((s) => s.layers)).toEqual(randomSubnetNetworks(o));
      expect(samples.every((s) => s.device === 'board' && s.latencyMs > 0)).toBe(true);
      expect(seen).toEqual(['1/4 board-1', '2/4 board-1', '3/4 board-1', '4/4 board-1']);
      const { device } = registerDeviceFromSamples({ workDir, name: 'board', samples, space: TINY_SPACE.name, runtime: 'tfjs-wasm' });
      expect(device.name).toBe('board');
    } finally {
      await worker.close();
    }
  });
});

describe('which networks a device profiles', () => {
  it("with a design, the few-shot design's pick among more random subnets; without, the random subnets", () => {
    const o = { url: 'redis://127.0.0.1:1', device: 'board', space: TINY_SPACE, samples: 4, fixedBits: 8 as const, seed: 2, runtime: 'tfjs' as const };
    const sources = defaultPriorSources();
    const candidates = randomSubnetNetworks({ ...o, samples: fewShotDesignCandidates(4) });
    const picked = networksToProfile({ ...o, design: sources });
    expect(picked).toHaveLength(4);
    expect(picked).toEqual(chooseFewShotNetworks(candidates, 4, sources).map((i) => candidates[i]));
    expect(networksToProfile(o)).toEqual(randomSubnetNetworks(o));
  });
});
