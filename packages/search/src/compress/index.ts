// Compression of a trained float subnet's weights beyond uniform levels (oqat compress): what a method gets
// (the subject) and returns, and the subnet that computes with the decoded weights, its top-1 and bytes.
export { compressSubject, subjectOf, type CompressSubject, type CompressSubjectOptions, type CompressLayer, type CompressLayerReport, type CompressionResult } from './compress-subject';
export { withCompressedWeights, compressedModelBytes, compressedBitsPerWeight, checkCompressedLayers, compressibleLayers } from './compressed-subnet';
