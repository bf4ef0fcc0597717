import { OqatError } from '@oqat/core';

// One class per failure a user can cause. Each constructor takes the facts and
// writes one sentence naming the operation, the file or value, and the fix, so
// the CLI can print `message` alone.

export class IdxTruncatedError extends OqatError {
  constructor(file: string, detail: string) {
    super(`readIdx: ${file} is truncated (${detail}); re-download or re-create the file`);
    this.name = 'IdxTruncatedError';
  }
}

export class GzipCorruptError extends OqatError {
  constructor(file: string, reason: string) {
    super(`readIdx: ${file} is not a valid gzip stream (${reason}); re-download or re-create the file`);
    this.name = 'GzipCorruptError';
  }
}

export class IdxMagicError extends OqatError {
  constructor(file: string, magic: number) {
    const hex = `0x${magic.toString(16).padStart(8, '0')}`;
    super(
      `readIdx: ${file} has magic ${hex}, expected an unsigned-byte IDX header 0x000008NN (NN = 01..04); is it an IDX file?`,
    );
    this.name = 'IdxMagicError';
  }
}

export class IdxRankError extends OqatError {
  constructor(file: string, expectedRank: number, dims: readonly number[]) {
    super(`readIdx: ${file} has shape [${dims.join(', ')}], expected ${expectedRank} dimensions`);
    this.name = 'IdxRankError';
  }
}

/** A dataset's images are not the size its networks take (Fashion-MNIST: 28×28, one channel). */
export class IdxImageShapeError extends OqatError {
  constructor(file: string, dims: readonly number[], expected: string) {
    super(
      `readIdx: ${file} holds images of shape [${dims.slice(1).join(', ')}], expected ${expected}; ` +
        `point OQAT_DATA at the Fashion-MNIST files (or resize the images to 28×28 grayscale first)`,
    );
    this.name = 'IdxImageShapeError';
  }
}

/** A split with no items: nothing to train or evaluate on. */
export class IdxEmptySplitError extends OqatError {
  constructor(file: string, split: string) {
    super(`readIdx: ${file} holds 0 images; the ${split} split needs at least one: re-download or re-create the file`);
    this.name = 'IdxEmptySplitError';
  }
}

export class IdxCountMismatchError extends OqatError {
  constructor(imagesFile: string, imageCount: number, labelsFile: string, labelCount: number) {
    super(
      `loadIdxPair: ${imagesFile} holds ${imageCount} images but ${labelsFile} holds ${labelCount} labels; the two files must come from the same split`,
    );
    this.name = 'IdxCountMismatchError';
  }
}

export class LabelOutOfRangeError extends OqatError {
  constructor(file: string, index: number, label: number, classCount: number) {
    super(`loadIdxPair: ${file} has label ${label} at item ${index}, expected 0..${classCount - 1}`);
    this.name = 'LabelOutOfRangeError';
  }
}

export class DatasetNotFoundError extends OqatError {
  constructor(what: string, fix: string) {
    super(`${what}; ${fix}`);
    this.name = 'DatasetNotFoundError';
  }
}

export class NetworkUnreachableError extends OqatError {
  constructor(url: string, reason: string) {
    super(
      `fetchFashionMnist: cannot reach ${url} (${reason}); connect to the internet, or copy the 4 IDX files into a folder and set OQAT_DATA to it`,
    );
    this.name = 'NetworkUnreachableError';
  }
}

export class DownloadHttpError extends OqatError {
  constructor(url: string, status: number, statusText: string) {
    super(
      `fetchFashionMnist: ${url} answered HTTP ${status} ${statusText}; download the 4 files by hand and set OQAT_DATA to their folder`,
    );
    this.name = 'DownloadHttpError';
  }
}

export class DownloadVerificationError extends OqatError {
  constructor(file: string, reason: string) {
    super(`fetchFashionMnist: ${file} failed verification (${reason}); run the fetch again`);
    this.name = 'DownloadVerificationError';
  }
}

export class PngReadError extends OqatError {
  constructor(file: string, reason: string) {
    super(`loadPngSegmentationFolder: cannot read ${file} as PNG (${reason})`);
    this.name = 'PngReadError';
  }
}

export class MaskMissingError extends OqatError {
  constructor(imageFile: string, maskFile: string) {
    super(`loadPngSegmentationFolder: image ${imageFile} has no mask; expected ${maskFile}`);
    this.name = 'MaskMissingError';
  }
}

export class MaskSizeMismatchError extends OqatError {
  constructor(maskFile: string, maskSize: string, imageFile: string, imageSize: string) {
    super(
      `loadPngSegmentationFolder: mask ${maskFile} is ${maskSize} but image ${imageFile} is ${imageSize}; a mask must match its image pixel for pixel`,
    );
    this.name = 'MaskSizeMismatchError';
  }
}

export class ImageSizeInconsistentError extends OqatError {
  constructor(file: string, size: string, firstFile: string, firstSize: string, operation = 'loadPngSegmentationFolder') {
    super(
      `${operation}: ${file} is ${size} but ${firstFile} is ${firstSize}; all images of a folder must share one size ` +
        (operation === 'loadImageFolder' ? '(resize them first, train with --resize-images, or leave them out with --skip-bad-files)' : '(resize them first)'),
    );
    this.name = 'ImageSizeInconsistentError';
  }
}

export class UnsupportedMaskFormatError extends OqatError {
  constructor(file: string, detail: string) {
    super(
      `loadPngSegmentationFolder: mask ${file} is ${detail}; expected an 8-bit grayscale or palette (index) PNG whose values are class ids`,
    );
    this.name = 'UnsupportedMaskFormatError';
  }
}

export class MaskValueError extends OqatError {
  constructor(maskFile: string, value: number, classCount: number) {
    super(
      `loadPngSegmentationFolder: mask ${maskFile} holds value ${value}, but only ${classCount} class names were given (0..${classCount - 1})`,
    );
    this.name = 'MaskValueError';
  }
}

export class InvalidDataOptionError extends OqatError {
  constructor(operation: string, option: string, received: unknown, allowed: string) {
    super(`${operation}: ${option} must be ${allowed}, got ${String(received)}`);
    this.name = 'InvalidDataOptionError';
  }
}

/** An image file of a dataset folder that cannot be decoded (damaged, cut off, or not an image). */
export class ImageDecodeError extends OqatError {
  constructor(file: string, reason: string) {
    super(`loadImageFolder: cannot read ${file} as PNG or JPEG (${reason}); replace or remove it, or skip bad files (--skip-bad-files)`);
    this.name = 'ImageDecodeError';
  }
}

/** A class folder with no image in it: the class could never be learned or scored. */
export class EmptyClassError extends OqatError {
  constructor(dir: string) {
    super(`loadImageFolder: class folder ${dir} holds no PNG or JPEG image; add images or remove it, or skip bad files (--skip-bad-files)`);
    this.name = 'EmptyClassError';
  }
}
