import type { Activation, LayerDesc } from '../ir/layer-desc';
import { outputHeight } from '../ir/output-shape';
import type { Rng } from '../rng/seeded-rng';
import type { MobileNetArch, MobileNetSpace } from './mobilenet-space';

/** Draws one architecture uniformly from the space's choices. */
export function sampleMobileNetArch(rng: Rng, space: MobileNetSpace): MobileNetArch {
  return {
    resolution: rng.pick(space.resolutions),
    bits: rng.pick(space.bits),
    stages: space.stages.map(() => {
      const depth = rng.pick(space.depths);
      return Array.from({ length: depth }, () => ({ kernel: rng.pick(space.kernels), expand: rng.pick(space.expands) }));
    }),
  };
}

/** Lowers an architecture to the layer IR. */
export function lowerMobileNet(arch: MobileNetArch, space: MobileNetSpace): LayerDesc[] {
  const layers: LayerDesc[] = [];
  const hp = space.highPrecisionBits;
  let h = arch.resolution;
  let c = space.inChannels;
  const push = (layer: LayerDesc) => {
    layers.push(layer);
    h = outputHeight(layer);
    c = layer.outC;
  };
  const conv = (outC: number, kernel: number, stride: number, act: Activation, bits: number): LayerDesc => ({
    op: 'conv', inH: h, inW: h, inC: c, outC, kernel, stride, groups: 1, act, wBits: bits, aBits: bits,
  });
  const block = (outC: number, kernel: number, expand: number, stride: number, act: Activation, se: boolean) => {
    const inC = c;
    const inH = h;
    const mid = Math.round(inC * expand);
    const bits = arch.bits;
    if (expand !== 1) push(conv(mid, 1, 1, act, bits));
    push({ op: 'dwconv', inH: h, inW: h, inC: mid, outC: mid, kernel, stride, groups: mid, act, wBits: bits, aBits: bits });
    if (se) push({ op: 'se', inH: h, inW: h, inC: mid, outC: mid, kernel: 1, stride: 1, groups: 1, act: 'hsigmoid', wBits: hp, aBits: hp });
    push(conv(outC, 1, 1, 'none', bits));
    if (stride === 1 && inC === outC) {
      push({ op: 'add', inH, inW: inH, inC: outC, outC, kernel: 1, stride: 1, groups: 1, act: 'none', wBits: bits, aBits: bits });
    }
  };
  push(conv(space.stemChannels, 3, 2, 'hswish', hp));
  block(space.stemChannels, 3, 1, 1, 'relu', false);
  space.stages.forEach((stage, s) => {
    (arch.stages[s] ?? []).forEach((b, i) => block(stage.width, b.kernel, b.expand, i === 0 ? stage.stride : 1, stage.act, stage.se));
  });
  push(conv(space.finalExpandChannels, 1, 1, 'hswish', arch.bits));
  push({ op: 'avgpool', inH: h, inW: h, inC: c, outC: c, kernel: h, stride: h, groups: 1, act: 'none', wBits: arch.bits, aBits: arch.bits });
  push(conv(space.featureChannels, 1, 1, 'hswish', arch.bits));
  push({ op: 'fc', inH: h, inW: h, inC: c, outC: space.classes, kernel: 1, stride: 1, groups: 1, act: 'none', wBits: hp, aBits: hp });
  return layers;
}

/** A random MobileNetV3-like network of the space, as layers. */
export function randomMobileNet(rng: Rng, space: MobileNetSpace): LayerDesc[] {
  return lowerMobileNet(sampleMobileNetArch(rng, space), space);
}
