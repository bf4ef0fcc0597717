import { crc32 } from 'node:zlib';

/**
 * The checkpoint file: a fixed magic, a version, a JSON header, raw float32
 * tensor data, and a trailer (CRC-32 of everything before it + an end
 * marker). The trailer makes a truncated or corrupted file detectable
 * before anything is loaded from it.
 *
 *   "OQATCKPT" | u32 version | u32 headerBytes | header JSON | data | u32 crc32 | "END."
 */
export const CHECKPOINT_MAGIC = 'OQATCKPT';
export const CHECKPOINT_VERSION = 1;
const END = 'END.';

export interface TensorEntry {
  name: string;
  shape: number[];
  /** byte offset into the data section */
  offset: number;
}

export interface CheckpointFile<M> {
  meta: M;
  /** named float32 tensors, in the order written */
  tensors: Map<string, { shape: number[]; values: Float32Array }>;
}

/** Why a buffer is not a readable checkpoint (the caller adds the path and the fix). */
export type DecodeProblem = { kind: 'foreign' | 'version' | 'truncated' | 'corrupt'; detail: string };

export function encodeCheckpoint<M>(file: CheckpointFile<M>): Buffer {
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const [name, t] of file.tensors) {
    entries.push({ name, shape: t.shape, offset });
    offset += t.values.byteLength;
  }
  const header = Buffer.from(JSON.stringify({ meta: file.meta, tensors: entries, dataBytes: offset }), 'utf8');
  const out = Buffer.alloc(8 + 4 + 4 + header.length + offset + 4 + 4);
  out.write(CHECKPOINT_MAGIC, 0, 'latin1');
  out.writeUInt32LE(CHECKPOINT_VERSION, 8);
  out.writeUInt32LE(header.length, 12);
  header.copy(out, 16);
  let at = 16 + header.length;
  for (const t of file.tensors.values()) {
    Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength).copy(out, at);
    at += t.values.byteLength;
  }
  out.writeUInt32LE(crc32(out.subarray(0, at)), at);
  out.write(END, at + 4, 'latin1');
  return out;
}

export function decodeCheckpoint<M>(buf: Buffer): CheckpointFile<M> | DecodeProblem {
  if (buf.length < 16 || buf.toString('latin1', 0, 8) !== CHECKPOINT_MAGIC) {
    return { kind: 'foreign', detail: 'it does not start with the OQAT checkpoint marker' };
  }
  const version = buf.readUInt32LE(8);
  if (version !== CHECKPOINT_VERSION) return { kind: 'version', detail: `format version ${version}, this build reads ${CHECKPOINT_VERSION}` };
  const headerBytes = buf.readUInt32LE(12);
  if (16 + headerBytes > buf.length) return { kind: 'truncated', detail: `the header needs ${16 + headerBytes} bytes, the file has ${buf.length}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.toString('utf8', 16, 16 + headerBytes));
  } catch {
    return { kind: 'corrupt', detail: 'its header is not valid JSON' };
  }
  const headerProblem = checkHeader(parsed);
  if (headerProblem) return { kind: 'corrupt', detail: `its header ${headerProblem}` };
  const header = parsed as { meta: M; tensors: TensorEntry[]; dataBytes: number };
  const dataStart = 16 + headerBytes;
  const expected = dataStart + header.dataBytes + 8;
  if (buf.length !== expected) {
    return { kind: 'truncated', detail: `expected ${expected} bytes, found ${buf.length}` };
  }
  const end = dataStart + header.dataBytes;
  if (buf.toString('latin1', end + 4, end + 8) !== END || buf.readUInt32LE(end) !== crc32(buf.subarray(0, end))) {
    return { kind: 'corrupt', detail: 'its checksum does not match its contents' };
  }
  const tensors = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const e of header.tensors) {
    const count = e.shape.reduce((a, b) => a * b, 1);
    // Copy out of the file buffer: its offsets need not be 4-byte aligned.
    const bytes = buf.subarray(dataStart + e.offset, dataStart + e.offset + count * 4);
    tensors.set(e.name, { shape: e.shape, values: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) });
  }
  return { meta: header.meta, tensors };
}

/** At most this many dimensions per tensor (the supernet's have at most 4). */
const MAX_RANK = 8;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Checks the header field by field before anything is read through it: a
 * checksum only says the bytes are the ones written, not that the writer
 * (or whoever crafted the file) wrote sense. Every tensor must have a name
 * of its own, a shape of non-negative integers, and bytes inside the data
 * section that no other tensor claims. Returns the first problem, or undefined.
 */
export function checkHeader(header: unknown): string | undefined {
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return `is ${describe(header)}, not an object`;
  const h = header as Record<string, unknown>;
  if (!('meta' in h)) return 'has no meta';
  if (!isCount(h.dataBytes)) return `has dataBytes ${describe(h.dataBytes)}, expected a non-negative integer`;
  if (!Array.isArray(h.tensors)) return `has tensors ${describe(h.tensors)}, expected a list`;
  const names = new Set<string>();
  const spans: Array<{ start: number; end: number; name: string }> = [];
  for (const [i, e] of (h.tensors as unknown[]).entries()) {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) return `has tensor ${i} as ${describe(e)}, expected an object`;
    const { name, shape, offset } = e as Record<string, unknown>;
    if (typeof name !== 'string' || name.length === 0) return `has tensor ${i} named ${describe(name)}, expected a non-empty string`;
    if (names.has(name)) return `names tensor ${describe(name)} twice`;
    names.add(name);
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every(isCount)) {
      return `gives tensor ${describe(name)} shape ${describe(shape)}, expected at most ${MAX_RANK} non-negative integers`;
    }
    const bytes = (shape as number[]).reduce((a, b) => a * b, 1) * 4;
    if (!Number.isSafeInteger(bytes) || bytes > h.dataBytes) return `gives tensor ${describe(name)} shape [${shape.join(', ')}], larger than its ${h.dataBytes}-byte data section`;
    if (!isCount(offset) || offset + bytes > h.dataBytes) {
      return `gives tensor ${describe(name)} offset ${describe(offset)}, expected 0..${h.dataBytes - bytes} for its ${bytes} bytes`;
    }
    spans.push({ start: offset, end: offset + bytes, name });
  }
  spans.sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]!.start < spans[i - 1]!.end) return `lets tensors ${describe(spans[i - 1]!.name)} and ${describe(spans[i]!.name)} share bytes`;
  }
  return undefined;
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  const text = JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
