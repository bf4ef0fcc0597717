export { GraphBuilder, DEFAULT_OPSET, irVersionForOpset } from './graph-builder';
export type { NodeOptions, BuildOptions } from './graph-builder';
export { attr } from './attribute';
export type { AttributeValue } from './attribute';
export { makeTensor } from './make-tensor';
export type { TensorInit } from './make-tensor';
export { DATA_TYPES, dataTypeCode, decodeRawData } from './data-type';
export type { DataTypeName, TensorValues } from './data-type';
export { encodeModel, decodeModel } from './encode-model';
export { sameOutputSize, samePads } from './same-padding';
export { quantizeLinear, dequantizeLinear, qdq, affineParams, quantizedWeight, quantizedBias, weightScales } from './qdq';
export type { QuantParams, QuantizedWeightOptions } from './qdq';
export type {
  OnnxModel,
  OnnxGraph,
  OnnxNode,
  OnnxTensor,
  OnnxAttribute,
  OnnxValueInfo,
  OnnxDim,
  OnnxOpsetId,
} from './model-types';
export { ATTRIBUTE_TYPES } from './model-types';
export {
  DuplicateValueError,
  UndefinedValueError,
  TensorDataError,
  AttributeValueError,
  QuantizationParamsError,
  ModelDecodeError,
} from './errors';
