import { IdxMagicError, IdxTruncatedError } from '../errors';

/** An unsigned-byte IDX array: its dimensions and its bytes (row-major). */
export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

/** Only unsigned bytes (type 0x08): Fashion-MNIST and MNIST use nothing else. */
const UBYTE = 0x08;
const MAX_RANK = 4;

/** Size of the header that starts with `bytes`, or undefined if its magic is not IDX ubyte. */
export function idxHeaderLength(bytes: Uint8Array): number | undefined {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== UBYTE) return undefined;
  const rank = bytes[3]!;
  return rank >= 1 && rank <= MAX_RANK ? 4 + 4 * rank : undefined;
}

/** Reads the magic and dimensions of an uncompressed IDX buffer; `file` names it in errors. */
export function parseIdxHeader(bytes: Uint8Array, file: string): { dims: number[]; headerBytes: number } {
  if (bytes.length < 4) throw new IdxTruncatedError(file, `${bytes.length} bytes, shorter than the 4-byte magic`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = idxHeaderLength(bytes);
  if (headerBytes === undefined) throw new IdxMagicError(file, view.getUint32(0, false));
  if (bytes.length < headerBytes) {
    throw new IdxTruncatedError(file, `header needs ${headerBytes} bytes, file has ${bytes.length}`);
  }
  const dims: number[] = [];
  for (let offset = 4; offset < headerBytes; offset += 4) dims.push(view.getUint32(offset, false));
  return { dims, headerBytes };
}

/** Number of data bytes an IDX ubyte array of these dimensions holds. */
export function idxDataBytes(dims: readonly number[]): number {
  return dims.reduce((product, d) => product * d, 1);
}

/**
 * Parses an uncompressed IDX ubyte buffer. The data is a view into `bytes`
 * (no copy). Bytes past the declared size are ignored, as other IDX readers do.
 */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  const { dims, headerBytes } = parseIdxHeader(bytes, file);
  const dataBytes = idxDataBytes(dims);
  const found = bytes.length - headerBytes;
  if (found < dataBytes) {
    throw new IdxTruncatedError(
      file,
      `header [${dims.join(', ')}] needs ${dataBytes} data bytes, found ${found}`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes, headerBytes + dataBytes) };
}
