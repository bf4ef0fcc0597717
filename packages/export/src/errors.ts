import { OqatError } from '@oqat/core';

/** An export was asked for a format this package does not write. */
export class UnknownExportFormatError extends OqatError {
  constructor(format: string, known: readonly string[]) {
    super(`exportSubnet: unknown format '${format}', expected one or more of ${known.join(', ')}`);
    this.name = 'UnknownExportFormatError';
  }
}

/** The static network handed to exportSubnet was extracted for another subnet than the spec names. */
export class SubnetMismatchError extends OqatError {
  constructor(expected: string, got: string) {
    super(`exportSubnet: the static network was extracted for subnet ${got}, not ${expected}; pass the matching spec, or extract that subnet (staticSubnet of @oqat/search)`);
    this.name = 'SubnetMismatchError';
  }
}

/** An exported ONNX model fails the structural check (the list of problems is in `problems`). */
export class OnnxCheckError extends OqatError {
  constructor(
    readonly model: string,
    readonly problems: readonly string[],
  ) {
    super(`onnx check of ${model}: ${problems.length} problem(s), first: ${problems[0]}`);
    this.name = 'OnnxCheckError';
  }
}

/** An exported file cannot be read back: missing, truncated or not written by this exporter. */
export class ExportFileError extends OqatError {
  constructor(path: string, problem: string, fix: string) {
    super(`export file ${path}: ${problem}; ${fix}`);
    this.name = 'ExportFileError';
  }
}

/** A dataset does not fit the exported model (channels, classes). */
export class ExportDatasetError extends OqatError {
  constructor(what: string, problem: string) {
    super(`${what}: ${problem}`);
    this.name = 'ExportDatasetError';
  }
}

/** A broken invariant of the exporter itself (not something a user can fix). */
export class ExportInternalError extends OqatError {
  constructor(where: string, problem: string) {
    super(`${where}: ${problem} (an exporter bug; please report it with the subnet spec)`);
    this.name = 'ExportInternalError';
  }
}

/** A segmentation subnet was exported without the image size its upsampling is built for. */
export class SegmentationImageSizeError extends OqatError {
  constructor() {
    super('exportSubnet: a segmentation subnet needs imageSize, the [height, width] of the images it will segment (its upsampling weights are fixed to it), e.g. [64, 64] for 64-pixel scenes');
    this.name = 'SegmentationImageSizeError';
  }
}

/** A layer's weights are a sum of several low-precision tensors (MMSE multi-tensor), which the files cannot hold. */
export class MultiTensorExportError extends OqatError {
  constructor(layer: string, terms: number) {
    super(`exportSubnet: layer ${layer} is quantized as a sum of ${terms} low-precision tensors (MMSE multi-tensor), which the tfjs, ONNX and packed files do not hold (one integer tensor per weight); export a quantize run calibrated without --multi-tensor`);
    this.name = 'MultiTensorExportError';
  }
}

/** A subnet the integer ONNX graph cannot express (float layers, non-uniform formats, segmentation heads). */
export class OnnxIntegerError extends OqatError {
  constructor(problem: string) {
    super(`integer ONNX export: ${problem}`);
    this.name = 'OnnxIntegerError';
  }
}

/** An export its run's deployment preset forbids: the backend would not run it (the message says why). */
export class PresetExportError extends OqatError {
  constructor(problem: string) {
    super(`exportSubnet: ${problem}`);
    this.name = 'PresetExportError';
  }
}

/** ABFP's run-time block exponents have no exact form in the tfjs or ONNX files (the packed format holds them). */
export class AbfpExportError extends OqatError {
  constructor(layer: string, formats: readonly string[]) {
    super(`exportSubnet: layer ${layer} is in ABFP (blocks sharing a power-of-two exponent, the inputs' computed at run time), which ${formats.join(' and ')} cannot express exactly with static scales; export --format packed (codes, one exponent per weight block, the step factor)`);
    this.name = 'AbfpExportError';
  }
}

/** ESB values an export file cannot hold exactly (ONNX: activation levels off a uniform grid, weight levels beyond int8). */
export class EsbExportError extends OqatError {
  constructor(layer: string, problem: string) {
    super(`exportSubnet: layer ${layer} ${problem}; export --format packed (ESB codes, alpha and k) or tfjs (exact floats, ESB inputs computed in the graph)`);
    this.name = 'EsbExportError';
  }
}
