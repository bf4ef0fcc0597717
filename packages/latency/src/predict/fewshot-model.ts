import { fpgaLayerMs } from '../devices/fpga/fpga-simulator';
import { xavierLayerMs } from '../devices/xavier/xavier-simulator';
import { PredictorFormatError } from '../errors';
import type { LayerDesc } from '../ir/layer-desc';
import { layerFigures } from '../ir/layer-figures';
import { LayerKeyBuilder } from '../lut/layer-key';
import { LayerTable } from '../lut/layer-table';
import type { CostModel, FewShotModelJson, PriorSourceJson } from './cost-model';
import { NetworkSum } from './network-sum';
import { predictorFromJson } from './predictor-json';

/**
 * Op groups of the few-shot predictor: each group gets its own coefficient
 * per prior source and per work feature ("shared per-layer-type features"),
 * few enough to fit from about ten networks with shrinkage.
 */
export const FEWSHOT_GROUPS = ['conv', 'dwconv', 'se', 'add', 'other'] as const;

export function fewShotGroup(op: string): number {
  const g = (FEWSHOT_GROUPS as readonly string[]).indexOf(op);
  return g >= 0 ? g : FEWSHOT_GROUPS.length - 1;
}

/**
 * Per-layer work features a device's few-shot fit may use beside its prior
 * sources: millions of MACs (plus element-wise ops), millions of bit
 * operations (MACs·w·a/64 for quantized layers, MACs for float ones, so a
 * device whose cost follows bit widths can be told apart), megabytes moved
 * (weights and activations at the layer's bits), and one per layer (a
 * launch cost).
 */
export const FEWSHOT_WORK = ['mmacs', 'mbitops', 'mbytes', 'layers'] as const;

export function layerWorkFeatures(layer: LayerDesc, out: Float64Array = new Float64Array(FEWSHOT_WORK.length)): Float64Array {
  const f = layerFigures(layer);
  out[0] = (f.macs + f.elementOps) / 1e6;
  out[1] = (f.bitOps + f.elementOps) / 1e6;
  out[2] = (f.inputBytes + f.outputBytes + f.weightBytes) / 1e6;
  out[3] = 1;
  return out;
}

/** A known device's per-layer latency, the raw material of a new device's prior. */
export interface PriorSource {
  readonly json: PriorSourceJson;
  layerMs(layer: LayerDesc): number;
}

/** The prior source a JSON entry names: a simulator (by name) or an embedded fitted predictor. */
export function priorSource(json: PriorSourceJson): PriorSource {
  if ('simulator' in json) {
    if (json.simulator === 'xavier') return { json, layerMs: (l) => xavierLayerMs(l) };
    if (json.simulator === 'fpga') return { json, layerMs: (l) => fpgaLayerMs(l) };
    throw new PredictorFormatError(`prior source '${json.name}' names an unknown simulator ${JSON.stringify(json.simulator)}`);
  }
  if (!json.predictor || typeof json.predictor !== 'object') throw new PredictorFormatError(`prior source '${json.name}' has neither a simulator nor a predictor`);
  if ((json.predictor as { kind?: string }).kind === 'fewshot') throw new PredictorFormatError(`prior source '${json.name}' is itself a few-shot predictor; priors are simulators and fitted predictors`);
  const model: CostModel = predictorFromJson(json.predictor);
  return { json, layerMs: (l) => model.layerMs(l) };
}

const CACHE_LIMIT = 1 << 20;

/**
 * The few-shot device predictor (predict/fit-fewshot.ts fits it): a network
 * is constantMs + the sum over its layers of
 *   sum_s sourceCoef[s][group] · source_s.layerMs(layer) + sum_f workCoef[f][group] · work_f(layer)
 * + convertMsPerMelem · precision-boundary Melems.
 * Linear in per-layer terms, so `layerMs` is each layer's exact share.
 */
export class FewShotModel implements CostModel {
  readonly kind = 'fewshot';
  readonly device: string;
  private readonly sources: PriorSource[];
  private readonly cache: LayerTable;
  private readonly compute: (layer: LayerDesc) => number;
  private readonly keys: LayerKeyBuilder;
  private readonly network: NetworkSum;
  private readonly work = new Float64Array(FEWSHOT_WORK.length);

  constructor(readonly json: FewShotModelJson) {
    this.device = json.device;
    this.sources = json.sources.map(priorSource);
    // keyed at the exact bits (a registered device's name is unknown to effectiveBits, which then keeps them)
    this.keys = new LayerKeyBuilder(json.device);
    this.cache = new LayerTable(this.keys);
    this.compute = (layer) => this.computeLayerMs(layer);
    this.network = new NetworkSum(json, (layer) => this.layerMs(layer));
  }

  computeLayerMs(layer: LayerDesc): number {
    const g = fewShotGroup(layer.op);
    let ms = 0;
    for (let s = 0; s < this.sources.length; s++) {
      const c = this.json.sourceCoef[s]![g]!;
      if (c !== 0) ms += c * this.sources[s]!.layerMs(layer);
    }
    layerWorkFeatures(layer, this.work);
    for (let f = 0; f < FEWSHOT_WORK.length; f++) ms += this.json.workCoef[f]![g]! * this.work[f]!;
    return ms;
  }

  layerMs(layer: LayerDesc): number {
    // the layer key does not hold ESB's significant bits, which the fpga source prices
    if (layer.weightSignificantBits !== undefined || layer.inputSignificantBits !== undefined) return this.computeLayerMs(layer);
    return this.cache.getOrCompute(layer, this.compute, CACHE_LIMIT);
  }

  estimateMs(layers: readonly LayerDesc[]): number {
    return this.network.estimateMs(layers);
  }

  toJSON(): FewShotModelJson {
    return this.json;
  }
}
