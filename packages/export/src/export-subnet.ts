import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Normalization } from '@oqat/data';
import type { SubnetSpec } from '@oqat/latency';
import { encodeModel } from '@oqat/onnx';
import { INPUT_NORMALIZATION, type StaticNetwork, subnetKey } from '@oqat/search';
import { buildExportGraph } from './build-export-graph';
import { assertOnnxModel } from './check-onnx-model';
import { SubnetMismatchError, UnknownExportFormatError } from './errors';
import { layerBits, resampleValues, weightNodes, type ExportGraph, type ExportLayerBits, type ExportTask } from './export-graph';
import { integerGraph } from './onnx-integer-graph';
import { ONNX_INTEGER_OPSET, onnxIntegerModel } from './onnx-integer-model';
import { ONNX_MODEL_FILE, onnxModel } from './onnx-model';
import { refuseAbfpOutsidePacked } from './abfp-export';
import { esbForOnnx } from './esb-export';
import { packedModel, type PackedModel } from './packed-model';
import { PACKED_SPEC_FILE, PACKED_WEIGHTS_FILE } from './packed-spec';
import { TFJS_MODEL_FILE, TFJS_WEIGHTS_FILE, tfjsGraphModel } from './tfjs-graph-model';
import { utf8Bytes, writeExportFile, type ExportedFile } from './write-export-file';

export type ExportFormat = 'tfjs' | 'onnx' | 'packed';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['tfjs', 'onnx', 'packed'];
export const EXPORT_MANIFEST_FILE = 'export-manifest.json';

/**
 * The ONNX file's form: 'qdq' (int8 containers, float biases in separate
 * Adds: onnxruntime computes exactly the app's arithmetic, in float kernels),
 * 'qdq-int4' (the same with INT4/UINT4 containers for tensors of <= 4 bits,
 * opset 21), 'integer' (the graph onnxruntime fuses into integer kernels:
 * int32 biases, 8-bit requantization after every layer; see integerGraph).
 */
export type OnnxMode = 'qdq' | 'qdq-int4' | 'integer';
export const ONNX_MODES: readonly OnnxMode[] = ['qdq', 'qdq-int4', 'integer'];

export interface ExportOptions {
  /** the static network of `spec` (@oqat/search's staticSubnet extracts it from a trained supernet); the caller disposes it */
  net: StaticNetwork;
  spec: SubnetSpec;
  formats: readonly ExportFormat[];
  /** created if missing; files of the same names are overwritten */
  outDir: string;
  /** input scaling the model expects, recorded in the files; default INPUT_NORMALIZATION */
  normalization?: Normalization;
  /** ONNX with INT4/UINT4 containers for tensors of <= 4 bits (opset 21); default int8 containers, opset 13 */
  onnxInt4?: boolean;
  /** the ONNX file's form (default 'qdq', or 'qdq-int4' with onnxInt4) */
  onnxMode?: OnnxMode;
  /**
   * Segmentation only (required there): the [height, width] of the images
   * the model will segment; its output has the same size. The upsampling
   * weights depend on it, so the exported models take this size only.
   */
  imageSize?: readonly [number, number];
}

export interface ExportFigures {
  /** parameters of the BN-folded float network (weights and biases) */
  params: number;
  /** those parameters as float32, plus a segmentation model's float32 upsampling weights (resampleBytes) */
  floatBytes: number;
  /** of floatBytes and of packedWeightsBytes, the upsampling weights of a segmentation head (0 for classification) */
  resampleBytes: number;
  /** the packed weights file: Σ ceil(n·b/8) for integer tensors + 4 bytes per float value (upsampling weights included) */
  packedWeightsBytes: number;
  /** of packedWeightsBytes, the float32 values (BN-folded multipliers and biases, float layers) */
  packedFloatBytes: number;
  /** the packed format's JSON spec (its header) */
  packedSpecBytes: number;
  /** floatBytes / packedWeightsBytes */
  compression: number;
}

export interface ExportManifest {
  format: 'oqat-export';
  version: 1;
  subnet: SubnetSpec;
  subnetKey: string;
  spaceName?: string;
  /** classification: logits [N, classes]; segmentation: per-pixel logits at the input's size (NHWC in tfjs and packed, NCHW in ONNX) */
  task: ExportTask;
  classes: number;
  input: {
    channels: number;
    /** the subnet's resolution; the models accept any size and resize to it (segmentation: images of `size` only) */
    resolution: number;
    /** segmentation: the fixed [height, width] of input images and output logits */
    size?: [number, number];
    normalization: Normalization;
    layout: { tfjs: 'NHWC'; onnx: 'NCHW'; packed: 'NHWC' };
  };
  formats: ExportFormat[];
  onnx?: { opset: number; int4: boolean; mode?: OnnxMode };
  /** each weight layer's weight and input bits, in execution order (a mixed subnet's differ per layer) */
  layerBits: ExportLayerBits[];
  files: ExportedFile[];
  figures: ExportFigures;
}

function checkFormats(formats: readonly string[]): ExportFormat[] {
  for (const f of formats) if (!EXPORT_FORMATS.includes(f as ExportFormat)) throw new UnknownExportFormatError(f, EXPORT_FORMATS);
  return EXPORT_FORMATS.filter((f) => formats.includes(f));
}

/** The network extracted for another subnet than the spec names is refused. */
function checkSubnet(net: StaticNetwork, spec: SubnetSpec): void {
  const extracted = net.config.subnet;
  if (extracted && subnetKey(extracted) !== subnetKey(spec)) throw new SubnetMismatchError(subnetKey(spec), subnetKey(extracted));
}

function figures(graph: ExportGraph, packed: PackedModel, packedSpecBytes: number): ExportFigures {
  const params = weightNodes(graph).reduce((a, n) => a + n.weight.values.length + n.bias.length, 0);
  const packedWeightsBytes = packed.weights.length;
  const resampleBytes = 4 * resampleValues(graph);
  const floatBytes = 4 * params + resampleBytes;
  return {
    params, floatBytes, resampleBytes, packedWeightsBytes, packedFloatBytes: 4 * packed.spec.params.float, packedSpecBytes,
    compression: floatBytes / packedWeightsBytes,
  };
}

/**
 * Exports one subnet's static network (classification or segmentation) in
 * each requested format, writes the files and an export-manifest.json into outDir, and returns the manifest
 * (files with size and SHA-256; float and packed sizes). The ONNX model
 * passes checkOnnxModel before it is written.
 */
export async function exportSubnet(options: ExportOptions): Promise<ExportManifest> {
  const formats = checkFormats(options.formats);
  const normalization = options.normalization ?? INPUT_NORMALIZATION;
  checkSubnet(options.net, options.spec);
  const graph = buildExportGraph(options.net, options.imageSize);
  refuseAbfpOutsidePacked(graph, formats);
  const spec = options.spec;
  const bits = layerBits(graph);
  const metadata = {
    subnet: JSON.stringify(spec),
    normalization: JSON.stringify({ mean: normalization.mean, std: normalization.std }),
    ...(graph.config.spaceName ? { space: graph.config.spaceName } : {}),
  };
  mkdirSync(options.outDir, { recursive: true });
  const files: ExportedFile[] = [];
  const write = (name: string, bytes: Uint8Array, format: ExportFormat, kind: ExportedFile['kind']): void => {
    files.push(writeExportFile(options.outDir, name, bytes, format, kind));
  };
  const onnxMode = options.onnxMode ?? (options.onnxInt4 ? 'qdq-int4' : 'qdq');
  if (!ONNX_MODES.includes(onnxMode)) throw new UnknownExportFormatError(`onnx ${String(onnxMode)}`, ONNX_MODES.map((m) => `onnx ${m}`));
  const int4 = onnxMode === 'qdq-int4';
  const opset = onnxMode === 'integer' ? ONNX_INTEGER_OPSET : int4 ? 21 : 13;
  // ESB weights as exact int8 levels; ESB inputs refused before any file is written (esb-export.ts).
  const qdqGraph = formats.includes('onnx') && onnxMode !== 'integer' ? esbForOnnx(graph) : graph;

  if (formats.includes('tfjs')) {
    const { modelJson, weightData } = tfjsGraphModel(graph, { ...metadata, subnet: spec, layerBits: bits, normalization, inputLayout: 'NHWC' });
    write(TFJS_MODEL_FILE, utf8Bytes(JSON.stringify(modelJson)), 'tfjs', 'tfjs-model');
    write(TFJS_WEIGHTS_FILE, weightData, 'tfjs', 'tfjs-weights');
  }
  if (formats.includes('onnx')) {
    const onnxMetadata = { ...metadata, layer_bits: JSON.stringify(bits), input_layout: 'NCHW', onnx_mode: onnxMode };
    const model = onnxMode === 'integer' ? onnxIntegerModel(integerGraph(graph), onnxMetadata) : onnxModel(qdqGraph, { int4, metadata: onnxMetadata });
    assertOnnxModel(model, ONNX_MODEL_FILE);
    write(ONNX_MODEL_FILE, encodeModel(model), 'onnx', 'onnx-model');
  }
  const packed = packedModel(graph, { normalization });
  const packedJson = utf8Bytes(JSON.stringify(packed.spec, null, 1));
  if (formats.includes('packed')) {
    write(PACKED_SPEC_FILE, packedJson, 'packed', 'packed-spec');
    write(PACKED_WEIGHTS_FILE, packed.weights, 'packed', 'packed-weights');
  }

  const manifest: ExportManifest = {
    format: 'oqat-export',
    version: 1,
    subnet: spec,
    subnetKey: subnetKey(spec),
    ...(graph.config.spaceName ? { spaceName: graph.config.spaceName } : {}),
    task: graph.task,
    classes: graph.numClasses,
    input: { channels: graph.inputC, resolution: graph.resolution, ...(graph.imageSize ? { size: graph.imageSize } : {}), normalization: { mean: normalization.mean, std: normalization.std }, layout: { tfjs: 'NHWC', onnx: 'NCHW', packed: 'NHWC' } },
    formats,
    ...(formats.includes('onnx') ? { onnx: { opset, int4, mode: onnxMode } } : {}),
    layerBits: bits,
    files,
    figures: figures(graph, packed, packedJson.length),
  };
  writeFileSync(join(options.outDir, EXPORT_MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  return manifest;
}
