import { decodeRawData, type OnnxModel } from '@oqat/onnx';
import { ExportInternalError } from './errors';

/** TensorProto.DataType codes of the 4-bit types (ONNX 1.16, opset 21). */
export const ONNX_UINT4 = 21;
export const ONNX_INT4 = 22;

export type Int4Type = 'int4' | 'uint4';

/**
 * Packs 4-bit integers as ONNX stores INT4/UINT4 raw_data: two values per
 * byte, element 2i in the low nibble, element 2i+1 in the high nibble.
 */
export function packNibbles(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(Math.ceil(values.length / 2));
  for (let i = 0; i < values.length; i++) out[i >> 1]! |= (values[i]! & 0x0f) << ((i & 1) * 4);
  return out;
}

/** Reads packed nibbles back (signed: two's complement int4). */
export function unpackNibbles(raw: Uint8Array, count: number, signed: boolean): number[] {
  return Array.from({ length: count }, (_, i) => {
    const v = (raw[i >> 1]! >> ((i & 1) * 4)) & 0x0f;
    return signed && v >= 8 ? v - 16 : v;
  });
}

/**
 * @oqat/onnx's builder writes 8-bit containers only: the exporter stores
 * 4-bit tensors as int8/uint8 initializers (values already in 4-bit range)
 * and this pass retypes them to INT4/UINT4 with packed raw data.
 */
export function retypeInt4Initializers(model: OnnxModel, types: ReadonlyMap<string, Int4Type>): void {
  for (const t of model.graph.initializer) {
    const type = types.get(t.name);
    if (!type) continue;
    const values = decodeRawData(type === 'int4' ? 'int8' : 'uint8', t.rawData!);
    const [lo, hi] = type === 'int4' ? [-8, 7] : [0, 15];
    const bad = values.findIndex((v) => v < lo || v > hi);
    if (bad >= 0) throw new ExportInternalError('retypeInt4Initializers', `'${t.name}' element ${bad} is ${values[bad]}, outside ${type} [${lo}, ${hi}]`);
    t.dataType = type === 'int4' ? ONNX_INT4 : ONNX_UINT4;
    t.rawData = packNibbles(values);
  }
}
