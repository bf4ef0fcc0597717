import { tf } from '../../tf';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

/** What the backward kernels need to know about a forward convolution. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * Resolves strides and padding ('same', 'valid', a number, explicit) into
 * numbers with tfjs's own rules, so our kernels agree with cpu's exactly.
 */
export function convGeometry(
  kernel: string,
  inShape: readonly number[],
  filterShape: readonly number[],
  strides: number | [number, number],
  pad: Pad,
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
  depthwise: boolean,
  dilations: number | [number, number] = 1,
): ConvGeometry {
  const [dh, dw] = typeof dilations === 'number' ? [dilations, dilations] : dilations;
  if (dh !== 1 || dw !== 1) {
    throw new Error(`wasm ${kernel}: dilations other than 1 are not supported, got [${dh}, ${dw}]`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    depthwise,
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** Throws for NCHW: tfjs's wasm convolutions are NHWC only, and so are ours. */
export function assertNhwc(kernel: string, dataFormat: string | undefined): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new Error(`wasm ${kernel}: only dataFormat NHWC is supported, got ${dataFormat}`);
  }
}
