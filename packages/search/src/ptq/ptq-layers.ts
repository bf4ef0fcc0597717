import type { StaticConv2d } from '../static/static-conv2d';
import type { StaticLinear } from '../static/static-linear';
import type { StaticMobileNet } from '../static/static-mobilenet';
import type { QuantRole } from '../supernet/layer-quant';
import type { MobileNetV3Supernet } from '../supernet/networks/mobilenet-v3';

/** One weight layer of a static network with where the supernet puts it in the precision plan. */
export interface PtqLayer {
  /** its name in the static network ('blocks.3.dw') */
  name: string;
  layer: StaticConv2d | StaticLinear;
  /** elastic layers take the PTQ bits; fixed ones (stem, SE, classifier) the network's fixed precision */
  role: QuantRole;
}

/** The conv and linear layers of a static classification network in forward order, by their static names. */
export function staticWeightLayers(net: StaticMobileNet): Array<{ name: string; layer: StaticConv2d | StaticLinear }> {
  const out: Array<{ name: string; layer: StaticConv2d | StaticLinear }> = [];
  const add = (name: string, layer: StaticConv2d | StaticLinear) => out.push({ name, layer });
  const b = net.backbone;
  add('stem', b.stem.conv);
  b.blocks.forEach((block, i) => {
    if (block.expand) add(`blocks.${i}.expand`, block.expand.conv);
    add(`blocks.${i}.dw`, block.dw.conv);
    if (block.se) {
      add(`blocks.${i}.se.reduce`, block.se.reduce);
      add(`blocks.${i}.se.expand`, block.se.expand);
    }
    add(`blocks.${i}.project`, block.project.conv);
  });
  add('head.expand', b.headExpand.conv);
  if (net.mix) add('head.mix', net.mix);
  add('head.classifier', net.classifier);
  return out;
}

/**
 * The weight layers of a static subnet extracted from `supernet` (still
 * active at that subnet) with the role of the supernet layer each came from:
 * block i of the static network is the supernet's i-th active block; the
 * stem and head keep their names.
 */
export function ptqLayers(net: StaticMobileNet, supernet: MobileNetV3Supernet): PtqLayer[] {
  const blocks = supernet.activeBlocks();
  return staticWeightLayers(net).map(({ name, layer }) => {
    const m = /^blocks\.(\d+)\.(.+)$/.exec(name);
    const supernetName = m ? `${blocks[Number(m[1])]!.name}.${m[2]}` : name;
    // A supernet built without quantizers (none is) would leave every layer elastic with signed inputs.
    return { name, layer, role: supernet.layerQuants.get(supernetName)?.role ?? { precision: 'elastic', signedInput: true } };
  });
}
