import { InvalidQuantOptionError } from '../errors';
import { PRESET_NAMES, type DeploymentPreset, type PresetName } from './deployment-preset';

// Each backend's constraints, from MQBench (Li et al. 2021): the paper's
// hardware table (s form, granularity, symmetry, graph, BN folding) and its
// code's per-backend schemes (prepare_by_platform's ParamsTable).

const tensorrt: DeploymentPreset = {
  name: 'tensorrt',
  target: 'TensorRT (NVIDIA GPU)',
  weights: { granularity: 'per-channel', symmetric: true, scale: 'float' },
  activations: { granularity: 'per-tensor', symmetric: true, scale: 'float', signed: 'always' },
  formats: ['uniform', 'pow2'],
  exportFormats: ['onnx'],
  nativeBits: [8],
  device: 'xavier',
  mqbench:
    "MQBench's TensorRT row: float scales, per-channel symmetric weights, per-tensor symmetric activations (signed int8 even after ReLU), BN folded. Same here, except BN (see notEnforced).",
  notEnforced: [
    "weights' narrow range [-127, 127]: the codes reach -2^(b-1)",
    "MQBench's graph 2 (TensorRT also quantizes the residual adds and pooling): only conv and linear inputs and weights are quantized",
    "BN folded before quantization: training quantizes the conv weight and applies BN after it; the export folds BN into per-channel scales step·|γ/σ|, which the backend's per-channel float scales hold exactly, so the export computes what training did",
    'zero points of 0: the ONNX writer gives a channel with a negative BN multiplier and the code -2^(b-1) a weight zero point of -1',
  ],
};

const onnxruntime: DeploymentPreset = {
  name: 'onnxruntime',
  target: 'onnxruntime (x86 / ARM CPU)',
  weights: { granularity: 'per-channel', symmetric: true, scale: 'float' },
  activations: { granularity: 'per-tensor', symmetric: false, scale: 'float', signed: 'by-data' },
  formats: ['uniform', 'pow2'],
  exportFormats: ['onnx'],
  nativeBits: [8],
  device: 'cpu-ort',
  mqbench:
    "No onnxruntime row in MQBench; onnxruntime's own static quantization (int8 symmetric per-channel weights, uint8 asymmetric activations), close to MQBench's FBGEMM row (x86 CPU, per-channel) but with symmetric weights. Activations train on a fixed zero point: 0 after ReLU (unsigned codes), 2^(b-1) elsewhere (signed codes, the same uint8 values).",
  integerRequant: true,
  notEnforced: [
    'learned zero points: an activation zero point is 0 or 2^(b-1), not fitted to the data',
    "the integer graph's float rescalings to the last bit (QLinearAdd, QLinearMul, QLinearGlobalAveragePool round once from float products; training rounds at the same points in its own float order) and relu6's finer input grid",
    "the QDQ export (`--onnx qdq`) computes the b-bit network (float adds, squeeze-excite, h-swish, biases), not the requantizations the preset trains: export `--onnx integer`",
  ],
};

const vitis: DeploymentPreset = {
  name: 'vitis',
  target: 'Vitis AI (Xilinx FPGA DPU)',
  weights: { granularity: 'per-tensor', symmetric: true, scale: 'pow2' },
  activations: { granularity: 'per-tensor', symmetric: true, scale: 'pow2', signed: 'always' },
  formats: ['pow2'],
  exportFormats: ['onnx'],
  nativeBits: [8],
  device: 'fpga',
  mqbench:
    "MQBench's Vitis backend (prepare_by_platform; the paper's table has TVM as its power-of-two row): per-tensor symmetric power-of-two scales for weights and activations. Here the steps are learned with LSQ's gradient and rounded to a power of two (MQBench: TQT), and the latency device is this project's bit-flexible FPGA model, not a DPU.",
  notEnforced: [
    'BN folded before quantization: the export folds BN into per-channel scales step·|γ/σ|, which are neither per tensor nor powers of two, so a vitis subnet is refused at export',
    "power-of-two 8-bit biases (MQBench's Vitis bias quantizer): biases stay float",
    "TQT's gradient (through log2 of the threshold): the step learns LSQ's gradient, straight through the rounding",
  ],
};

const openvino: DeploymentPreset = {
  name: 'openvino',
  target: 'OpenVINO (Intel CPU)',
  weights: { granularity: 'per-channel', symmetric: true, scale: 'float' },
  activations: { granularity: 'per-tensor', symmetric: true, scale: 'float', signed: 'always' },
  formats: ['uniform', 'pow2'],
  exportFormats: ['onnx'],
  nativeBits: [8],
  mqbench:
    "MQBench's OPENVINO backend (prepare_by_platform; not in the paper's table): the same schemes as TensorRT, per-channel symmetric weights and per-tensor symmetric activations. No OpenVINO runtime here, so no latency device.",
  notEnforced: [...tensorrt.notEnforced.filter((n) => !n.startsWith("MQBench's graph 2"))],
};

const fpgaEsb: DeploymentPreset = {
  name: 'fpga-esb',
  target: "this project's FPGA accelerator (ESB multipliers)",
  weights: { granularity: 'per-tensor', symmetric: true, scale: 'float' },
  activations: { granularity: 'per-tensor', symmetric: true, scale: 'float', signed: 'by-data' },
  formats: ['esb', 'uniform', 'pow2'],
  exportFormats: ['packed'],
  nativeBits: [2, 3, 4, 5, 6, 7, 8],
  device: 'fpga',
  mqbench:
    "Not in MQBench: the ESB seed's accelerator, whose multipliers cost by significant bits. Per-tensor weights (one α or step per layer) in elastic significant bits; uniform codes are ESB values with every bit significant, so lsq and pow2 run on it too. BN stays a per-channel affine after the MAC array (the packed format).",
  notEnforced: ["one significant-bit count k for every elastic layer (the run's esb setting), not one per layer"],
};

/** The only name -> preset table. */
const PRESETS: Record<PresetName, DeploymentPreset> = { tensorrt, onnxruntime, vitis, openvino, 'fpga-esb': fpgaEsb };

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

/** The preset of a name; InvalidQuantOptionError for an unknown one. */
export function getPreset(name: string): DeploymentPreset {
  if (!isPresetName(name)) throw new InvalidQuantOptionError('preset', 'name', name, PRESET_NAMES.join(', '));
  return PRESETS[name];
}

/** One line: what a preset fixes ('per-channel symmetric float-step weights; per-tensor symmetric activations, signed always'). */
export function presetSummary(p: DeploymentPreset): string {
  const w = p.weights;
  const a = p.activations;
  const scheme = (s: { granularity: string; symmetric: boolean; scale: string }): string =>
    `${s.granularity} ${s.symmetric ? 'symmetric' : 'asymmetric'} ${s.scale === 'pow2' ? 'power-of-two' : 'float'}-step`;
  return `${p.target}: ${scheme(w)} weights (${p.formats.join('/')}), ${scheme(a)} activations (${a.signed === 'always' ? 'signed even after ReLU' : 'unsigned after ReLU'}); exports ${p.exportFormats.join(', ')}`;
}
