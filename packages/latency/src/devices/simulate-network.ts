import type { LayerDesc } from '../ir/layer-desc';
import { FPGA_PARAMS, type FpgaParams } from './fpga/fpga-params';
import { fpgaLayerMs, fpgaNetworkOverheadMs } from './fpga/fpga-simulator';
import { XAVIER_PARAMS, type XavierParams } from './xavier/xavier-params';
import { xavierLayerMs, xavierNetworkOverheadMs } from './xavier/xavier-simulator';

export type SimulatedDevice = 'xavier' | 'fpga';

export interface SimulatorParams {
  xavier?: Partial<XavierParams>;
  fpga?: Partial<FpgaParams>;
}

export interface SimulatedLatency {
  latencyMs: number;
  layerLatencyMs: number[];
}

/** Network latency on a simulated device: per-network overhead + the sum of its layers. */
export function simulateNetwork(device: SimulatedDevice, layers: readonly LayerDesc[], params: SimulatorParams = {}): SimulatedLatency {
  let layerLatencyMs: number[];
  let overheadMs: number;
  if (device === 'xavier') {
    const p = { ...XAVIER_PARAMS, ...params.xavier };
    layerLatencyMs = layers.map((l) => xavierLayerMs(l, p));
    overheadMs = xavierNetworkOverheadMs(p);
  } else {
    const p = { ...FPGA_PARAMS, ...params.fpga };
    layerLatencyMs = layers.map((l) => fpgaLayerMs(l, p));
    overheadMs = fpgaNetworkOverheadMs(p);
  }
  return { latencyMs: overheadMs + layerLatencyMs.reduce((a, b) => a + b, 0), layerLatencyMs };
}
