import { describe, expect, it } from 'vitest';
import { parseBitsChain, setPath } from '../screens/config-form';
import { type Route, formatRoute, parseRoute } from './route';

describe('routes', () => {
  it('round-trips every screen through the hash', () => {
    const routes: Route[] = [
      { name: 'runs' }, { name: 'new', kind: 'search', checkpointRunId: 'r 1' }, { name: 'run', runId: '2026-abc' },
      { name: 'search', runId: 'r2', device: 'fpga' }, { name: 'compare', runIds: ['a', 'b'] }, { name: 'export', runId: 'r2', candidateId: 7 },
    ];
    for (const route of routes) expect(parseRoute(formatRoute(route))).toEqual(expect.objectContaining(route));
    expect(parseRoute('')).toEqual({ name: 'runs' });
    expect(parseRoute('#/nowhere')).toEqual({ name: 'runs' });
  });
});

describe('New run form values', () => {
  it('parses bit chains and sets dotted keys', () => {
    expect(parseBitsChain('4,3,2')).toEqual([4, 3, 2]);
    expect(parseBitsChain('4 → 3')).toEqual([4, 3]);
    expect(parseBitsChain('4,x')).toBeUndefined();
    const draft: Record<string, unknown> = {};
    setPath(draft, 'epochs.first', 2);
    setPath(draft, 'epochs.float', 0);
    expect(draft).toEqual({ epochs: { first: 2, float: 0 } });
  });
});
