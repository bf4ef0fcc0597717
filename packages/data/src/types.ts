/**
 * Datasets are kept as raw bytes (NHWC, uint8) and turned into float tensors
 * one batch at a time: the full Fashion-MNIST train split is 47 MB as bytes but
 * 188 MB as float32, and each run resizes it to its own resolution anyway.
 */
export interface ImageDataset {
  /** Pixels, count × height × width × channels, row-major, 0..255. */
  readonly images: Uint8Array;
  /** One class id per item, 0..classNames.length-1. */
  readonly labels: Uint8Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly classNames: readonly string[];
}

/** Images with a per-pixel class mask (same height and width). */
export interface SegmentationDataset {
  /** Pixels, count × height × width × channels, 0..255. */
  readonly images: Uint8Array;
  /** Class ids, count × height × width; 0 is background where a dataset has one. */
  readonly masks: Uint8Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Name of each mask value; masks hold 0..classNames.length-1 (and possibly ignoreValue). */
  readonly classNames: readonly string[];
  /** Mask value meaning "not labelled" (255 in Cityscapes/CamVid exports), if present. */
  readonly ignoreValue?: number;
}

/** Pixel scaling applied after augmentation: x/255, then (x - mean) / std. */
export interface Normalization {
  readonly mean: number;
  readonly std: number;
}
