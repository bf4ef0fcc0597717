import { tf, type Tensor } from '@oqat/engine';
import type { StaticMobileNet } from '../static/static-mobilenet';
import type { PtqLayer } from './ptq-layers';

/** What calibration knows of one layer's input over the calibration images. */
export interface InputSample {
  /** a strided sample of the input values, the exact minimum and maximum included */
  values: Float32Array;
  /** input values seen (all images, all positions) */
  seen: number;
}

/**
 * Runs the (float) network on the calibration batches and keeps, per layer,
 * a sample of its input values: every value while the layer's inputs fit
 * `maxValues`, else an even stride through each batch, plus the exact
 * extremes (min-max reads those; percentile and MSE the sample). The layers'
 * forward methods are wrapped for the duration only.
 */
export function sampleLayerInputs(net: StaticMobileNet, layers: readonly PtqLayer[], batches: readonly Tensor[], maxValues = 200_000): Map<string, InputSample> {
  const images = batches.reduce((a, b) => a + b.shape[0]!, 0);
  const kept = new Map<string, { parts: Float32Array[]; lo: number; hi: number; seen: number }>();
  const restore: Array<() => void> = [];
  for (const { name, layer } of layers) {
    const original = layer.forward;
    const acc = { parts: [] as Float32Array[], lo: Infinity, hi: -Infinity, seen: 0 };
    kept.set(name, acc);
    layer.forward = (x: Tensor): Tensor => {
      const data = x.dataSync() as Float32Array;
      // Values per image times images: the stride that keeps about maxValues over the whole set.
      const stride = Math.max(1, Math.ceil((data.length / x.shape[0]!) * images / maxValues));
      const part = new Float32Array(Math.ceil(data.length / stride));
      for (let i = 0, j = 0; i < data.length; i += stride, j++) part[j] = data[i]!;
      for (let i = 0; i < data.length; i++) {
        const v = data[i]!;
        if (v < acc.lo) acc.lo = v;
        if (v > acc.hi) acc.hi = v;
      }
      acc.parts.push(part);
      acc.seen += data.length;
      return original.call(layer, x);
    };
    restore.push(() => {
      layer.forward = original;
    });
  }
  try {
    for (const batch of batches) tf.tidy(() => net.forward(batch));
  } finally {
    for (const r of restore) r();
  }
  return new Map([...kept].map(([name, acc]) => {
    const n = acc.parts.reduce((a, p) => a + p.length, 0);
    const values = new Float32Array(n + 2);
    let at = 0;
    for (const p of acc.parts) {
      values.set(p, at);
      at += p.length;
    }
    values[n] = acc.lo;
    values[n + 1] = acc.hi;
    return [name, { values, seen: acc.seen }];
  }));
}
