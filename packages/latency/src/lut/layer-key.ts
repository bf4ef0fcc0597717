import { effectiveBits } from '../devices/device-names';
import { ACTIVATIONS, OPS, type Activation, type LayerDesc, type Op } from '../ir/layer-desc';
import { outputHeight, outputWidth } from '../ir/output-shape';

/**
 * The only layer-key builder (once-for-all's lookup-table key: layer type,
 * input and output shapes, hyper-parameters), made device-aware: bit widths
 * enter as the precision the device computes at (devices/device-names.ts),
 * so 2-, 4- and 8-bit layers share an entry on devices that run all of them
 * as int8.
 *
 * Two encodings of the same canonical fields: a readable string for JSON
 * tables (`conv:32x32x16>32x32x64:k3s1g1:relu:w8a8`) and a 53-bit hash for
 * the hot prediction path. `parseLayerKey` inverts the string.
 */
export class LayerKeyBuilder {
  constructor(readonly device: string) {}

  key(layer: LayerDesc): string {
    const w = effectiveBits(this.device, layer.wBits);
    const a = effectiveBits(this.device, layer.aBits);
    return (
      `${layer.op}:${layer.inH}x${layer.inW}x${layer.inC}>${outputHeight(layer)}x${outputWidth(layer)}x${layer.outC}` +
      `:k${layer.kernel}s${layer.stride}g${layer.groups}:${layer.act ?? 'none'}:w${w}a${a}`
    );
  }

  /** Hash of exactly the fields of `key` (two independent 32-bit FNV-style lanes). */
  hash(layer: LayerDesc): number {
    let h1 = 0x811c9dc5 ^ OP_INDEX[layer.op];
    let h2 = 0x01000193 ^ ACT_INDEX[layer.act ?? 'none'];
    const mix = (v: number) => {
      h1 = Math.imul(h1 ^ v, 0x85ebca6b);
      h1 ^= h1 >>> 13;
      h2 = Math.imul(h2 ^ v, 0xc2b2ae35);
      h2 ^= h2 >>> 16;
    };
    mix(layer.inH);
    mix(layer.inW);
    mix(layer.inC);
    mix(layer.outC);
    mix(layer.outH ?? outputHeight(layer));
    mix(layer.outW ?? outputWidth(layer));
    mix(layer.kernel);
    mix(layer.stride);
    mix(layer.groups);
    mix(effectiveBits(this.device, layer.wBits));
    mix(effectiveBits(this.device, layer.aBits) + 0x40);
    mix(OP_INDEX[layer.op] + 0x100 * ACT_INDEX[layer.act ?? 'none']);
    return (h1 >>> 0) * 0x200000 + (h2 >>> 11);
  }
}

const OP_INDEX = Object.fromEntries(OPS.map((op, i) => [op, i + 1])) as Record<Op, number>;
const ACT_INDEX = Object.fromEntries(ACTIVATIONS.map((a, i) => [a, i + 1])) as Record<Activation, number>;

const KEY_PATTERN = /^([a-z]+):(\d+)x(\d+)x(\d+)>(\d+)x(\d+)x(\d+):k(\d+)s(\d+)g(\d+):([a-z0-9]+):w(\d+)a(\d+)$/;

/** The layer a key stands for (bits as the device's effective precision), or undefined for a malformed key. */
export function parseLayerKey(key: string): LayerDesc | undefined {
  const m = KEY_PATTERN.exec(key);
  if (!m) return undefined;
  const n = m.slice(2).map(Number);
  const op = m[1] as Op;
  const act = m[11] as Activation;
  if (!(OPS as readonly string[]).includes(op) || !(ACTIVATIONS as readonly string[]).includes(act)) return undefined;
  return {
    op,
    inH: n[0]!,
    inW: n[1]!,
    inC: n[2]!,
    outH: n[3]!,
    outW: n[4]!,
    outC: n[5]!,
    kernel: n[6]!,
    stride: n[7]!,
    groups: n[8]!,
    act,
    wBits: Number(m[12]),
    aBits: Number(m[13]),
  };
}
