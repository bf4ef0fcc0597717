import type { SearchSpace } from '@oqat/latency';
import { resolveSearchSpace } from './resolve-search-space';

/** What a space must fit of a dataset: channels, classes and image size. */
export interface DataShape {
  channels: number;
  classes: number;
  height: number;
  width: number;
}

/**
 * The image side each small built-in space was built for: Fashion-MNIST's 28
 * px (resolutions 24-32) and the segmentation scenes' 64 px canvas (48-64).
 * Spaces not listed (the OFA space's 128-224) keep their resolutions.
 */
const NATIVE_SIDE: Readonly<Record<string, number>> = { 'fashion-mnist': 28, 'segmentation-scenes': 64 };

/** Resolutions are multiples of 4, as the built-in spaces' are (stride-2 stages halve them evenly). */
const multipleOf4 = (x: number): number => Math.max(8, 4 * Math.round(x / 4));

/**
 * A built-in space fitted to a dataset: its input channels and classes, and
 * for the small spaces its resolutions scaled by the images' shorter side
 * over the side the space was built for (a 28 px folder gets 24/28/32, as
 * Fashion-MNIST; 16 px gets 12/16/20). The layout (stages, widths, kernels,
 * bits) is the built-in's; the name says what was fitted, so caches keyed by
 * a space's name (latency predictors) do not mix spaces.
 */
export function spaceForData(name: string, data: DataShape): SearchSpace {
  const base = resolveSearchSpace(name);
  const native = NATIVE_SIDE[name];
  const side = Math.min(data.height, data.width);
  const resolutions = native ? [...new Set(base.resolutions.map((r) => multipleOf4((r * side) / native)))] : base.resolutions;
  return {
    ...base,
    name: `${base.name}@${data.channels}c${data.classes}k${resolutions.join('-')}`,
    inputC: data.channels,
    numClasses: data.classes,
    resolutions,
  };
}
