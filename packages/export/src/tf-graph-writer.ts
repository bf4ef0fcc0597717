import { ExportInternalError } from './errors';

/**
 * A small writer of TensorFlow GraphDef JSON (the `modelTopology` of a
 * tfjs graph model, proto3 JSON mapping: int64 as strings, bytes as base64)
 * and of the weights manifest that holds every Const node's value.
 */

export type TfAttr =
  | { type: string }
  | { b: boolean }
  | { s: string }
  | { i: string }
  | { f: number }
  | { list: { i: string[] } }
  | { shape: { dim: Array<{ size: string }> } }
  | { tensor: { dtype: string; tensorShape: { dim?: Array<{ size: string }> } } };

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

export interface TfWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
}

const DT = { float32: 'DT_FLOAT', int32: 'DT_INT32' } as const;

export const tfAttr = {
  float: (): TfAttr => ({ type: DT.float32 }),
  int32: (): TfAttr => ({ type: DT.int32 }),
  bool: (b: boolean): TfAttr => ({ b }),
  string: (s: string): TfAttr => ({ s: Buffer.from(s, 'utf8').toString('base64') }),
  ints: (values: readonly number[]): TfAttr => ({ list: { i: values.map(String) } }),
  shape: (dims: readonly number[]): TfAttr => ({ shape: { dim: dims.map((d) => ({ size: String(d) })) } }),
};

function tensorShape(dims: readonly number[]): { dim?: Array<{ size: string }> } {
  return dims.length ? { dim: dims.map((d) => ({ size: String(d) })) } : {};
}

export class TfGraphWriter {
  readonly nodes: TfNode[] = [];
  private readonly specs: TfWeightSpec[] = [];
  private readonly data: Uint8Array[] = [];
  private readonly names = new Set<string>();
  private readonly scalars = new Map<number, string>();

  private claim(name: string): string {
    if (this.names.has(name)) throw new ExportInternalError('TfGraphWriter', `node '${name}' is defined twice`);
    this.names.add(name);
    return name;
  }

  placeholder(name: string, dims: readonly number[]): string {
    this.nodes.push({ name: this.claim(name), op: 'Placeholder', attr: { dtype: tfAttr.float(), shape: tfAttr.shape(dims) } });
    return name;
  }

  /** A Const node whose value is stored in the weights file. */
  constant(name: string, values: Float32Array | Int32Array, dims: readonly number[]): string {
    const dtype = values instanceof Int32Array ? 'int32' : 'float32';
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== values.length) throw new ExportInternalError('TfGraphWriter', `constant '${name}' has ${values.length} values for shape [${dims.join(', ')}]`);
    this.nodes.push({
      name: this.claim(name),
      op: 'Const',
      attr: { value: { tensor: { dtype: DT[dtype], tensorShape: tensorShape(dims) } }, dtype: { type: DT[dtype] } },
    });
    this.specs.push({ name, shape: [...dims], dtype });
    this.data.push(new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)));
    return name;
  }

  /** A float scalar Const, shared by every node that needs this value. */
  scalar(value: number): string {
    const known = this.scalars.get(value);
    if (known) return known;
    const name = this.constant(`const/${value}`, Float32Array.of(value), []);
    this.scalars.set(value, name);
    return name;
  }

  op(name: string, op: string, input: readonly string[], attr: Record<string, TfAttr> = {}): string {
    this.nodes.push({ name: this.claim(name), op, input: [...input], attr });
    return name;
  }

  weightSpecs(): TfWeightSpec[] {
    return this.specs.map((s) => ({ ...s, shape: [...s.shape] }));
  }

  /** The concatenated weight bytes, in weightSpecs order (little-endian, as tfjs reads them). */
  weightData(): Uint8Array {
    const out = new Uint8Array(this.data.reduce((a, d) => a + d.length, 0));
    let at = 0;
    for (const d of this.data) {
      out.set(d, at);
      at += d.length;
    }
    return out;
  }
}
