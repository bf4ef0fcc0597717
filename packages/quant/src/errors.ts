import { OqatError } from '@oqat/core';

// One class per failure a caller can cause. Each constructor takes the facts
// and writes one sentence: the operation, the value received, what is allowed.

export class InvalidBitsError extends OqatError {
  constructor(operation: string, bits: unknown, allowed: string) {
    super(`${operation}: bits must be ${allowed}, got ${String(bits)}`);
    this.name = 'InvalidBitsError';
  }
}

export class InvalidQuantOptionError extends OqatError {
  constructor(operation: string, option: string, received: unknown, allowed: string) {
    super(`${operation}: ${option} must be ${allowed}, got ${String(received)}`);
    this.name = 'InvalidQuantOptionError';
  }
}

export class StepShapeError extends OqatError {
  constructor(operation: string, stepShape: readonly number[], expected: string) {
    super(`${operation}: step has shape [${stepShape.join(', ')}], expected ${expected}`);
    this.name = 'StepShapeError';
  }
}

export class ChannelSliceError extends OqatError {
  constructor(operation: string, requested: number, available: number) {
    super(
      `${operation}: a subnet asked for ${requested} channels but the quantizer holds ${available} per-channel steps; build the quantizer with channels >= the layer's widest setting`,
    );
    this.name = 'ChannelSliceError';
  }
}

export class StepNotInitialisedError extends OqatError {
  constructor(operation: string, bits: number) {
    super(
      `${operation}: the ${bits}-bit step size is not initialised; call quantize() on data at ${bits} bits or inherit() from another bit width first`,
    );
    this.name = 'StepNotInitialisedError';
  }
}

export class PackRangeError extends OqatError {
  constructor(index: number, value: number, bits: number, signed: boolean) {
    const [lo, hi] = signed ? [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1] : [0, 2 ** bits - 1];
    super(
      `pack: value ${value} at index ${index} does not fit ${bits}-bit ${signed ? 'signed' : 'unsigned'} (${lo}..${hi})${
        !signed && value < 0 ? '; pass { signed: true } for negative values' : ''
      }`,
    );
    this.name = 'PackRangeError';
  }
}

export class PackedLengthError extends OqatError {
  constructor(byteLength: number, bits: number, n: number) {
    super(`unpack: ${n} values of ${bits} bits need ${Math.ceil((n * bits) / 8)} bytes, got ${byteLength}`);
    this.name = 'PackedLengthError';
  }
}

export class ShapeMismatchError extends OqatError {
  constructor(operation: string, what: string, received: number, expected: number) {
    super(`${operation}: ${what} has ${received} elements, expected ${expected}`);
    this.name = 'ShapeMismatchError';
  }
}
