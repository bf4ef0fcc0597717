// Compression of a trained float subnet's weights beyond uniform levels (oqat compress): what a method gets
// (the subject) and returns, and the subnet that computes with the decoded weights, its top-1 and bytes.
export { compressSubject, subjectOf, type CompressSubject, type CompressSubjectOptions, type CompressLayer, type CompressLayerReport, type CompressionResult } from './compress-subject';
export { withCompressedWeights, compressedModelBytes, compressedBitsPerWeight, checkCompressedLayers, compressibleLayers } from './compressed-subnet';
// ALQ (Qu et al., CVPR 2020) and VQ (Stock et al., ICLR 2020) on a subject.
export { compressAlq, ALQ_DEFAULTS, type AlqSettings } from './alq-subnet';
export { compressVq, VQ_DEFAULTS, VQ_BLOCK_PRESETS, type VqSettings, type VqBlockPreset } from './vq-subnet';
