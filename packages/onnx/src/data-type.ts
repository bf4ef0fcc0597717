import { TensorDataError } from './errors';

/** Element types this package can write, by their TensorProto.DataType code. */
export const DATA_TYPES = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
  uint32: 12,
  uint64: 13,
} as const;

export type DataTypeName = keyof typeof DATA_TYPES;

const BYTES: Record<DataTypeName, number> = {
  float32: 4,
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  int32: 4,
  int64: 8,
  bool: 1,
  float64: 8,
  uint32: 4,
  uint64: 8,
};

export function dataTypeCode(type: DataTypeName): number {
  const code = DATA_TYPES[type];
  if (code === undefined) {
    throw new TensorDataError('?', `unknown data type '${String(type)}', expected one of ${Object.keys(DATA_TYPES).join(', ')}`);
  }
  return code;
}

export type TensorValues = ArrayLike<number> | BigInt64Array | BigUint64Array;

/**
 * Little-endian raw_data bytes of `values` as `type` (ONNX stores raw_data
 * little-endian whatever the host). Integers are range-checked, never wrapped.
 */
export function encodeRawData(tensor: string, type: DataTypeName, values: TensorValues): Uint8Array {
  const size = BYTES[type];
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const at = i * size;
    switch (type) {
      case 'float32':
        view.setFloat32(at, Number(v), true);
        break;
      case 'float64':
        view.setFloat64(at, Number(v), true);
        break;
      case 'int64':
        view.setBigInt64(at, BigInt(v), true);
        break;
      case 'uint64':
        view.setBigUint64(at, BigInt(v), true);
        break;
      default: {
        const n = Number(v);
        const [lo, hi] = INT_RANGE[type];
        if (!Number.isInteger(n) || n < lo || n > hi) {
          throw new TensorDataError(tensor, `element ${i} is ${n}, not an integer in [${lo}, ${hi}] as ${type} requires`);
        }
        if (size === 1) view.setUint8(at, n & 0xff);
        else if (size === 2) view.setUint16(at, n & 0xffff, true);
        else view.setUint32(at, n >>> 0, true);
      }
    }
  }
  return out;
}

const INT_RANGE: Record<DataTypeName, [number, number]> = {
  uint8: [0, 255],
  int8: [-128, 127],
  uint16: [0, 65535],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  bool: [0, 1],
  float32: [-Infinity, Infinity],
  float64: [-Infinity, Infinity],
  int64: [-Infinity, Infinity],
  uint64: [0, Infinity],
};

/** Reads raw_data back into numbers (int64/uint64 as Number: exact below 2^53). */
export function decodeRawData(type: DataTypeName, raw: Uint8Array): number[] {
  const size = BYTES[type];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = Math.floor(raw.byteLength / size);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const at = i * size;
    switch (type) {
      case 'float32': out[i] = view.getFloat32(at, true); break;
      case 'float64': out[i] = view.getFloat64(at, true); break;
      case 'int64': out[i] = Number(view.getBigInt64(at, true)); break;
      case 'uint64': out[i] = Number(view.getBigUint64(at, true)); break;
      case 'int8': out[i] = view.getInt8(at); break;
      case 'uint8': case 'bool': out[i] = view.getUint8(at); break;
      case 'int16': out[i] = view.getInt16(at, true); break;
      case 'uint16': out[i] = view.getUint16(at, true); break;
      case 'int32': out[i] = view.getInt32(at, true); break;
      case 'uint32': out[i] = view.getUint32(at, true); break;
    }
  }
  return out;
}
