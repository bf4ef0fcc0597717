import { readFileSync } from 'node:fs';
import type { Normalization } from '@oqat/data';
import type { SubnetSpec } from '@oqat/latency';
import { COMPRESSION_METHODS, compressedBytes, decodeCompressed, type CompressedTensor } from '@oqat/quant';
import { compressibleLayers, type StaticMobileNet, type StaticMobileNetConfig } from '@oqat/search';
import { ExportFileError } from '../errors';
import { utf8Bytes } from '../write-export-file';

/**
 * The compressed model file (model.oqatc): one byte-aligned container that
 * holds a float static subnet whose chosen conv and linear layers are
 * compressed (ALQ: per-group base counts, float32 coefficients, 1-bit sign
 * rows; VQ: a float16 codebook and 8- or 16-bit indices) and every other
 * tensor (the other weights, BN statistics, biases) in float32.
 *
 *   bytes 0..7    the magic 'OQATCMPR'
 *   bytes 8..11   uint32 LE: the format version (1)
 *   bytes 12..15  uint32 LE: the header's byte length H
 *   bytes 16..    the header, UTF-8 JSON (CompressedHeader), zero-padded to a multiple of 8
 *   then          the blob section: every array at its header offset (from the section's start,
 *                 8-aligned), little-endian, exactly the bytes the compressed tensor holds
 *
 * A compressed tensor's scalar fields (shape, group size, order, block size,
 * codewords …) are in the header; its typed arrays are blobs. So the file
 * holds the method's own storage and nothing decoded.
 */
export const COMPRESSED_MODEL_FILE = 'model.oqatc';
export const COMPRESSED_FORMAT_VERSION = 1;
const MAGIC = 'OQATCMPR';

/** Element types of the blobs. */
type BlobType = 'uint8' | 'uint16' | 'int8' | 'int32' | 'float32';
const ARRAYS = { uint8: Uint8Array, uint16: Uint16Array, int8: Int8Array, int32: Int32Array, float32: Float32Array } as const;
type TypedArray = Uint8Array | Uint16Array | Int8Array | Int32Array | Float32Array;

export interface BlobRef {
  type: BlobType;
  /** from the blob section's start, a multiple of 8 */
  offset: number;
  /** elements */
  length: number;
}

/** One compressed layer: its tensor's scalar fields, and its arrays as blobs. */
export interface CompressedLayerEntry {
  /** the static network's layer name ('blocks.3.dw') */
  name: string;
  /** the weight tensor it stands for ('blocks.3.dw.conv.weight') */
  key: string;
  method: CompressedTensor['method'];
  /** the compressed tensor's other non-array fields (shape, groupSize, order, blockSize, codewords …) */
  fields: Record<string, unknown>;
  blobs: Record<string, BlobRef>;
  /** compressedBytes of the tensor */
  bytes: number;
}

export interface CompressedHeader {
  format: 'oqat-compressed';
  version: typeof COMPRESSED_FORMAT_VERSION;
  subnet?: SubnetSpec;
  spaceName?: string;
  /** the float static network's config (structure; no quantization) */
  config: StaticMobileNetConfig;
  /** input scaling the model expects: normalized NHWC images, any size (resized to config.resolution) */
  normalization: Normalization;
  layers: CompressedLayerEntry[];
  /** every other tensor of the network, float32 */
  float: Array<{ key: string; shape: number[]; blob: BlobRef }>;
  /** the blob section's byte length */
  blobBytes: number;
  /** weight bytes as compressedModelBytes counts them: compressed layers' bytes + the other conv/linear weights as float32 */
  modelBytes: number;
  /** what produced it (method settings, the run), free-form */
  provenance?: Record<string, unknown>;
}

export interface CompressedModelContents {
  header: CompressedHeader;
  /** compressed layers by layer name, as the method returned them */
  layers: Record<string, CompressedTensor>;
  /** every other tensor, by weight key */
  float: Map<string, { shape: number[]; values: Float32Array }>;
}

export interface CompressedModelInput {
  /** the float static subnet (BN re-estimated): its structure and every tensor not compressed */
  net: StaticMobileNet;
  /** compressed layers by layer name (compressibleLayers(net)) */
  layers: Readonly<Record<string, CompressedTensor>>;
  /** float tensors the compression changed besides them (CompressionResult.floatWeights), by weight key */
  floatWeights?: Readonly<Record<string, Float32Array>>;
  normalization: Normalization;
  provenance?: Record<string, unknown>;
}

function blobType(a: TypedArray): BlobType {
  for (const [name, ctor] of Object.entries(ARRAYS)) if (a.constructor === ctor) return name as BlobType;
  throw new ExportFileError(COMPRESSED_MODEL_FILE, `cannot store a ${a.constructor.name}`, 'store compressed tensors as Uint8/Uint16/Int8/Int32/Float32 arrays');
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** The container's bytes for a float subnet with compressed layers. */
export function writeCompressedModel(input: CompressedModelInput): Uint8Array {
  const { net } = input;
  const known = compressibleLayers(net);
  const blobs: Array<{ ref: BlobRef; data: TypedArray }> = [];
  let at = 0;
  const blob = (data: TypedArray): BlobRef => {
    const ref: BlobRef = { type: blobType(data), offset: at, length: data.length };
    blobs.push({ ref, data });
    at = align8(at + data.byteLength);
    return ref;
  };
  for (const name of Object.keys(input.layers)) {
    if (!known.has(name)) throw new ExportFileError(COMPRESSED_MODEL_FILE, `layer ${name} is not a conv or linear layer of the subnet`, 'compress a layer of this subnet');
  }
  const layers: CompressedLayerEntry[] = [];
  const compressedKeys = new Set<string>();
  let modelBytes = 0;
  for (const [name, { key, shape }] of known) {
    const t = input.layers[name];
    if (!t) {
      modelBytes += 4 * shape.reduce((a, b) => a * b, 1);
      continue;
    }
    compressedKeys.add(key);
    const fields: Record<string, unknown> = {};
    const refs: Record<string, BlobRef> = {};
    for (const [field, value] of Object.entries(t)) {
      if (field === 'method') continue;
      if (ArrayBuffer.isView(value)) refs[field] = blob(value as TypedArray);
      else fields[field] = value;
    }
    const bytes = compressedBytes(t);
    modelBytes += bytes;
    layers.push({ name, key, method: t.method, fields, blobs: refs, bytes });
  }
  const float: CompressedHeader['float'] = [];
  for (const [key, t] of net.weights()) {
    if (compressedKeys.has(key)) continue;
    const changed = input.floatWeights?.[key];
    const values = changed ?? Float32Array.from(t.dataSync());
    if (values.length !== t.size) throw new ExportFileError(COMPRESSED_MODEL_FILE, `float tensor ${key} has ${values.length} values, the subnet's ${t.size}`, 'pass the tensor of the subnet');
    float.push({ key, shape: [...t.shape], blob: blob(values) });
  }
  const config = net.toConfig();
  const header: CompressedHeader = {
    format: 'oqat-compressed',
    version: COMPRESSED_FORMAT_VERSION,
    ...(config.subnet ? { subnet: config.subnet } : {}),
    ...(config.spaceName ? { spaceName: config.spaceName } : {}),
    config,
    normalization: input.normalization,
    layers,
    float,
    blobBytes: at,
    modelBytes,
    ...(input.provenance ? { provenance: input.provenance } : {}),
  };
  const json = utf8Bytes(JSON.stringify(header));
  const headerEnd = align8(16 + json.length);
  const out = new Uint8Array(headerEnd + at);
  out.set(utf8Bytes(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, COMPRESSED_FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, 16);
  for (const { ref, data } of blobs) writeLittleEndian(view, headerEnd + ref.offset, ref.type, data);
  return out;
}

function writeLittleEndian(view: DataView, start: number, type: BlobType, data: TypedArray): void {
  const size = ARRAYS[type].BYTES_PER_ELEMENT;
  for (let i = 0; i < data.length; i++) {
    const at = start + i * size;
    const v = data[i]!;
    if (type === 'uint8') view.setUint8(at, v);
    else if (type === 'int8') view.setInt8(at, v);
    else if (type === 'uint16') view.setUint16(at, v, true);
    else if (type === 'int32') view.setInt32(at, v, true);
    else view.setFloat32(at, v, true);
  }
}

function readLittleEndian(view: DataView, start: number, ref: BlobRef): TypedArray {
  const out = new ARRAYS[ref.type](ref.length);
  const size = ARRAYS[ref.type].BYTES_PER_ELEMENT;
  for (let i = 0; i < ref.length; i++) {
    const at = start + i * size;
    out[i] = ref.type === 'uint8' ? view.getUint8(at)
      : ref.type === 'int8' ? view.getInt8(at)
        : ref.type === 'uint16' ? view.getUint16(at, true)
          : ref.type === 'int32' ? view.getInt32(at, true)
            : view.getFloat32(at, true);
  }
  return out;
}

const FIX = 'write it again with oqat compress … --out DIR';

/** Reads a compressed model file: its header, its compressed layers (checked by decoding) and its float tensors. */
export function readCompressedModel(path: string): CompressedModelContents {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new ExportFileError(path, 'is missing', FIX);
  }
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw new ExportFileError(path, 'is not an oqat compressed model (no OQATCMPR magic)', FIX);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== COMPRESSED_FORMAT_VERSION) throw new ExportFileError(path, `is version ${version}, this reader reads version ${COMPRESSED_FORMAT_VERSION}`, FIX);
  const length = view.getUint32(12, true);
  if (16 + length > bytes.length) throw new ExportFileError(path, `is truncated (a ${length}-byte header in ${bytes.length} bytes)`, FIX);
  let header: CompressedHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + length))) as CompressedHeader;
  } catch (err) {
    throw new ExportFileError(path, `has a header that is not JSON (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`, FIX);
  }
  const start = align8(16 + length);
  if (start + header.blobBytes !== bytes.length) throw new ExportFileError(path, `holds ${bytes.length - start} blob bytes, its header says ${header.blobBytes}`, FIX);
  const read = (ref: BlobRef, what: string): TypedArray => {
    const end = ref.offset + ref.length * (ARRAYS[ref.type]?.BYTES_PER_ELEMENT ?? Infinity);
    if (!ARRAYS[ref.type] || ref.offset < 0 || end > header.blobBytes) throw new ExportFileError(path, `${what}: blob [${ref.offset}, ${end}) of type ${ref.type} is outside the file`, FIX);
    return readLittleEndian(view, start + ref.offset, ref);
  };
  const layers: Record<string, CompressedTensor> = {};
  for (const entry of header.layers) {
    if (!COMPRESSION_METHODS.includes(entry.method)) throw new ExportFileError(path, `layer ${entry.name} has method '${String(entry.method)}', known: ${COMPRESSION_METHODS.join(', ')}`, FIX);
    const arrays = Object.fromEntries(Object.entries(entry.blobs).map(([field, ref]) => [field, read(ref, `layer ${entry.name} ${field}`)]));
    const t = { method: entry.method, ...entry.fields, ...arrays } as CompressedTensor;
    try {
      decodeCompressed(t);
    } catch (err) {
      throw new ExportFileError(path, `layer ${entry.name}: ${err instanceof Error ? err.message : String(err)}`, FIX);
    }
    layers[entry.name] = t;
  }
  const float = new Map(header.float.map((f) => [f.key, { shape: f.shape, values: read(f.blob, f.key) as Float32Array }]));
  return { header, layers, float };
}
