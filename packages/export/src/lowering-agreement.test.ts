import { initEngine } from '@oqat/engine';
import { lowerSubnet, type LayerDesc } from '@oqat/latency';
import { prepareSubnet, TINY_SPACE, TINY_SPECS, tinyExportFixture, type TinyExportFixture } from '@oqat/search/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExportGraph } from './build-export-graph';
import type { ConvNode, ExportGraph } from './export-graph';

let f: TinyExportFixture;

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
  f = tinyExportFixture();
});

afterAll(() => f.dispose());

const convOf = (l: LayerDesc) => ({ depthwise: l.op === 'dwconv', kernel: l.kernel, stride: l.stride, inC: l.inC, outC: l.outC, inH: l.inH, outH: l.outH, bits: l.wBits });
const nodeOf = (n: ConvNode) => ({ depthwise: n.depthwise, kernel: n.kernel, stride: n.stride, inC: n.inC, outC: n.outC, inH: n.inH, outH: n.outH, bits: n.weight.quant?.bits ?? 32 });
const count = (g: ExportGraph, kind: string) => g.nodes.filter((n) => n.kind === kind).length;

describe('latency prices what search exports', () => {
  it.each(Object.entries(TINY_SPECS))('the lowering of %s has the exported graph\'s convs, widths, bits, SE gates and adds', (_key, spec) => {
    prepareSubnet(f, spec);
    const sub = f.net.extractSubnet({ preserveWeights: false });
    try {
      const graph = buildExportGraph(sub);
      const layers = lowerSubnet(TINY_SPACE, spec);
      expect(layers.filter((l) => l.op === 'conv' || l.op === 'dwconv').map(convOf)).toEqual(graph.nodes.filter((n): n is ConvNode => n.kind === 'conv').map(nodeOf));
      expect(layers.filter((l) => l.op === 'se')).toHaveLength(count(graph, 'channel-mul'));
      // residual adds sum two float values in the export (no quantizer on an add): the IR prices them at 32 bits
      expect(layers.filter((l) => l.op === 'add').map((l) => [l.wBits, l.aBits])).toEqual(Array(count(graph, 'add')).fill([32, 32]));
    } finally {
      sub.dispose();
    }
  });
});
