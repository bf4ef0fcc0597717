import { OqatError } from '@oqat/core';

/** Errors of the ONNX builder: a one-sentence message a user can act on, with `name` set per failure. */

export class DuplicateValueError extends OqatError {
  constructor(graph: string, value: string) {
    super(`onnx graph '${graph}': value '${value}' is defined twice; give each input, initializer and node output a unique name`);
    this.name = 'DuplicateValueError';
  }
}

export class UndefinedValueError extends OqatError {
  constructor(graph: string, node: string, value: string) {
    super(
      `onnx graph '${graph}': node '${node}' reads '${value}', which no input, initializer or earlier node defines; add it before the node`,
    );
    this.name = 'UndefinedValueError';
  }
}

export class TensorDataError extends OqatError {
  constructor(tensor: string, detail: string) {
    super(`onnx tensor '${tensor}': ${detail}`);
    this.name = 'TensorDataError';
  }
}

export class AttributeValueError extends OqatError {
  constructor(node: string, attribute: string, detail: string) {
    super(`onnx node '${node}': attribute '${attribute}' ${detail}`);
    this.name = 'AttributeValueError';
  }
}

export class QuantizationParamsError extends OqatError {
  constructor(what: string, detail: string) {
    super(`onnx ${what}: ${detail}`);
    this.name = 'QuantizationParamsError';
  }
}

export class ModelDecodeError extends OqatError {
  constructor(detail: string) {
    super(`onnx: the bytes are not a ModelProto (${detail}); pass the contents of a .onnx file`);
    this.name = 'ModelDecodeError';
  }
}
