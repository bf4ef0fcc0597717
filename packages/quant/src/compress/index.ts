// Weight compression beyond uniform levels: ALQ (multi-bit binary bases) and VQ (codebooks and indices).
export { COMPRESSION_METHODS, compressedBytes, compressedSize, decodeCompressed } from './compressed-tensor';
export type { CompressedTensor, CompressionMethod } from './compressed-tensor';
export * from './alq';
export * from './vq';
