import type { LayerDesc } from '../ir/layer-desc';
import type { CostModel } from '../predict/cost-model';

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
}

/**
 * Network predictions per second of `model` over `networks` (cycled), after
 * one warm pass (which fills per-key caches the way a search over a fixed
 * space does), for at least `minMs`. Timed on this process's CPU time by
 * default: the rate on an idle core, unaffected by other processes sharing
 * the machine ('wall' for elapsed time).
 */
export function measurePredictionRate(
  model: Pick<CostModel, 'estimateMs'>,
  networks: readonly (readonly LayerDesc[])[],
  minMs = 300,
  clock: 'cpu' | 'wall' = 'cpu',
): number {
  const now = clock === 'cpu' ? cpuMs : () => performance.now();
  let sink = 0;
  for (const n of networks) sink += model.estimateMs(n);
  let count = 0;
  const start = now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < networks.length; i++) sink += model.estimateMs(networks[i]!);
    count += networks.length;
    elapsed = now() - start;
  }
  if (!Number.isFinite(sink)) throw new Error('measurePredictionRate: the model returned a non-finite latency');
  return (count / elapsed) * 1e3;
}
