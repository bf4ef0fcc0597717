import type { LayerDesc } from '../ir/layer-desc';
import type { LayerKeyBuilder } from './layer-key';

/**
 * An open-addressing hash table from layer keys to numbers, keyed by the
 * builder's two hash lanes (62 bits, so distinct keys collide with
 * probability ~n^2 / 2^63). No allocation per lookup: the hot path of
 * network prediction is one hash and a probe per layer.
 */
export class LayerTable {
  private lane1: Int32Array;
  private lane2: Int32Array;
  private values: Float64Array;
  private used: Uint8Array;
  private mask: number;
  private count = 0;

  constructor(
    private readonly keys: LayerKeyBuilder,
    capacity = 1024,
  ) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.lane1 = new Int32Array(size);
    this.lane2 = new Int32Array(size);
    this.values = new Float64Array(size);
    this.used = new Uint8Array(size);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The value stored for this layer's key, or NaN. */
  get(layer: LayerDesc): number {
    const h1 = this.keys.hash(layer);
    const h2 = this.keys.lane2;
    let i = h1 & this.mask;
    while (this.used[i] === 1) {
      if (this.lane1[i] === h1 && this.lane2[i] === h2) return this.values[i]!;
      i = (i + 1) & this.mask;
    }
    return NaN;
  }

  set(layer: LayerDesc, value: number): void {
    const h1 = this.keys.hash(layer);
    this.insert(h1, this.keys.lane2, value);
  }

  /**
   * The value stored for this layer's key, or `compute(layer)` stored and
   * returned; a table at `limit` keys is emptied first, so a long search's
   * memory stays bounded (the predictors' per-layer caches).
   */
  getOrCompute(layer: LayerDesc, compute: (layer: LayerDesc) => number, limit: number): number {
    let v = this.get(layer);
    if (v !== v) {
      v = compute(layer);
      if (this.count >= limit) this.clear();
      this.set(layer, v);
    }
    return v;
  }

  clear(): void {
    this.used.fill(0);
    this.count = 0;
  }

  private insert(h1: number, h2: number, value: number): void {
    if ((this.count + 1) * 2 > this.used.length) this.grow();
    let i = h1 & this.mask;
    while (this.used[i] === 1) {
      if (this.lane1[i] === h1 && this.lane2[i] === h2) {
        this.values[i] = value;
        return;
      }
      i = (i + 1) & this.mask;
    }
    this.used[i] = 1;
    this.lane1[i] = h1;
    this.lane2[i] = h2;
    this.values[i] = value;
    this.count++;
  }

  private grow(): void {
    const { lane1, lane2, values, used } = this;
    const size = used.length * 2;
    this.lane1 = new Int32Array(size);
    this.lane2 = new Int32Array(size);
    this.values = new Float64Array(size);
    this.used = new Uint8Array(size);
    this.mask = size - 1;
    this.count = 0;
    for (let i = 0; i < used.length; i++) if (used[i] === 1) this.insert(lane1[i]!, lane2[i]!, values[i]!);
  }
}
