import type { Normalization } from '@oqat/data';
import { esbGrid, pack } from '@oqat/quant';
import type { StaticQuantConfig } from '@oqat/search';
import type { ExportGraph, ExportWeight } from './export-graph';
import {
  PACKED_FORMAT_VERSION, PACKED_WEIGHTS_FILE,
  type PackedOp, type PackedQuant, type PackedSpec, type PackedTensorRef, type PackedWeight,
} from './packed-spec';

export interface PackedModel {
  spec: PackedSpec;
  weights: Uint8Array;
}

/** Appends tensors to one byte stream and returns where each went. */
class ByteStream {
  private readonly chunks: Uint8Array[] = [];
  length = 0;

  private push(bytes: Uint8Array, count: number, dtype: string): PackedTensorRef {
    const ref = { offset: this.length, bytes: bytes.length, count, dtype };
    this.chunks.push(bytes);
    this.length += bytes.length;
    return ref;
  }

  floats(values: Float32Array): PackedTensorRef {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    return this.push(bytes, values.length, 'float32');
  }

  codes(codes: Int32Array, bits: number, signed: boolean): PackedTensorRef {
    return this.push(pack(codes, bits, { signed }), codes.length, `${signed ? 'int' : 'uint'}${bits}`);
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

const quant = (q: StaticQuantConfig): PackedQuant => ({
  bits: q.bits, signed: q.signed, step: q.step, zeroPoint: 0, ...(q.channelSteps ? { channelSteps: [...q.channelSteps] } : {}),
  ...(q.format === 'abfp' ? { format: 'abfp' as const, ...(q.blockSize ? { blockSize: q.blockSize } : {}) } : {}),
  ...(q.format === 'esb' ? { format: 'esb' as const, significantBits: esbGrid(q.bits, q.signed, q.significantBits).significantBits } : {}),
});

/**
 * The packed format: every weight's integer codes bit-packed at its own
 * width (@oqat/quant's pack: value i at bits [i·b, (i+1)·b) of a
 * little-endian bit stream, each tensor starting on a byte), float32 for
 * BN-folded multipliers, biases and float layers, and a JSON spec listing
 * every op in execution order with shapes, bits, steps, zero points,
 * activations and byte ranges: what an accelerator toolchain needs to run
 * the subnet. Weights file size = Σ ceil(n·b/8) over quantized tensors +
 * 4 × float values.
 */
export function packedModel(graph: ExportGraph, options: { normalization?: Normalization } = {}): PackedModel {
  const stream = new ByteStream();
  const params = { total: 0, quantized: 0, float: 0, weightBits: 0 };
  const floats = (values: Float32Array): PackedTensorRef => {
    params.total += values.length;
    params.float += values.length;
    params.weightBits += 32 * values.length;
    return stream.floats(values);
  };
  const weight = (w: ExportWeight, layout: PackedWeight['layout']): PackedWeight => {
    if (!w.quant || !w.codes) return { ...floats(w.values), shape: [...w.shape], layout };
    params.total += w.codes.length;
    params.quantized += w.codes.length;
    params.weightBits += w.quant.bits * w.codes.length;
    // ESB codes are sign-magnitude: unsigned b-bit integers.
    const codes = stream.codes(w.codes, w.quant.bits, w.quant.format !== 'esb');
    if (!w.exponents) return { ...codes, shape: [...w.shape], layout, quant: quant(w.quant) };
    // ABFP: the block exponents (int8) follow the codes; they are storage too.
    params.weightBits += 8 * w.exponents.length;
    return { ...codes, shape: [...w.shape], layout, quant: { ...quant(w.quant), exponents: stream.codes(Int32Array.from(w.exponents), 8, true) } };
  };

  const ops: PackedOp[] = graph.nodes.map((n): PackedOp => {
    switch (n.kind) {
      case 'conv': {
        const { weight: w, inputQuant, channelScale, bias, ...rest } = n;
        return {
          ...rest,
          weight: weight(w, n.depthwise ? 'HWC1' : 'HWIO'),
          ...(inputQuant ? { inputQuant: quant(inputQuant) } : {}),
          outputScale: floats(channelScale),
          bias: floats(bias),
        };
      }
      case 'linear': {
        const { weight: w, inputQuant, bias, ...rest } = n;
        return { ...rest, weight: weight(w, 'IO'), ...(inputQuant ? { inputQuant: quant(inputQuant) } : {}), bias: floats(bias) };
      }
      case 'resample': {
        // Interpolation weights: constants of the graph, not parameters (not counted in params).
        const { rows, cols, ...rest } = n;
        return { ...rest, rows: stream.floats(rows), cols: stream.floats(cols) };
      }
      default:
        return JSON.parse(JSON.stringify(n)) as PackedOp;
    }
  });

  const config = graph.config;
  const spec: PackedSpec = {
    format: 'oqat-packed',
    version: PACKED_FORMAT_VERSION,
    weightsFile: PACKED_WEIGHTS_FILE,
    weightsBytes: stream.length,
    bitOrder: 'each tensor starts on a byte; code i of a b-bit tensor occupies bits [i*b, (i+1)*b) of a little-endian bit stream (bit j is bit j%8 of byte j/8), low bit first; signed codes are b-bit two\'s complement; float32 little-endian',
    activations: {
      relu: 'max(x, 0)',
      relu6: 'min(max(x, 0), 6)',
      hswish: 'x * min(max(x + 3, 0), 6) / 6',
      hsigmoid: 'min(max(x + 3, 0), 6) / 6',
      sigmoid: '1 / (1 + exp(-x))',
    },
    task: graph.task,
    input: {
      name: graph.input, layout: 'NHWC', channels: graph.inputC, resolution: graph.resolution,
      ...(graph.imageSize ? { size: [graph.imageSize[0], graph.imageSize[1]] as [number, number] } : {}),
      resize: 'bilinear to resolution x resolution, src = dst * in / out (no corner alignment, no half-pixel centres)',
      ...(options.normalization ? { normalization: { mean: options.normalization.mean, std: options.normalization.std } } : {}),
    },
    output: { name: graph.output, classes: graph.numClasses },
    ...(config.subnet ? { subnet: config.subnet } : {}),
    ...(config.spaceName ? { spaceName: config.spaceName } : {}),
    params,
    ops,
    network: config,
  };
  return { spec, weights: stream.bytes() };
}
