import { describe, expect, it } from 'vitest';
import { toSearchJobInput, validateRunConfig } from '../run-config';

describe('a run config with a queue', () => {
  it('carries a redis URL into the search job and refuses anything else in one line', () => {
    const { config, validation } = validateRunConfig({ kind: 'search', checkpointPath: '/x/supernet.ckpt', queue: 'redis://10.0.0.5:6379' });
    expect(validation.ok).toBe(true);
    expect(toSearchJobInput(config, '/x/supernet.ckpt', '/w').queue).toBe('redis://10.0.0.5:6379');
    expect(toSearchJobInput(validateRunConfig({ kind: 'search', checkpointPath: '/x' }).config, '/x', '/w').queue).toBeUndefined();
    expect(validateRunConfig({ kind: 'search', checkpointPath: '/x', queue: 'http://h:1' }).validation.errors.queue).toBe(
      "--queue 'http://h:1' has scheme 'http', not redis; give redis://HOST:PORT (e.g. redis://127.0.0.1:6379)",
    );
    expect(validateRunConfig({ kind: 'search', checkpointPath: '/x', queue: 6379 as unknown as string }).validation.errors.queue).toMatch(/must be a redis/);
  });
});
