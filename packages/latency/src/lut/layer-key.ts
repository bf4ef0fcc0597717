import { effectiveBits } from '../devices/device-names';
import { sameOutputSize } from '@oqat/onnx';
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
  constructor(readonly device: string) {
    this.bits = Int32Array.from({ length: 33 }, (_, b) => effectiveBits(device, b));
  }

  key(layer: LayerDesc): string {
    const w = effectiveBits(this.device, layer.wBits);
    const a = effectiveBits(this.device, layer.aBits);
    return (
      `${layer.op}:${layer.inH}x${layer.inW}x${layer.inC}>${outputHeight(layer)}x${outputWidth(layer)}x${layer.outC}` +
      `:k${layer.kernel}s${layer.stride}g${layer.groups}:${layer.act ?? 'none'}:w${w}a${a}`
    );
  }

  /** Second hash lane of the last `hash` call (independent of the first). */
  lane2 = 0;
  private readonly bits: Int32Array;

  /**
   * Hash of exactly the fields of `key`: returns the first 31-bit lane and
   * leaves an independent second lane in `lane2`, so a table can check both
   * (62 bits) without allocating.
   */
  hash(layer: LayerDesc): number {
    const bits = this.bits;
    const w = layer.wBits < 33 ? bits[layer.wBits]! : layer.wBits;
    const a = layer.aBits < 33 ? bits[layer.aBits]! : layer.aBits;
    const op = opCode(layer.op);
    // outH/outW enter only when given and different from the derived size (the key's canonical form)
    const oh = layer.outH;
    const ow = layer.outW;
    const outH = oh === undefined || oh === derivedSize(op, layer.inH, layer.stride) ? 0 : oh;
    const outW = ow === undefined || ow === derivedSize(op, layer.inW, layer.stride) ? 0 : ow;
    const code = op | (actCode(layer.act) << 5) | (w << 10) | (a << 17);
    // fields packed two to a word (exact below 65536; kernel and stride below 256), then mixed
    const v1 = layer.inH | (layer.inW << 16);
    const v2 = layer.inC | (layer.outC << 16);
    const v3 = layer.kernel | (layer.stride << 8) | (layer.groups << 16);
    const v4 = outH | (outW << 16);
    let h1 = 0x811c9dc5 ^ code;
    let h2 = 0x01000193 ^ Math.imul(code, 0x27d4eb2f);
    h1 = mix1(h1, v1); h2 = mix2(h2, v1);
    h1 = mix1(h1, v2); h2 = mix2(h2, v2);
    h1 = mix1(h1, v3); h2 = mix2(h2, v3);
    h1 = mix1(h1, v4); h2 = mix2(h2, v4);
    // fields at or above 65536 (not seen in practice) still enter through their high bits
    const high = ((layer.inH | layer.inW | layer.inC | layer.outC | layer.groups | outH | outW) >>> 16) | ((layer.kernel | layer.stride) >>> 8);
    if (high !== 0) {
      h1 = mix1(h1, (layer.inH >>> 16) ^ Math.imul(layer.inW >>> 16, 31) ^ Math.imul(layer.inC >>> 16, 961) ^ Math.imul(layer.outC >>> 16, 29791));
      h2 = mix2(h2, (layer.groups >>> 16) ^ Math.imul(outH >>> 16, 31) ^ Math.imul(outW >>> 16, 961) ^ Math.imul(layer.kernel >>> 8, 29791) ^ Math.imul(layer.stride >>> 8, 923521));
    }
    this.lane2 = h2 | 0;
    return h1 >>> 1;
  }
}

function mix1(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x85ebca6b);
  return h ^ (h >>> 13);
}

function mix2(h: number, v: number): number {
  h = Math.imul(h ^ v, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Op codes of the hash (a switch: cheaper than a map on the hot path). */
function opCode(op: string): number {
  switch (op) {
    case 'conv': return 1;
    case 'dwconv': return 2;
    case 'avgpool': return 3;
    case 'maxpool': return 4;
    case 'fc': return 5;
    case 'upsample': return 6;
    case 'add': return 7;
    case 'mul': return 8;
    case 'concat': return 9;
    case 'se': return 10;
    case 'activation': return 11;
    default: return 31;
  }
}

/** outputHeight/outputWidth's rule by op code: 1-4 'same'-padded strided ops, fc 1x1, upsample scales. */
function derivedSize(op: number, size: number, stride: number): number {
  return op <= 4 ? sameOutputSize(size, stride) : op === 5 ? 1 : op === 6 ? size * stride : size;
}

function actCode(act: string | undefined): number {
  switch (act) {
    case 'relu': return 1;
    case 'relu6': return 2;
    case 'hswish': return 3;
    case 'hsigmoid': return 4;
    case 'sigmoid': return 5;
    default: return 0; // 'none' and absent are the same key
  }
}

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
