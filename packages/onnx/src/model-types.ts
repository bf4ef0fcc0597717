/**
 * Plain-data mirror of the ONNX protobuf messages (camelCase field names, as
 * protobufjs maps them). `GraphBuilder.build` returns an `OnnxModel`;
 * `encodeModel` turns it into .onnx bytes and `decodeModel` reads them back.
 */
export interface OnnxTensor {
  name: string;
  dataType: number;
  dims: number[];
  rawData?: Uint8Array;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  docString?: string;
}

/** AttributeProto.AttributeType codes used here. */
export const ATTRIBUTE_TYPES = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7, strings: 8 } as const;

export interface OnnxAttribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

export interface OnnxNode {
  name: string;
  opType: string;
  domain?: string;
  input: string[];
  output: string[];
  attribute: OnnxAttribute[];
}

export interface OnnxDim {
  dimValue?: number;
  dimParam?: string;
}

export interface OnnxValueInfo {
  name: string;
  type: { tensorType: { elemType: number; shape?: { dim: OnnxDim[] } } };
}

export interface OnnxGraph {
  name: string;
  node: OnnxNode[];
  initializer: OnnxTensor[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
  valueInfo?: OnnxValueInfo[];
  docString?: string;
}

export interface OnnxOpsetId {
  domain: string;
  version: number;
}

export interface OnnxModel {
  irVersion: number;
  opsetImport: OnnxOpsetId[];
  producerName: string;
  producerVersion: string;
  docString?: string;
  graph: OnnxGraph;
  metadataProps?: Array<{ key: string; value: string }>;
}
