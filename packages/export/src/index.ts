// Public API of @oqat/export: a chosen subnet's static network (extracted by
// @oqat/search) as a tfjs graph model, ONNX (QDQ) and bit-packed weights with
// a JSON spec; onnxruntime accuracy for the report.

export { exportSubnet, EXPORT_FORMATS, EXPORT_MANIFEST_FILE, ONNX_MODES } from './export-subnet';
export type { ExportFormat, ExportOptions, ExportManifest, ExportFigures, OnnxMode } from './export-subnet';
export { integerSubnetAccuracy } from './onnx-integer-eval';
export type { IntegerAccuracy } from './onnx-integer-eval';
export type { ExportedFile, ExportFileKind } from './write-export-file';
export { onnxAccuracy, onnxSegmentationAccuracy } from './onnx-accuracy';
export type { OnnxAccuracy, OnnxSegmentationAccuracy, OnnxRun, OnnxAccuracyOptions, OrtOptimization } from './onnx-accuracy';
export { checkOnnxModel } from './check-onnx-model';
export { tfjsFileHandler } from './tfjs-file-handler';
export { readPackedModel } from './read-packed-model';
export type { PackedModelContents } from './read-packed-model';
export type { PackedSpec, PackedOp, PackedConv, PackedLinear, PackedResample, PackedWeight, PackedQuant, PackedTensorRef } from './packed-spec';
export { TFJS_MODEL_FILE, TFJS_WEIGHTS_FILE } from './tfjs-graph-model';
export { ONNX_MODEL_FILE } from './onnx-model';
export { PACKED_SPEC_FILE, PACKED_WEIGHTS_FILE } from './packed-spec';
export type { ExportTask, ExportLayerBits } from './export-graph';
export { UnknownExportFormatError, SubnetMismatchError, OnnxCheckError, ExportFileError, ExportDatasetError, ExportInternalError, SegmentationImageSizeError, OnnxIntegerError, MultiTensorExportError } from './errors';
export { checkPresetExport } from './preset-export';
export { PresetExportError } from './errors';

// Compressed subnets (oqat compress: ALQ, VQ): container, reader, tfjs runner, ONNX.
export * from './compressed/index';
