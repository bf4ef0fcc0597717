import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { getFormat, unpack } from '@oqat/quant';
import { ExportFileError } from './errors';
import type { ExportGraph, ExportNode, ExportWeight } from './export-graph';
import type { StaticQuantConfig } from '@oqat/search';
import { PACKED_FORMAT_VERSION, type PackedQuant, type PackedSpec, type PackedTensorRef, type PackedWeight } from './packed-spec';

export interface PackedModelContents {
  spec: PackedSpec;
  /** the export graph rebuilt from the files: integer codes unpacked, weights dequantized (code·step) */
  graph: ExportGraph;
}

const FIX = 'export it again with oqat export --format packed';

/** ABFP weights: code·step·2^exponent of the code's block (@oqat/quant's abfp decode). */
function abfpDecode(codes: Int32Array, q: PackedQuant, exponents: Int8Array): Float32Array {
  return getFormat('abfp').decode({
    format: 'abfp', bits: q.bits, signed: q.signed, codes, codesSigned: true, scales: Float32Array.of(q.step), channels: 1, exponents,
    ...(q.blockSize ? { blockSize: q.blockSize } : {}),
  });
}

/**
 * Reads a packed export (model.packed.json and the weights file beside it)
 * back into an export graph, so a consumer, or a test, can check that the
 * files alone describe the subnet: weights are unpacked and dequantized as
 * (code − zeroPoint)·step.
 */
export function readPackedModel(specPath: string): PackedModelContents {
  let spec: PackedSpec;
  try {
    spec = JSON.parse(readFileSync(specPath, 'utf8')) as PackedSpec;
  } catch (err) {
    throw new ExportFileError(specPath, `cannot be read as JSON (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`, FIX);
  }
  if (spec.format !== 'oqat-packed' || spec.version !== PACKED_FORMAT_VERSION) {
    throw new ExportFileError(specPath, `is not an oqat-packed v${PACKED_FORMAT_VERSION} spec (format ${String(spec.format)}, version ${String(spec.version)})`, FIX);
  }
  const binPath = join(dirname(specPath), spec.weightsFile);
  let bin: Uint8Array;
  try {
    bin = readFileSync(binPath);
  } catch {
    throw new ExportFileError(binPath, 'is missing', `keep ${spec.weightsFile} beside ${specPath}, or ${FIX}`);
  }
  if (bin.length !== spec.weightsBytes) throw new ExportFileError(binPath, `holds ${bin.length} bytes, the spec says ${spec.weightsBytes}`, FIX);

  const slice = (ref: PackedTensorRef): Uint8Array => {
    if (ref.offset < 0 || ref.offset + ref.bytes > bin.length) throw new ExportFileError(binPath, `range [${ref.offset}, ${ref.offset + ref.bytes}) is outside the file`, FIX);
    return bin.subarray(ref.offset, ref.offset + ref.bytes);
  };
  const floats = (ref: PackedTensorRef): Float32Array => {
    const bytes = slice(ref);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return Float32Array.from({ length: ref.count }, (_, i) => view.getFloat32(i * 4, true));
  };
  const weight = (w: PackedWeight): ExportWeight => {
    if (!w.quant) return { shape: [...w.shape], values: floats(w) };
    const q = w.quant;
    const codes = unpack(slice(w), q.bits, w.count, { signed: q.signed && q.format !== 'esb' });
    const steps = q.channelSteps ?? [q.step];
    if (q.format === 'esb') {
      const values = getFormat('esb').decode({
        format: 'esb', bits: q.bits, signed: q.signed, codes, codesSigned: false, scales: Float32Array.from(steps), channels: steps.length, significantBits: q.significantBits,
      });
      return { shape: [...w.shape], values, codes, quant: staticQuant(q) };
    }
    if (q.format === 'abfp') {
      if (!q.exponents) throw new ExportFileError(specPath, `abfp weight at offset ${w.offset} has no exponents`, FIX);
      const exponents = Int8Array.from(unpack(slice(q.exponents), 8, q.exponents.count, { signed: true }));
      const values = abfpDecode(codes, q, exponents);
      return { shape: [...w.shape], values, codes, exponents, quant: staticQuant(q) };
    }
    const values = Float32Array.from(codes, (c, i) => (c - q.zeroPoint) * steps[i % steps.length]!);
    return { shape: [...w.shape], values, codes, quant: staticQuant(q) };
  };
  const staticQuant = (q: PackedQuant): StaticQuantConfig => ({
    bits: q.bits, signed: q.signed, step: q.step, ...(q.channelSteps ? { channelSteps: [...q.channelSteps] } : {}),
    ...(q.format === 'abfp' ? { format: 'abfp' as const, ...(q.blockSize ? { blockSize: q.blockSize } : {}) } : {}),
    ...(q.format === 'esb' ? { format: 'esb' as const, significantBits: q.significantBits } : {}),
  });
  const quant = (q: PackedQuant | undefined) => (q ? { inputQuant: staticQuant(q) } : {});

  const nodes = spec.ops.map((op): ExportNode => {
    switch (op.kind) {
      case 'conv': {
        const { weight: w, inputQuant, outputScale, bias, ...rest } = op;
        return { ...rest, weight: weight(w), ...quant(inputQuant), channelScale: floats(outputScale), bias: floats(bias) };
      }
      case 'linear': {
        const { weight: w, inputQuant, bias, ...rest } = op;
        return { ...rest, weight: weight(w), ...quant(inputQuant), bias: floats(bias) };
      }
      case 'resample': {
        const { rows, cols, ...rest } = op;
        return { ...rest, rows: floats(rows), cols: floats(cols) };
      }
      default:
        return op;
    }
  });
  const graph: ExportGraph = {
    task: spec.task ?? 'classification',
    ...(spec.input.size ? { imageSize: [spec.input.size[0], spec.input.size[1]] as [number, number] } : {}),
    input: spec.input.name,
    output: spec.output.name,
    inputC: spec.input.channels,
    resolution: spec.input.resolution,
    numClasses: spec.output.classes,
    nodes,
    config: spec.network,
  };
  return { spec, graph };
}
