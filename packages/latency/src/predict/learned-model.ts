import type { LayerDesc } from '../ir/layer-desc';
import { LayerKeyBuilder } from '../lut/layer-key';
import { LayerTable } from '../lut/layer-table';
import { predictBoosted } from './boosted-trees';
import type { CostModel, LearnedModelJson, OpModelJson } from './cost-model';
import { FEATURE_COUNT, layerFeatures, layerWork } from './layer-features';
import { NetworkSum } from './network-sum';

/** Smallest layer latency a prior may give (ms): latency is never zero. */
export const MIN_LAYER_MS = 1e-6;
const CACHE_LIMIT = 1 << 20;

/** A layer's log-latency under one op model. */
export function opModelLogMs(model: OpModelJson, layer: LayerDesc, device: string, features: Float64Array): number {
  let log = predictBoosted(model.trees, features);
  if (model.correction) log += predictBoosted(model.correction, features);
  if (model.prior) {
    const { mmacs, mbytes } = layerWork(layer, device);
    const p = model.prior;
    log += Math.log(Math.max(MIN_LAYER_MS, p.mmacs * mmacs + p.mbytes * mbytes + p.constant));
  }
  return log;
}

/**
 * Learned predictor: per op kind, gradient-boosted trees on layer features
 * give a layer's log-latency; a network is constantMs + scale * the sum of
 * its layers (nn-Meter's per-kernel sum) + the cost of converting
 * activations where the precision changes between layers. Layer estimates are cached per
 * lookup key, so a search over a fixed space costs a hash and a map read
 * per layer.
 */
export class LearnedModel implements CostModel {
  readonly kind = 'learned';
  readonly device: string;
  private readonly cache: LayerTable;
  private readonly compute: (layer: LayerDesc) => number;
  private readonly features = new Float64Array(FEATURE_COUNT);
  private readonly network: NetworkSum;

  constructor(readonly json: LearnedModelJson) {
    this.device = json.device;
    this.cache = new LayerTable(new LayerKeyBuilder(json.device));
    this.compute = (layer) => this.computeLayerMs(layer);
    this.network = new NetworkSum(json, (layer) => this.layerMs(layer));
  }

  /** Uncached estimate (the cache stores exactly this). */
  computeLayerMs(layer: LayerDesc): number {
    layerFeatures(layer, this.device, this.features);
    const model = this.json.ops[layer.op] ?? this.json.fallback;
    return Math.max(MIN_LAYER_MS, Math.exp(opModelLogMs(model, layer, this.device, this.features)));
  }

  layerMs(layer: LayerDesc): number {
    return this.cache.getOrCompute(layer, this.compute, CACHE_LIMIT);
  }

  estimateMs(layers: readonly LayerDesc[]): number {
    return this.network.estimateMs(layers);
  }

  toJSON(): LearnedModelJson {
    return this.json;
  }
}
