/** The paper's grouping structures (the authors' code: pixelwise convs, a channelwise first conv, subchannelwise fully-connected layers). */
export type AlqStructureName = 'pixelwise' | 'channelwise' | 'kernelwise' | 'subchannelwise';

export interface AlqStructure {
  structure: AlqStructureName;
  order: number[];
  groupSize: number;
}

/** A conv with fewer input channels than this (a stem on RGB or grey images) is grouped channelwise, as the paper's first layer. */
export const ALQ_PIXELWISE_MIN_CHANNELS = 8;
/** Fully-connected groups are whole rows cut into the fewest equal subchannels of at most this many weights (the authors' VGG/LeNet groups: 400-512). */
export const ALQ_MAX_SUBCHANNEL = 512;

/**
 * How ALQ groups a layer's weight: a conv [k, k, in, out] pixelwise (one
 * group per output filter and kernel position: its `in` weights) or, with
 * fewer than ALQ_PIXELWISE_MIN_CHANNELS inputs, channelwise (the whole
 * filter); a depthwise conv [k, k, c, 1] kernelwise (its k·k kernel per
 * channel); a linear [in, out] subchannelwise (each output's row in equal
 * parts of at most ALQ_MAX_SUBCHANNEL). Every group of a layer has the same length.
 */
export function alqStructure(shape: readonly number[], depthwise: boolean): AlqStructure {
  if (shape.length === 2) {
    const n = shape[0]!;
    let parts = 1;
    while (n / parts > ALQ_MAX_SUBCHANNEL || n % parts !== 0) parts++;
    return { structure: 'subchannelwise', order: [1, 0], groupSize: n / parts };
  }
  const [kh, kw, cin] = shape as [number, number, number, number];
  if (depthwise) return { structure: 'kernelwise', order: [2, 3, 0, 1], groupSize: kh * kw };
  if (cin < ALQ_PIXELWISE_MIN_CHANNELS) return { structure: 'channelwise', order: [3, 0, 1, 2], groupSize: kh * kw * cin };
  return { structure: 'pixelwise', order: [3, 0, 1, 2], groupSize: cin };
}
