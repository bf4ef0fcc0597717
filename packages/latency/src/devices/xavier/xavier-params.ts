/**
 * Every parameter of the Xavier-like GPU simulator, with where it comes from.
 *
 * Sources:
 * [DS]   NVIDIA Jetson AGX Xavier Series Data Sheet, DA-09134-001 (v1.x, 2019-2021):
 *        "512-core NVIDIA Volta GPU with 64 Tensor Cores", GPU max 1377 MHz,
 *        "256-bit LPDDR4x, 2133 MHz, 137 GB/s", 512 KB L2.
 * [BLOG] NVIDIA developer blog, "NVIDIA Jetson AGX Xavier Delivers 32 TeraOps
 *        for New Era of AI in Robotics" (Dec 2018): GPU 11 TFLOPS FP16,
 *        22 TOPS INT8 (tensor cores), 1.4 TFLOPS FP32 (CUDA cores).
 * [VOLTA] NVIDIA Tesla V100 GPU architecture whitepaper (2017): a tensor core
 *        does a 4x4x4 FP16 matrix FMA (64 FMA) per clock; 64 CUDA cores per SM.
 * [LAUNCH] CUDA kernel launch plus TensorRT per-layer enqueue on Jetson is a few
 *        microseconds per kernel (NVIDIA forum and TensorRT best-practices
 *        guide measurements: ~3-10 us).
 * [DW]   Lu et al., "Optimizing Depthwise Separable Convolution Operations on
 *        GPUs", IEEE TPDS 33(1), 2022: depthwise convs reach a small fraction
 *        of peak (no tensor cores, low arithmetic intensity).
 * Efficiency factors are this simulator's assumptions in the range such
 * papers report; they are parameters, not measurements.
 */
export interface XavierParams {
  clockHz: number;
  streamingMultiprocessors: number;
  /** FP16 FMAs per clock, whole GPU: 64 tensor cores x 64 [VOLTA] */
  tensorFp16MacsPerCycle: number;
  /** INT8 MACs per clock on tensor cores: 2x FP16 [BLOG: 22 vs 11 TOPS] */
  tensorInt8MacsPerCycle: number;
  /** FP16 FMAs per clock on the 512 CUDA cores (HFMA2: 2 per core) */
  cudaFp16MacsPerCycle: number;
  dramBytesPerS: number;
  /** output tile of the implicit-GEMM conv kernels (M = pixels, N = channels) */
  gemmTileM: number;
  gemmTileN: number;
  /** channel padding of tensor-core kernels: fp16 to 8, int8 to 32 (IMMA) */
  channelAlignFp16: number;
  channelAlignInt8: number;
  /** sustained share of peak compute per path */
  efficiency: {
    tensorGemm: number;
    depthwise: number;
    elementwise: number;
  };
  /** sustained share of DRAM bandwidth per path */
  memoryEfficiency: {
    gemm: number;
    depthwise: number;
    elementwise: number;
  };
  kernelLaunchS: number;
  /** kernels an se layer launches (pool, two small convs, scale) */
  seKernels: number;
  /** per network: input upload and stream sync */
  networkOverheadS: number;
}

export const XAVIER_PARAMS: XavierParams = {
  clockHz: 1.377e9, // [DS]
  streamingMultiprocessors: 8, // 512 cores / 64 per SM [VOLTA]
  tensorFp16MacsPerCycle: 64 * 64, // 5.6 T FMA/s = 11.3 TFLOPS [BLOG]
  tensorInt8MacsPerCycle: 2 * 64 * 64, // 22.6 TOPS [BLOG]
  cudaFp16MacsPerCycle: 512 * 2,
  dramBytesPerS: 137e9, // [DS]
  gemmTileM: 64,
  gemmTileN: 64,
  channelAlignFp16: 8,
  channelAlignInt8: 32,
  efficiency: { tensorGemm: 0.55, depthwise: 0.2, elementwise: 0.5 },
  memoryEfficiency: { gemm: 0.75, depthwise: 0.5, elementwise: 0.7 },
  kernelLaunchS: 5e-6, // [LAUNCH]
  seKernels: 3,
  networkOverheadS: 60e-6,
};
