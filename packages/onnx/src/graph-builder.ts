import { toAttribute, type AttributeValue } from './attribute';
import { dataTypeCode, type DataTypeName } from './data-type';
import { DuplicateValueError, UndefinedValueError } from './errors';
import { makeTensor, type TensorInit } from './make-tensor';
import type { OnnxDim, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from './model-types';

export interface NodeOptions {
  /** node name; default `<opType>_<n>` */
  name?: string;
  /** output names; default one fresh name derived from the node name */
  outputs?: readonly string[];
  /** operator domain; default '' (ai.onnx) */
  domain?: string;
}

export interface BuildOptions {
  /** ai.onnx opset; default 17 */
  opset?: number;
  /** ONNX IR version; default the one that introduced `opset` */
  irVersion?: number;
  /** extra operator sets, e.g. { domain: 'com.microsoft', version: 1 } */
  extraOpsets?: ReadonlyArray<{ domain: string; version: number }>;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  metadata?: Readonly<Record<string, string>>;
}

export const DEFAULT_OPSET = 17;

/** IR version that introduced each opset (onnx/helper.py VERSION_TABLE). */
export function irVersionForOpset(opset: number): number {
  if (opset <= 8) return 3;
  if (opset <= 9) return 4;
  if (opset <= 10) return 5;
  if (opset <= 11) return 6;
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  if (opset <= 22) return 10;
  return 11;
}

function valueInfo(name: string, dataType: DataTypeName, dims?: ReadonlyArray<number | string>): OnnxValueInfo {
  const tensorType: OnnxValueInfo['type']['tensorType'] = { elemType: dataTypeCode(dataType) };
  if (dims) {
    tensorType.shape = {
      dim: dims.map((d): OnnxDim => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
    };
  }
  return { name, type: { tensorType } };
}

/**
 * Builds one ONNX graph in topological order: every node may read only
 * graph inputs, initializers and outputs of nodes added before it, and every
 * value name is defined once (both checked as you go).
 *
 * ```ts
 * const g = new GraphBuilder('tiny');
 * const x = g.input('x', 'float32', [1, 3, 8, 8]);
 * const w = g.initializer('w', { dataType: 'float32', dims: [4, 3, 1, 1], values });
 * g.output(g.node('Relu', [g.node('Conv', [x, w], { pads: [0, 0, 0, 0] })]), 'float32');
 * const bytes = encodeModel(g.build({ opset: 17 }));
 * ```
 */
export class GraphBuilder {
  private readonly defined = new Set<string>();
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxTensor[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: OnnxValueInfo[] = [];
  private readonly counters = new Map<string, number>();

  constructor(readonly name = 'graph') {}

  /** A name not used yet, `<prefix>` or `<prefix>_<n>`. */
  uniqueName(prefix: string): string {
    let n = this.counters.get(prefix) ?? 0;
    let name = n === 0 ? prefix : `${prefix}_${n}`;
    while (this.defined.has(name)) name = `${prefix}_${++n}`;
    this.counters.set(prefix, n + 1);
    return name;
  }

  has(value: string): boolean {
    return this.defined.has(value);
  }

  private define(value: string): string {
    if (this.defined.has(value)) throw new DuplicateValueError(this.name, value);
    this.defined.add(value);
    return value;
  }

  /** A graph input; dims may name symbolic sizes ('batch'). */
  input(name: string, dataType: DataTypeName, dims: ReadonlyArray<number | string>): string {
    this.inputs.push(valueInfo(this.define(name), dataType, dims));
    return name;
  }

  /** A constant tensor stored in the model. */
  initializer(name: string, tensor: TensorInit): string {
    this.initializers.push(makeTensor(this.define(name), tensor));
    return name;
  }

  /** A float32 scalar or vector initializer with a fresh name. */
  constant(prefix: string, tensor: TensorInit): string {
    return this.initializer(this.uniqueName(prefix), tensor);
  }

  /** Adds a node with one output and returns the output's name. */
  node(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>> = {}, options: NodeOptions = {}): string {
    return this.nodeOutputs(opType, inputs, attributes, options)[0]!;
  }

  /** Adds a node and returns all its output names (`options.outputs`, or one fresh name). */
  nodeOutputs(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    options: NodeOptions = {},
  ): string[] {
    const name = options.name ?? this.uniqueName(opType);
    for (const input of inputs) {
      // '' marks an omitted optional input in ONNX
      if (input !== '' && !this.defined.has(input)) throw new UndefinedValueError(this.name, name, input);
    }
    const outputs = options.outputs ? [...options.outputs] : [this.uniqueName(`${name}_out`)];
    for (const out of outputs) this.define(out);
    const attribute = Object.entries(attributes).map(([key, value]) => toAttribute(name, key, value));
    const node: OnnxNode = { name, opType, input: [...inputs], output: outputs, attribute };
    if (options.domain) node.domain = options.domain;
    this.nodes.push(node);
    return outputs;
  }

  /** Marks a defined value as a graph output. */
  output(value: string, dataType: DataTypeName, dims?: ReadonlyArray<number | string>): void {
    if (!this.defined.has(value)) throw new UndefinedValueError(this.name, 'graph output', value);
    this.outputs.push(valueInfo(value, dataType, dims));
  }

  build(options: BuildOptions = {}): OnnxModel {
    const opset = options.opset ?? DEFAULT_OPSET;
    const model: OnnxModel = {
      irVersion: options.irVersion ?? irVersionForOpset(opset),
      opsetImport: [{ domain: '', version: opset }, ...(options.extraOpsets ?? []).map((o) => ({ ...o }))],
      producerName: options.producerName ?? 'oqat',
      producerVersion: options.producerVersion ?? '0.1.0',
      graph: {
        name: this.name,
        node: [...this.nodes],
        initializer: [...this.initializers],
        input: [...this.inputs],
        output: [...this.outputs],
      },
    };
    if (options.docString) model.docString = options.docString;
    if (options.metadata) model.metadataProps = Object.entries(options.metadata).map(([key, value]) => ({ key, value }));
    return model;
  }
}
