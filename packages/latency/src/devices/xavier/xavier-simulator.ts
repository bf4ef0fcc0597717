import type { LayerDesc } from '../../ir/layer-desc';
import { layerFigures, layerParams } from '../../ir/layer-figures';
import { outputHeight, outputWidth, seHiddenChannels } from '../../ir/output-shape';
import { XAVIER_PARAMS, type XavierParams } from './xavier-params';

type Path = 'int8' | 'fp16';

const roundUp = (v: number, m: number) => Math.ceil(v / m) * m;

/** Implicit-GEMM conv on tensor cores, tiles spread over the SMs in waves. */
function gemmComputeS(p: XavierParams, path: Path, m: number, n: number, k: number, groups: number): number {
  const align = path === 'int8' ? p.channelAlignInt8 : p.channelAlignFp16;
  const nPad = roundUp(n, align);
  const kPad = roundUp(k, align);
  const tiles = Math.ceil(m / p.gemmTileM) * Math.ceil(nPad / p.gemmTileN) * groups;
  const waves = Math.ceil(tiles / p.streamingMultiprocessors);
  const perSm = (path === 'int8' ? p.tensorInt8MacsPerCycle : p.tensorFp16MacsPerCycle) / p.streamingMultiprocessors;
  return (waves * p.gemmTileM * p.gemmTileN * kPad) / (perSm * p.efficiency.tensorGemm * p.clockHz);
}

function memoryS(p: XavierParams, bytes: number, efficiency: number): number {
  return bytes / (p.dramBytesPerS * efficiency);
}

/** Seconds of one layer on one precision path. */
function layerSeconds(layer: LayerDesc, p: XavierParams, path: Path): number {
  const bytesPerElem = path === 'int8' ? 1 : 2;
  const f = layerFigures(layer);
  const outH = outputHeight(layer);
  const outW = outputWidth(layer);
  const actBytes = ((f.inputBytes + f.outputBytes) / layer.aBits) * 8 * bytesPerElem;
  const { weights, biases } = layerParams(layer);
  const weightBytes = weights * bytesPerElem + biases * 4;
  const launch = p.kernelLaunchS;
  const cudaRate = p.cudaFp16MacsPerCycle * p.clockHz;
  switch (layer.op) {
    case 'conv': {
      const g = layer.groups;
      const compute = gemmComputeS(p, path, outH * outW, layer.outC / g, (layer.inC / g) * layer.kernel * layer.kernel, g);
      return launch + Math.max(compute, memoryS(p, actBytes + weightBytes, p.memoryEfficiency.gemm));
    }
    case 'fc': {
      const compute = gemmComputeS(p, path, 1, layer.outC, layer.inH * layer.inW * layer.inC, 1);
      return launch + Math.max(compute, memoryS(p, actBytes + weightBytes, p.memoryEfficiency.gemm));
    }
    case 'dwconv': {
      // CUDA cores; int8 gains memory traffic only (no dp4a reduction along one channel)
      const compute = f.macs / (cudaRate * p.efficiency.depthwise);
      return launch + Math.max(compute, memoryS(p, actBytes + weightBytes, p.memoryEfficiency.depthwise));
    }
    case 'se': {
      const c = layer.inC;
      const mid = seHiddenChannels(c);
      const map = layer.inH * layer.inW * c * bytesPerElem;
      const pool = Math.max(map / (p.dramBytesPerS * p.memoryEfficiency.elementwise), (layer.inH * layer.inW * c) / (cudaRate * p.efficiency.elementwise));
      const fcs = gemmComputeS(p, path, 1, mid, c, 1) + gemmComputeS(p, path, 1, c, mid, 1);
      const fcMem = memoryS(p, 2 * c * mid * bytesPerElem, p.memoryEfficiency.gemm);
      const scale = memoryS(p, 2 * map, p.memoryEfficiency.elementwise);
      return p.seKernels * launch + pool + Math.max(fcs, fcMem) + scale;
    }
    default: {
      // pools, add, mul, activation, upsample, concat: memory-bound element-wise kernels
      const compute = f.elementOps / (cudaRate * p.efficiency.elementwise);
      return launch + Math.max(compute, memoryS(p, actBytes, p.memoryEfficiency.elementwise));
    }
  }
}

/**
 * Simulated latency of one layer on the Xavier-like GPU, in ms. At <= 8 bits
 * (weights and activations) the runtime may use int8 kernels and, like
 * TensorRT's tactic selection, takes the faster of int8 and fp16; above 8
 * bits it runs fp16. Fewer than 8 bits gain nothing.
 */
export function xavierLayerMs(layer: LayerDesc, params: XavierParams = XAVIER_PARAMS): number {
  const fp16 = layerSeconds(layer, params, 'fp16');
  const s = layer.wBits <= 8 && layer.aBits <= 8 ? Math.min(fp16, layerSeconds(layer, params, 'int8')) : fp16;
  return s * 1e3;
}

export function xavierNetworkOverheadMs(params: XavierParams = XAVIER_PARAMS): number {
  return params.networkOverheadS * 1e3;
}
