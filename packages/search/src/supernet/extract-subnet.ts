import { tf, type Tensor } from '@oqat/engine';
import { seHiddenChannels } from '../space/search-space';
import type { StaticConv2dConfig } from '../static/static-conv2d';
import type { WeightMap } from '../static/static-layer';
import type { StaticLinearConfig } from '../static/static-linear';
import type { StaticMbBlockConfig } from '../static/static-mb-block';
import { StaticMobileNet, type StaticMobileNetConfig } from '../static/static-mobilenet';
import type { DynamicMbBlock } from './blocks/dynamic-mb-block';
import type { MobileNetV3Supernet } from './networks/mobilenet-v3';
import type { DynamicBatchNorm } from './ops/dynamic-batch-norm';
import type { DynamicConv2d } from './ops/dynamic-conv2d';
import type { DynamicDwConv2d } from './ops/dynamic-dw-conv2d';
import type { DynamicLinear } from './ops/dynamic-linear';
import { sliceLeading } from './ops/slice-leading';

export interface ExtractOptions {
  /** copy the supernet's (sliced) weights and BN statistics; false: fresh seeded weights */
  preserveWeights: boolean;
  /** seed of fresh weights when preserveWeights is false */
  seed?: number;
}

/**
 * Builds the active subnet as a StaticMobileNet (OFA's get_active_subnet):
 * first the config (shapes and frozen quantization steps), then, when
 * preserving weights, copies of the active slices: first channels, the
 * transformed depthwise kernel, and the BN statistics (re-estimate them for
 * this subnet first, or the copy carries another subnet's statistics).
 */
export function extractSubnet(net: MobileNetV3Supernet, options: ExtractOptions): StaticMobileNet {
  const weights: WeightMap = new Map();
  const keep = (name: string, t: () => Tensor): void => {
    if (options.preserveWeights) weights.set(name, tf.tidy(() => tf.clone(t())));
  };
  const bn = (name: string, layer: DynamicBatchNorm, c: number): void => {
    keep(`${name}.gamma`, () => sliceLeading(layer.gamma, [c]));
    keep(`${name}.beta`, () => sliceLeading(layer.beta, [c]));
    keep(`${name}.runningMean`, () => sliceLeading(layer.runningMean, [c]));
    keep(`${name}.runningVar`, () => sliceLeading(layer.runningVar, [c]));
  };
  const conv = (name: string, layer: DynamicConv2d, inC: number, outC: number): StaticConv2dConfig => {
    keep(`${name}.weight`, () => layer.activeWeight(inC, outC));
    const q = layer.quant?.frozen() ?? {};
    const { kernel, stride } = layer.config;
    return { type: 'conv2d', inC, outC, kernel, stride, depthwise: false, ...quantFields(q) };
  };
  const dw = (name: string, layer: DynamicDwConv2d, c: number, kernel: number): StaticConv2dConfig => {
    keep(`${name}.weight`, () => layer.activeFilter(kernel, c));
    const q = layer.quant?.frozen() ?? {};
    return { type: 'conv2d', inC: c, outC: c, kernel, stride: layer.config.stride, depthwise: true, ...quantFields(q) };
  };
  const linear = (name: string, layer: DynamicLinear, inF: number, outF: number): StaticLinearConfig => {
    keep(`${name}.weight`, () => layer.activeWeight(inF, outF));
    keep(`${name}.bias`, () => layer.activeBias(outF));
    return { type: 'linear', inF, outF, ...quantFields(layer.quant?.frozen() ?? {}) };
  };
  const block = (name: string, b: DynamicMbBlock): StaticMbBlockConfig => {
    const m = b.activeMiddle;
    const config: StaticMbBlockConfig = { type: 'mb-block', act: b.config.act, shortcut: b.hasShortcut } as StaticMbBlockConfig;
    if (b.expandConv && b.expandBn) {
      config.expand = conv(`${name}.expand`, b.expandConv, b.config.inC, m);
      bn(`${name}.expand.bn`, b.expandBn, m);
    }
    config.dw = dw(`${name}.dw`, b.dwConv, m, b.activeKernel);
    bn(`${name}.dw.bn`, b.dwBn, m);
    if (b.se) {
      const h = seHiddenChannels(m);
      config.se = { type: 'se', reduce: linear(`${name}.se.reduce`, b.se.reduce, m, h), expand: linear(`${name}.se.expand`, b.se.expand, h, m) };
    }
    config.project = conv(`${name}.project`, b.projectConv, m, b.config.outC);
    bn(`${name}.project.bn`, b.projectBn, b.config.outC);
    return config;
  };

  const space = net.space;
  const stemConv = conv('stem', net.stemConv, space.inputC, space.stem.outC);
  bn('stem.bn', net.stemBn, space.stem.outC);
  const blocks = net.activeBlocks().map((b, i) => block(`blocks.${i}`, b));
  const lastC = space.stages[space.stages.length - 1]!.outC;
  const headExpand = conv('head.expand', net.finalExpandConv, lastC, space.head.finalExpandC);
  bn('head.expand.bn', net.finalExpandBn, space.head.finalExpandC);
  const mix = net.featureMix ? linear('head.mix', net.featureMix, space.head.finalExpandC, space.head.featureC) : undefined;
  const features = mix ? space.head.featureC : space.head.finalExpandC;
  const classifier = linear('head.classifier', net.classifier, features, space.numClasses);
  const config: StaticMobileNetConfig = {
    type: 'mobilenet-v3',
    resolution: net.activeResolution,
    inputC: space.inputC,
    numClasses: space.numClasses,
    stem: { conv: stemConv, act: space.stem.act },
    blocks,
    head: { expand: headExpand, act: space.head.act, ...(mix ? { mix } : {}), classifier },
    subnet: net.activeConfig(),
    spaceName: space.name,
  };
  return new StaticMobileNet(config, options.preserveWeights ? weights : undefined, options.seed ?? 0);
}

function quantFields(q: { weight?: StaticConv2dConfig['weightQuant']; input?: StaticConv2dConfig['inputQuant'] }): Pick<StaticConv2dConfig, 'weightQuant' | 'inputQuant'> {
  return { ...(q.weight ? { weightQuant: q.weight } : {}), ...(q.input ? { inputQuant: q.input } : {}) };
}
