import type { LayerDesc } from '../ir/layer-desc';

export const PREDICTOR_FORMAT = 'oqat-latency-predictor';
export const PREDICTOR_VERSION = 1;

export type CostModelKind = 'flops' | 'lut' | 'learned' | 'fewshot';

/**
 * A fitted latency predictor for one device. A query is plain data (the
 * layer IR), never a network object. `estimateMs` does not validate its
 * input (it is the hot path of search); `predictLatency` does.
 */
export interface CostModel {
  readonly kind: CostModelKind;
  readonly device: string;
  /** network latency, ms */
  estimateMs(layers: readonly LayerDesc[]): number;
  /** one layer's share before the network calibration, ms */
  layerMs(layer: LayerDesc): number;
  /** JSON-serialisable form; `predictorFromJson` reads it back */
  toJSON(): PredictorJson;
}

export interface PredictorJsonBase {
  format: typeof PREDICTOR_FORMAT;
  version: typeof PREDICTOR_VERSION;
  kind: CostModelKind;
  device: string;
  /** network latency = constantMs + scale * sum of layers + convertMsPerMelem * precision-boundary Melems */
  constantMs: number;
  scale: number;
  /** ms per million activation elements converted at precision boundaries (predict/precision-boundaries.ts); absent = 0 */
  convertMsPerMelem?: number;
}

export interface FlopsModelJson extends PredictorJsonBase {
  kind: 'flops';
  msPerMmac: number;
}

export interface OpModelJson {
  /** linear prior in ms (networks-only fits): mmacs * MACs/1e6 + mbytes * bytes/1e6 + constant */
  prior?: { mmacs: number; mbytes: number; constant: number };
  /** log-latency correction (or the log latency itself when there is no prior) */
  trees: import('./boosted-trees').BoostedTreesJson;
  /** log-latency correction fitted on network totals after a per-layer fit ('layers' mode with refinement) */
  correction?: import('./boosted-trees').BoostedTreesJson;
}

export interface LearnedModelJson extends PredictorJsonBase {
  kind: 'learned';
  features: string[];
  /** 'layers': fitted on per-layer latencies; 'networks': on network totals only */
  fitMode: 'layers' | 'networks';
  ops: Record<string, OpModelJson>;
  /** for op kinds absent from the training data */
  fallback: OpModelJson;
  /** the fitting configurations tried on a validation split of the training samples, and the one kept */
  selection?: { chosen: string; candidates: Array<{ name: string; validationMape: number; validationWithin10: number }> };
}

export interface LutModelJson extends PredictorJsonBase {
  kind: 'lut';
  fitMode: 'layers' | 'networks';
  /** [layer key, mean ms, std ms, count] */
  entries: Array<[string, number, number, number]>;
  /** unseen keys: this learned model's per-layer estimate */
  fallback: LearnedModelJson;
}

/** A known device whose per-layer latency a few-shot predictor builds on: a simulator by name, or a fitted predictor embedded. */
export type PriorSourceJson = { name: string; simulator: 'xavier' | 'fpga' } | { name: string; predictor: FlopsModelJson | LearnedModelJson | LutModelJson };

/** A device predictor fitted from few samples on top of known devices' per-layer latencies (predict/fit-fewshot.ts). */
export interface FewShotModelJson extends PredictorJsonBase {
  kind: 'fewshot';
  /** op groups, in coefficient order (FEWSHOT_GROUPS) */
  groups: string[];
  /** work features, in coefficient order (FEWSHOT_WORK) */
  work: string[];
  sources: PriorSourceJson[];
  /** [source][group]: ms of this device per ms of the source's layer estimate */
  sourceCoef: number[][];
  /** [work feature][group]: ms per unit of the feature */
  workCoef: number[][];
  /** how it was fitted */
  fit: { samples: number; lambda: number; looRelativeRmse: number; priorWeights: number[]; lambdas: Array<{ lambda: number; looRelativeRmse: number }> };
}

export type PredictorJson = FlopsModelJson | LearnedModelJson | LutModelJson | FewShotModelJson;
