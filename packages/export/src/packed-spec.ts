import type { Normalization } from '@oqat/data';
import type { SubnetSpec } from '@oqat/latency';
import type { StaticMobileNetConfig, StaticSegmentationNetConfig } from '@oqat/search';
import type { ExportActivation, ExportTask, ResampleNode } from './export-graph';

export const PACKED_SPEC_FILE = 'model.packed.json';
export const PACKED_WEIGHTS_FILE = 'model.packed.bin';
export const PACKED_FORMAT_VERSION = 1;

/** Where a tensor lives in the weights file. */
export interface PackedTensorRef {
  /** byte offset in the weights file */
  offset: number;
  /** bytes it occupies: ceil(count·bits/8) for packed integers, 4·count for float32 */
  bytes: number;
  /** element count */
  count: number;
  /** 'int<b>' / 'uint<b>': b-bit two's complement / unsigned codes, packed; 'float32': little-endian floats */
  dtype: string;
}

/** Uniform quantization of a tensor: x̂ = (code − zeroPoint)·step, codes in [−2^(b−1), 2^(b−1)−1] (signed) or [0, 2^b−1]. */
export interface PackedQuant {
  bits: number;
  signed: boolean;
  step: number;
  zeroPoint: 0;
  /** per output channel: code i of the tensor (tfjs layout, channel last: i % channels) is dequantized with channelSteps[i % channels]; overrides step */
  channelSteps?: number[];
  /** 'esb' (elastic significant bits): codes are unsigned b-bit sign-magnitude ESB codes, sign·level(code)·step (see esb-export.ts); absent: uniform */
  format?: 'esb' | 'abfp';
  /** esb: k */
  significantBits?: number;
  /** 'abfp' (adaptive block floating point): blocks of blockSize consecutive values (tfjs layout) share a power-of-two exponent; absent: uniform */
  /** abfp: absent = the format's default, 16 */
  blockSize?: number;
  /** abfp weights: int8 exponents, one per block; code i dequantizes to code·step·2^exponents[⌊i/blockSize⌋] (inputs: exponents computed at run time from each block's max |x|, 2^e·Qp ≥ max) */
  exponents?: PackedTensorRef;
}

export interface PackedWeight extends PackedTensorRef {
  /** tfjs layout: conv [kH, kW, in, out] ('HWIO'), depthwise [kH, kW, C, 1] ('HWC1'), fully connected [in, out] ('IO') */
  shape: number[];
  layout: 'HWIO' | 'HWC1' | 'IO';
  /** absent: float32 weights */
  quant?: PackedQuant;
}

interface PackedOpBase {
  name: string;
  output: string;
}

/**
 * A conv with BN folded: y = conv(q_in(x), code·step)·outputScale[c] + bias[c]
 * (TF 'SAME' padding: pad total max((ceil(in/s)−1)·s + k − in, 0), the extra one after).
 */
export interface PackedConv extends PackedOpBase {
  kind: 'conv';
  input: string;
  depthwise: boolean;
  kernel: number;
  stride: number;
  inC: number;
  outC: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  weight: PackedWeight;
  /** quantization of the input activation; absent: float input */
  inputQuant?: PackedQuant;
  /** folded BN multiplier γ/√(σ²+ε), float32 per output channel */
  outputScale: PackedTensorRef;
  /** folded BN shift β − μ·γ/√(σ²+ε), float32 per output channel */
  bias: PackedTensorRef;
}

/** y = q_in(x)·(code·step) + bias; with `pixels`, at every pixel of an NHWC map of that size (a 1x1 conv with bias). */
export interface PackedLinear extends PackedOpBase {
  kind: 'linear';
  input: string;
  inF: number;
  outF: number;
  pixels?: { h: number; w: number };
  weight: PackedWeight;
  inputQuant?: PackedQuant;
  bias: PackedTensorRef;
}

/** A ResampleNode with its row and column weights (float32, row-major) in the weights file. */
export interface PackedResample extends Omit<ResampleNode, 'rows' | 'cols'> {
  rows: PackedTensorRef;
  cols: PackedTensorRef;
}

export type PackedOp =
  | PackedConv
  | PackedLinear
  | PackedResample
  | (PackedOpBase & { kind: 'mul'; inputs: [string, string] })
  | (PackedOpBase & { kind: 'activation'; fn: ExportActivation; input: string })
  | (PackedOpBase & { kind: 'global-avg-pool'; input: string; channels: number })
  | (PackedOpBase & { kind: 'add'; inputs: [string, string] })
  | (PackedOpBase & { kind: 'channel-mul'; input: string; gate: string; channels: number })
  | (PackedOpBase & { kind: 'resize'; input: string; size: number });

/** The JSON half of the packed format: every op in execution order, with its quantization and where its tensors are. */
export interface PackedSpec {
  format: 'oqat-packed';
  version: typeof PACKED_FORMAT_VERSION;
  weightsFile: string;
  weightsBytes: number;
  /** how b-bit codes are laid out in the weights file */
  bitOrder: string;
  activations: Record<ExportActivation, string>;
  /** what the model computes: class logits [N, classes], or per-pixel logits [N, H, W, classes] (segmentation); always written, absent in files of older versions (classification) */
  task?: ExportTask;
  /** size: segmentation only, the fixed [height, width] of the input images (and of the output) */
  input: { name: string; layout: 'NHWC'; channels: number; resolution: number; size?: [number, number]; resize: string; normalization?: Normalization };
  output: { name: string; classes: number };
  subnet?: SubnetSpec;
  spaceName?: string;
  /** parameter count and the bits they take */
  params: { total: number; quantized: number; float: number; weightBits: number };
  ops: PackedOp[];
  /** the static network's own config (structure and frozen steps), for provenance */
  network: StaticMobileNetConfig | StaticSegmentationNetConfig;
}
