import type { LayerDesc, LatencySample } from '../ir/layer-desc';
import { layerMacs } from '../ir/layer-figures';
import { PREDICTOR_FORMAT, PREDICTOR_VERSION, type CostModel, type FlopsModelJson } from './cost-model';
import { nnls } from './nnls';

/** The baseline: latency proportional to MACs, plus a constant. */
export class FlopsModel implements CostModel {
  readonly kind = 'flops';
  constructor(
    readonly device: string,
    readonly msPerMmac: number,
    readonly constantMs: number,
  ) {}

  layerMs(layer: LayerDesc): number {
    return (layerMacs(layer) / 1e6) * this.msPerMmac;
  }

  estimateMs(layers: readonly LayerDesc[]): number {
    let macs = 0;
    for (const l of layers) macs += layerMacs(l);
    return this.constantMs + (macs / 1e6) * this.msPerMmac;
  }

  toJSON(): FlopsModelJson {
    return { format: PREDICTOR_FORMAT, version: PREDICTOR_VERSION, kind: 'flops', device: this.device, constantMs: this.constantMs, scale: 1, msPerMmac: this.msPerMmac };
  }

  static fromJSON(json: FlopsModelJson): FlopsModel {
    return new FlopsModel(json.device, json.msPerMmac, json.constantMs);
  }
}

/** Fits `constant + a * MACs` by relative least squares (a, constant >= 0). */
export function fitFlopsModel(samples: readonly LatencySample[]): FlopsModel {
  const rows = samples.map((s) => Float64Array.of(1, s.layers.reduce((a, l) => a + layerMacs(l), 0) / 1e6));
  const y = Float64Array.from(samples, (s) => s.latencyMs);
  const w = Float64Array.from(samples, (s) => 1 / s.latencyMs ** 2);
  const [c, a] = nnls(rows, y, w);
  return new FlopsModel(samples[0]?.device ?? 'unknown', a!, c!);
}
