import type { FormatName } from '../formats/number-format';

/** The deployment presets, one per backend (`oqat train --preset NAME`). */
export const PRESET_NAMES = ['tensorrt', 'onnxruntime', 'vitis', 'openvino', 'fpga-esb'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** How a backend's integer kernels read one kind of tensor (MQBench's QuantizeScheme). */
export interface TensorScheme {
  /** one step per output channel, or one per tensor */
  granularity: 'per-channel' | 'per-tensor';
  /** zero point 0 (symmetric) or an integer zero point (asymmetric) */
  symmetric: boolean;
  /** the step: any float, or a power of two (rescaling by shifts) */
  scale: 'float' | 'pow2';
}

/** How the backend reads activations: its scheme, and whether it keeps a sign bit after ReLU. */
export interface ActivationScheme extends TensorScheme {
  /**
   * 'always': signed codes even after ReLU (a symmetric int8 backend wastes
   * that bit, as MQBench says); 'by-data': unsigned codes [0, 2^b-1] where
   * the input is non-negative (after ReLU), signed elsewhere.
   */
  signed: 'always' | 'by-data';
}

/**
 * What one deployment backend demands of a quantized network, the one owner
 * of that data: training applies it to every layer's quantizers (search's
 * quantizer factory), the export refuses what it forbids.
 */
export interface DeploymentPreset {
  readonly name: PresetName;
  /** the runtime and the hardware it runs on */
  readonly target: string;
  readonly weights: TensorScheme;
  readonly activations: ActivationScheme;
  /** the weight number formats the backend computes with; a uniform quantizer trains `pow2` steps where weights.scale is 'pow2' */
  readonly formats: readonly FormatName[];
  /** the export formats the backend reads (names of @oqat/export's formats) */
  readonly exportFormats: readonly ('onnx' | 'packed' | 'tfjs')[];
  /** the widths its integer kernels run natively; narrower ones run in those kernels with fewer levels (MQBench's 4-bit track simulates them so) */
  readonly nativeBits: readonly number[];
  /** the latency device of @oqat/latency that stands for it in the tables (undefined: none here) */
  readonly device?: 'cpu' | 'cpu-ort' | 'xavier' | 'fpga';
  /** the MQBench row it follows, and where this preset differs (Li et al. 2021, MQBench's hardware table and prepare_by_platform) */
  readonly mqbench: string;
  /**
   * The backend runs the integer graph (@oqat/export's `--onnx integer`), which requantizes inside the blocks
   * (residual adds, squeeze-excite, h-sigmoid/h-swish tables, int32 biases; integer-requant.ts): training and
   * evaluation under the preset fake-quantize the same points on the same ranges (search's supernet/integer-requant.ts).
   */
  readonly integerRequant?: boolean;
  /** what the backend demands that neither training nor the export enforces yet */
  readonly notEnforced: readonly string[];
}
