import type { LayerDesc, LatencySample } from '../ir/layer-desc';
import { LayerKeyBuilder } from '../lut/layer-key';
import { FEATURE_COUNT, layerFeatures, layerWork } from './layer-features';

/** The distinct layer keys of a sample set, with features, and each sample's layers as key indices. */
export interface KeyIndex {
  device: string;
  keys: string[];
  layers: LayerDesc[];
  ops: string[];
  /** keys x FEATURE_COUNT, row-major */
  features: Float64Array;
  mmacs: Float64Array;
  mbytes: Float64Array;
  /** per sample, the key index of each layer */
  sampleKeys: Int32Array[];
}

export function indexKeys(samples: readonly LatencySample[], device: string): KeyIndex {
  const builder = new LayerKeyBuilder(device);
  const byKey = new Map<string, number>();
  const layers: LayerDesc[] = [];
  const keys: string[] = [];
  const sampleKeys = samples.map((s) =>
    Int32Array.from(s.layers, (layer) => {
      const key = builder.key(layer);
      let i = byKey.get(key);
      if (i === undefined) {
        i = keys.length;
        byKey.set(key, i);
        keys.push(key);
        layers.push(layer);
      }
      return i;
    }),
  );
  const features = new Float64Array(keys.length * FEATURE_COUNT);
  const mmacs = new Float64Array(keys.length);
  const mbytes = new Float64Array(keys.length);
  layers.forEach((layer, i) => {
    features.set(layerFeatures(layer, device), i * FEATURE_COUNT);
    const w = layerWork(layer, device);
    mmacs[i] = w.mmacs;
    mbytes[i] = w.mbytes;
  });
  return { device, keys, layers, ops: layers.map((l) => l.op), features, mmacs, mbytes, sampleKeys };
}

/** Rows of `features` for the given key indices, as a dense matrix. */
export function selectRows(index: KeyIndex, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length * FEATURE_COUNT);
  rows.forEach((r, i) => out.set(index.features.subarray(r * FEATURE_COUNT, (r + 1) * FEATURE_COUNT), i * FEATURE_COUNT));
  return out;
}
