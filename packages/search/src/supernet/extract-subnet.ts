import { tf, type Tensor } from '@oqat/engine';
import { seHiddenChannels, skipChannels } from '@oqat/latency';
import type { StaticBackboneConfig } from '../static/static-backbone';
import type { StaticConv2dConfig } from '../static/static-conv2d';
import type { WeightMap } from '../static/static-layer';
import type { StaticLinearConfig } from '../static/static-linear';
import type { StaticMbBlockConfig } from '../static/static-mb-block';
import { StaticMobileNet } from '../static/static-mobilenet';
import { StaticSegmentationNet } from '../static/static-segmentation-net';
import type { DynamicMbBlock } from './blocks/dynamic-mb-block';
import { lrAsppGrids } from '../static/lr-aspp-resampling';
import type { ElasticSupernet } from './networks/elastic-supernet';
import type { MobileNetV3Supernet } from './networks/mobilenet-v3';
import { SegmentationSupernet } from './networks/segmentation-supernet';
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

/** A static network of either task. */
export type StaticNetwork = StaticMobileNet | StaticSegmentationNet;

/**
 * Builds the active subnet as a static network (OFA's get_active_subnet),
 * a StaticMobileNet or, for a segmentation supernet, a StaticSegmentationNet:
 * first the config (shapes and frozen quantization steps), then, when
 * preserving weights, copies of the active slices: first channels, the
 * transformed depthwise kernel, and the BN statistics (re-estimate them for
 * this subnet first, or the copy carries another subnet's statistics).
 */
export function extractSubnet(net: MobileNetV3Supernet, options: ExtractOptions): StaticMobileNet;
export function extractSubnet(net: SegmentationSupernet, options: ExtractOptions): StaticSegmentationNet;
export function extractSubnet(net: MobileNetV3Supernet | SegmentationSupernet, options: ExtractOptions): StaticNetwork;
export function extractSubnet(net: MobileNetV3Supernet | SegmentationSupernet, options: ExtractOptions): StaticNetwork {
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
    return { type: 'conv2d', inC, outC, kernel, stride, depthwise: false, ...quantFields(q, outC) };
  };
  const dw = (name: string, layer: DynamicDwConv2d, c: number, kernel: number): StaticConv2dConfig => {
    keep(`${name}.weight`, () => layer.activeFilter(kernel, c));
    const q = layer.quant?.frozen() ?? {};
    return { type: 'conv2d', inC: c, outC: c, kernel, stride: layer.config.stride, depthwise: true, ...quantFields(q, c) };
  };
  const linear = (name: string, layer: DynamicLinear, inF: number, outF: number): StaticLinearConfig => {
    keep(`${name}.weight`, () => layer.activeWeight(inF, outF));
    keep(`${name}.bias`, () => layer.activeBias(outF));
    return { type: 'linear', inF, outF, ...quantFields(layer.quant?.frozen() ?? {}, outF) };
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
  const backbone: StaticBackboneConfig = {
    resolution: net.activeResolution,
    inputC: space.inputC,
    stem: { conv: stemConv, act: space.stem.act },
    blocks,
    head: { expand: headExpand, act: space.head.act },
  };
  const provenance = { subnet: net.activeConfig(), spaceName: space.name };
  const fresh = options.preserveWeights ? weights : undefined;

  if (net instanceof SegmentationSupernet) {
    const head = net.head;
    const c = head.headSpace.channels;
    const k = space.numClasses;
    const high = conv('seg.high', head.highConv, space.head.finalExpandC, c);
    bn('seg.high.bn', head.highBn, c);
    const segmentationHead = {
      type: 'lr-aspp-head' as const,
      skipAfterBlocks: skipAfterBlocks(net, head.headSpace.skipStage),
      high,
      gate: linear('seg.gate', head.gate, space.head.finalExpandC, c),
      highClassifier: linear('seg.high.classifier', head.highClassifier, c, k),
      skipClassifier: linear('seg.skip.classifier', head.skipClassifier, skipChannels(space, head.headSpace.skipStage), k),
      grids: lrAsppGrids(space, head.headSpace, net.activeResolution),
    };
    const config = { type: 'mobilenet-v3-segmentation' as const, ...backbone, numClasses: k, segmentationHead, ...provenance };
    return new StaticSegmentationNet(config, fresh, options.seed ?? 0);
  }
  const mix = net.featureMix ? linear('head.mix', net.featureMix, space.head.finalExpandC, space.head.featureC) : undefined;
  const features = mix ? space.head.featureC : space.head.finalExpandC;
  const classifier = linear('head.classifier', net.classifier, features, space.numClasses);
  const config = {
    type: 'mobilenet-v3' as const,
    ...backbone,
    numClasses: space.numClasses,
    head: { ...backbone.head, ...(mix ? { mix } : {}), classifier },
    ...provenance,
  };
  return new StaticMobileNet(config, fresh, options.seed ?? 0);
}

/** How many of the active blocks run before a dense head's skip is taken (stage -1: after the stem and first block). */
function skipAfterBlocks(net: ElasticSupernet, skipStage: number): number {
  const first = net.firstBlock ? 1 : 0;
  return first + net.activeDepths.slice(0, skipStage + 1).reduce((a, d) => a + d, 0);
}

/** A layer's frozen quantization as static config fields; per-channel weight steps cut to the subnet's first `outC` channels. */
function quantFields(q: { weight?: StaticConv2dConfig['weightQuant']; input?: StaticConv2dConfig['inputQuant'] }, outC: number): Pick<StaticConv2dConfig, 'weightQuant' | 'inputQuant'> {
  let weight = q.weight;
  if (weight?.channelSteps && weight.channelSteps.length > outC) {
    const channelSteps = weight.channelSteps.slice(0, outC);
    weight = { ...weight, channelSteps, step: channelSteps.reduce((a, v) => a + v, 0) / outC };
  }
  return { ...(weight ? { weightQuant: weight } : {}), ...(q.input ? { inputQuant: q.input } : {}) };
}
