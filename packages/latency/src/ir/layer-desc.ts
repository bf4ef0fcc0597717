/**
 * The layer IR: the contract between search (which lowers subnets to it),
 * latency (which reads nothing else) and export. See docs/architecture.md.
 */
export const OPS = ['conv', 'dwconv', 'fc', 'avgpool', 'maxpool', 'add', 'mul', 'upsample', 'concat', 'se', 'activation'] as const;
export const ACTIVATIONS = ['relu', 'relu6', 'hswish', 'hsigmoid', 'sigmoid', 'none'] as const;

export type Op =
  | 'conv'
  | 'dwconv'
  | 'fc'
  | 'avgpool'
  | 'maxpool'
  | 'add'
  | 'mul'
  | 'upsample'
  | 'concat'
  | 'se'
  | 'activation';

export type Activation = 'relu' | 'relu6' | 'hswish' | 'hsigmoid' | 'sigmoid' | 'none';

export interface LayerDesc {
  op: Op;
  /** input feature map */
  inH: number;
  inW: number;
  inC: number;
  /** output channels */
  outC: number;
  /** 1 where not applicable */
  kernel: number;
  stride: number;
  groups: number;
  /** derived from inH/inW, kernel and stride ('same' padding) when absent */
  outH?: number;
  outW?: number;
  act?: Activation;
  /** 32 = float */
  wBits: number;
  aBits: number;
  /**
   * ESB codes (elastic significant bits, Gong et al., IEEE TPDS 2022): each
   * weight is a sign and a wBits-1-bit magnitude with at most this many
   * significant bits (k; wBits - 1 is the uniform grid). Absent: uniform
   * codes. Only the fpga simulator reads it (its multipliers cost by
   * significant bits, devices/fpga); the other models price wBits alone.
   */
  weightSignificantBits?: number;
  /** The same for the input activations (unsigned: aBits magnitude bits, k = aBits is uniform). */
  inputSignificantBits?: number;
  /**
   * The supernet layer it lowers (e.g. 'stages.1.0.dw'), where it is one:
   * joins a layer's predicted latency and bits to the subnet's blocks.
   * Latency models ignore it.
   */
  name?: string;
}

/** One measured (or simulated) network: the exchange format of `oqat latency fit`. */
export interface LatencySample {
  layers: LayerDesc[];
  latencyMs: number;
  device: string;
  /**
   * Optional per-layer latencies (same order as `layers`), when the producer
   * timed layers on their own (the profiler and the simulators write them).
   * Lookup tables are built from them; without them predictors are fitted
   * from network totals alone.
   */
  layerLatencyMs?: number[];
}
