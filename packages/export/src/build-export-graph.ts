import { StaticMobileNet, type StaticNetwork, type StaticSegmentationNet } from '@oqat/search';
import { ExportInternalError, SegmentationImageSizeError } from './errors';
import type { ExportGraph, ResampleNode } from './export-graph';
import { GraphLowering, type LoweredMap } from './graph-lowering';

/** A classification network: backbone, global pooling, optional feature mix, classifier. */
function classificationGraph(net: StaticMobileNet): ExportGraph {
  const config = net.config;
  const l = new GraphLowering(config.resolution);
  const { features } = l.backbone(net.backbone, 'images');
  l.nodes.push({ kind: 'global-avg-pool', name: 'head.pool', input: features.value, output: 'head/pool', channels: config.head.expand.outC });
  let x = 'head/pool';
  if (net.mix) x = l.act('head.mix', l.linear(net.mix, x), config.head.act);
  const logits = l.linear(net.classifier, x);
  return { task: 'classification', input: 'images', output: logits, inputC: config.inputC, resolution: config.resolution, numClasses: config.numClasses, nodes: l.nodes, config: net.toConfig() };
}

/** A segmentation network: backbone, then the LR-ASPP head as StaticLrAsppHead.forward computes it, for images of `imageSize`. */
function segmentationGraph(net: StaticSegmentationNet, imageSize: [number, number]): ExportGraph {
  const config = net.config;
  const head = net.head;
  const l = new GraphLowering(config.resolution);
  const { features, skip } = l.backbone(net.backbone, 'images', config.segmentationHead.skipAfterBlocks);
  if (!skip) throw new ExportInternalError('buildExportGraph', `no skip map after ${config.segmentationHead.skipAfterBlocks} of ${net.backbone.blocks.length} blocks`);
  const k = config.numClasses;
  const high = l.act('seg.high', l.convBn('seg.high', features.value, head.high), 'relu');
  const gate = l.act('seg.gate', l.linear(head.gate, features.value, features), 'sigmoid');
  l.nodes.push({ kind: 'mul', name: 'seg.gated', inputs: [high, gate], output: 'seg/gated' });
  const highLogits = l.linear(head.highClassifier, 'seg/gated', features);
  const r = head.resampling([features.h, features.w], [skip.h, skip.w], imageSize, config.resolution);
  const resample = (name: string, input: LoweredMap, m: typeof r.toSkip): string => {
    const node: ResampleNode = {
      kind: 'resample', name, input: input.value, output: `${name}/out`, channels: k,
      inH: input.h, inW: input.w, outH: m.rows.shape[0], outW: m.cols.shape[0], rows: m.rows.values, cols: m.cols.values,
    };
    l.nodes.push(node);
    return node.output;
  };
  const up = resample('seg.high.up', { value: highLogits, h: features.h, w: features.w }, r.toSkip);
  const sum = l.add('seg', l.linear(head.skipClassifier, skip.value, skip), up);
  const logits = resample('seg.up', { value: sum, h: skip.h, w: skip.w }, r.toOut);
  return {
    task: 'segmentation', input: 'images', output: logits, inputC: config.inputC, resolution: config.resolution, numClasses: k,
    imageSize: [imageSize[0], imageSize[1]], nodes: l.nodes, config: net.toConfig(),
  };
}

/**
 * Lowers a static subnet (extracted, BN statistics re-estimated) to the
 * export graph: the exact sequence of operations of its forward, with BN
 * folded into a per-channel multiplier and bias. A segmentation network
 * needs `imageSize`, the fixed [height, width] of the images it will
 * segment: its upsampling weights depend on it. Creates no lasting tensors.
 */
export function buildExportGraph(net: StaticNetwork, imageSize?: readonly [number, number]): ExportGraph {
  if (net instanceof StaticMobileNet) return classificationGraph(net);
  if (!imageSize) throw new SegmentationImageSizeError();
  return segmentationGraph(net, [imageSize[0], imageSize[1]]);
}
