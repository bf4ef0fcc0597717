// A subnet compressed beyond uniform levels (ALQ, VQ): the byte-aligned container, its reader and tfjs runner, ONNX with the decode in the graph.
export { COMPRESSED_MODEL_FILE, COMPRESSED_FORMAT_VERSION, writeCompressedModel, readCompressedModel } from './compressed-container';
export type { CompressedHeader, CompressedLayerEntry, CompressedModelContents, CompressedModelInput, BlobRef } from './compressed-container';
export { loadCompressedNetwork, compressedModelTop1 } from './compressed-runner';
export { compressedOnnxModel, COMPRESSED_ONNX_OPSET } from './compressed-onnx';
export { exportCompressed, COMPRESSED_EXPORT_FORMATS } from './export-compressed';
export type { CompressedExportFormat, CompressedExportFile, CompressedExportOptions } from './export-compressed';
