import { describe, expect, it } from 'vitest';
import type { LayerDesc } from '../ir/layer-desc';
import { createRng } from '@oqat/core';
import { randomSubnetLayers } from '../space/random-subnet.test-support';
import { LayerKeyBuilder, parseLayerKey } from './layer-key';
import { LayerTable } from './layer-table';

describe('LayerKeyBuilder', () => {
  it('hashes equal keys equally and distinct keys distinctly', () => {
    for (const device of ['xavier', 'fpga', 'cpu']) {
      const b = new LayerKeyBuilder(device);
      const byKey = new Map<string, string>();
      const byHash = new Map<string, string>();
      for (let i = 0; i < 80; i++) {
        for (const layer of randomSubnetLayers(createRng(i))) {
          const key = b.key(layer);
          const h = `${b.hash(layer)}:${b.lane2}`;
          expect(byKey.get(key) ?? h).toBe(h);
          expect(byHash.get(h) ?? key).toBe(key);
          byKey.set(key, h);
          byHash.set(h, key);
        }
      }
      expect(byKey.size).toBeGreaterThan(500);
    }
  });

  it('hashes huge fields (beyond the packed 16/8 bits) apart', () => {
    const b = new LayerKeyBuilder('fpga');
    const l: LayerDesc = { op: 'conv', inH: 8, inW: 8, inC: 16, outC: 16, kernel: 3, stride: 1, groups: 1, wBits: 8, aBits: 8 };
    const variants = [l, { ...l, inC: 16 + 65536 }, { ...l, outC: 16 + 65536 }, { ...l, kernel: 3 + 256 }, { ...l, stride: 257 }, { ...l, inH: 8 + 65536 }];
    expect(new Set(variants.map((v) => `${b.hash(v)}:${b.lane2}`)).size).toBe(variants.length);
  });

  it('treats an explicit output size equal to the derived one as absent', () => {
    const b = new LayerKeyBuilder('fpga');
    const l: LayerDesc = { op: 'dwconv', inH: 7, inW: 7, inC: 8, outC: 8, kernel: 3, stride: 2, groups: 8, wBits: 4, aBits: 4 };
    expect(b.hash({ ...l, outH: 4, outW: 4 })).toBe(b.hash(l));
    expect(b.key({ ...l, outH: 4, outW: 4 })).toBe(b.key(l));
    expect(b.hash({ ...l, outH: 3, outW: 3 })).not.toBe(b.hash(l));
    expect(b.key({ ...l, outH: 3, outW: 3 })).not.toBe(b.key(l));
  });

  it('keys bits as the device computes them', () => {
    const l: LayerDesc = { op: 'conv', inH: 8, inW: 8, inC: 16, outC: 32, kernel: 3, stride: 2, groups: 1, act: 'relu', wBits: 2, aBits: 2 };
    const four = { ...l, wBits: 4, aBits: 4 };
    expect(new LayerKeyBuilder('xavier').key(l)).toBe(new LayerKeyBuilder('xavier').key(four));
    expect(new LayerKeyBuilder('cpu-ort').key(l)).toBe('conv:8x8x16>4x4x32:k3s2g1:relu:w8a8');
    expect(new LayerKeyBuilder('fpga').key(l)).not.toBe(new LayerKeyBuilder('fpga').key(four));
  });

  it('parses its own keys back to a layer with the same key and hash', () => {
    const b = new LayerKeyBuilder('fpga');
    for (const layer of randomSubnetLayers(createRng(5))) {
      const parsed = parseLayerKey(b.key(layer))!;
      expect(b.key(parsed)).toBe(b.key(layer));
      expect(b.hash(parsed)).toBe(b.hash(layer));
    }
    expect(parseLayerKey('conv:8x8')).toBeUndefined();
  });

  it('stores numbers per key in a growing table', () => {
    const b = new LayerKeyBuilder('fpga');
    const t = new LayerTable(b, 4);
    const layers = Array.from({ length: 20 }, (_, i) => randomSubnetLayers(createRng(i))).flat();
    layers.forEach((l) => t.set(l, b.key(l).length));
    for (const l of layers) expect(t.get(l)).toBe(b.key(l).length);
    expect(Number.isNaN(t.get({ ...layers[0]!, inC: 99999 }))).toBe(true);
  });
});
