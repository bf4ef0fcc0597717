import { InvalidDataOptionError } from '../errors';
import { idxDataBytes } from './parse-idx';

/** Serialises an unsigned-byte array as IDX (uncompressed): magic 0x000008NN, big-endian dims, data. */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  if (dims.length < 1 || dims.length > 4) {
    throw new InvalidDataOptionError('encodeIdx', 'dims', `[${dims.join(', ')}]`, '1 to 4 dimensions');
  }
  const expected = idxDataBytes(dims);
  if (data.length !== expected) {
    throw new InvalidDataOptionError('encodeIdx', 'data.length', data.length, `${expected} for [${dims.join(', ')}]`);
  }
  const headerBytes = 4 + 4 * dims.length;
  const out = new Uint8Array(headerBytes + expected);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x00000800 | dims.length, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, headerBytes);
  return out;
}
