import { LatencyKeyMissingError } from '../errors';
import type { LayerDesc } from '../ir/layer-desc';
import type { CostModel, LutModelJson } from '../predict/cost-model';
import { LearnedModel } from '../predict/learned-model';
import { NetworkSum } from '../predict/network-sum';
import { LayerKeyBuilder, parseLayerKey } from './layer-key';
import { LayerTable } from './layer-table';

const FALLBACK_CACHE_LIMIT = 1 << 20;

export interface LutEntry {
  meanMs: number;
  stdMs: number;
  n: number;
}

/**
 * Lookup-table predictor (once-for-all's latency tables): one entry per
 * layer key with the mean and spread of its latency; a network is
 * constantMs + scale * the sum of its layers' entries. A key the table lacks
 * falls back to the embedded learned model's estimate for that layer, never
 * to zero; `lookup` is the strict form that throws LatencyKeyMissingError.
 */
export class LutModel implements CostModel {
  readonly kind = 'lut';
  readonly device: string;
  private readonly keys: LayerKeyBuilder;
  private readonly table: LayerTable;
  private readonly byKey = new Map<string, LutEntry>();
  private readonly fallback: LearnedModel;
  private readonly network: NetworkSum;

  constructor(readonly json: LutModelJson) {
    this.device = json.device;
    this.keys = new LayerKeyBuilder(json.device);
    this.fallback = new LearnedModel(json.fallback);
    this.network = new NetworkSum(json, (layer) => this.layerMs(layer));
    this.table = new LayerTable(this.keys, json.entries.length);
    for (const [key, meanMs, stdMs, n] of json.entries) {
      const layer = parseLayerKey(key);
      if (!layer) continue;
      this.byKey.set(key, { meanMs, stdMs, n });
      this.table.set(layer, meanMs);
    }
  }

  get size(): number {
    return this.byKey.size;
  }

  key(layer: LayerDesc): string {
    return this.keys.key(layer);
  }

  /** The table entry of this layer; throws LatencyKeyMissingError when the table lacks it. */
  lookup(layer: LayerDesc): LutEntry {
    const key = this.keys.key(layer);
    const entry = this.byKey.get(key);
    if (!entry) throw new LatencyKeyMissingError(this.device, key);
    return entry;
  }

  /** Whether the table itself (not the fallback) has this layer's key. */
  has(layer: LayerDesc): boolean {
    return this.byKey.has(this.keys.key(layer));
  }

  layerMs(layer: LayerDesc): number {
    let v = this.table.get(layer);
    if (v !== v) {
      // unseen key: the fallback's estimate, kept in the same table so the next lookup is one probe
      v = this.fallback.computeLayerMs(layer);
      if (this.table.size < this.json.entries.length + FALLBACK_CACHE_LIMIT) this.table.set(layer, v);
    }
    return v;
  }

  estimateMs(layers: readonly LayerDesc[]): number {
    return this.network.estimateMs(layers);
  }

  toJSON(): LutModelJson {
    return this.json;
  }
}
