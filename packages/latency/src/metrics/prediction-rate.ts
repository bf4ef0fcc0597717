import type { LayerDesc } from '../ir/layer-desc';
import type { CostModel } from '../predict/cost-model';

/**
 * Network predictions per second of `model` over `networks` (cycled), timed
 * for at least `minMs` after one warm pass (which fills per-key caches the
 * way a search over a fixed space does).
 */
export function measurePredictionRate(model: Pick<CostModel, 'estimateMs'>, networks: readonly (readonly LayerDesc[])[], minMs = 300): number {
  let sink = 0;
  for (const n of networks) sink += model.estimateMs(n);
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < networks.length; i++) sink += model.estimateMs(networks[i]!);
    count += networks.length;
    elapsed = performance.now() - start;
  }
  if (!Number.isFinite(sink)) throw new Error('measurePredictionRate: the model returned a non-finite latency');
  return (count / elapsed) * 1e3;
}
