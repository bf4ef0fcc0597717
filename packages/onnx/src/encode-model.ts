import protobuf from 'protobufjs';
import { ModelDecodeError } from './errors';
import type { OnnxModel } from './model-types';
import { ONNX_PROTO_SUBSET } from './proto/onnx-proto';

let modelType: protobuf.Type | undefined;

function modelProto(): protobuf.Type {
  modelType ??= protobuf.parse(ONNX_PROTO_SUBSET, { keepCase: false }).root.lookupType('onnx.ModelProto');
  return modelType;
}

/** Serialises a model to the bytes of a .onnx file. */
export function encodeModel(model: OnnxModel): Uint8Array {
  const type = modelProto();
  return type.encode(type.fromObject(model)).finish();
}

/** Reads .onnx bytes back into plain data (int64 as Number, bytes as Uint8Array). */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  const type = modelProto();
  let message: protobuf.Message;
  try {
    message = type.decode(bytes);
  } catch (err) {
    throw new ModelDecodeError(err instanceof Error ? err.message : String(err));
  }
  const obj = type.toObject(message, { longs: Number, defaults: false, arrays: true }) as OnnxModel;
  if (!obj.graph) throw new ModelDecodeError('it has no graph');
  obj.graph.node ??= [];
  obj.graph.initializer ??= [];
  obj.graph.input ??= [];
  obj.graph.output ??= [];
  for (const n of obj.graph.node) {
    n.attribute ??= [];
    n.input ??= [];
    n.output ??= [];
  }
  for (const t of obj.graph.initializer) t.dims ??= [];
  return obj;
}
