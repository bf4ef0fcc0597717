import { sameOutputSize } from '@oqat/onnx';
import type { Activation, LayerDesc } from '../ir/layer-desc';
import { blockLayerName, blockName, CLASSIFIER_LAYER, FEATURE_MIX_LAYER, HEAD_EXPAND_LAYER, layerBits, SEGMENTATION_HIGH_LAYER, STEM_LAYER, subnetLayerBits, type BlockPart } from './layer-bits';
import { blockMiddleChannels, type SearchSpace, type SubnetSpec } from './search-space';

export interface LowerOptions {
  /**
   * Bits of the layers OQAT keeps at higher precision: the stem, the
   * squeeze-excite convs and the classifier. 8 is deployable; 32 keeps them
   * float as the OQAT paper does. Ignored for a float (32-bit) subnet.
   */
  fixedBits?: 8 | 32;
  /**
   * The run's ESB quantizer: the significant bits k of an elastic layer's
   * weights at a width (search's lowerOptionsFor resolves the run's k with
   * @oqat/quant's ESB grid). Absent: uniform weights. Inputs stay priced as
   * uniform codes (the IR does not know which inputs are signed).
   */
  weightSignificantBits?: (bits: number) => number;
}

/** A layer's bits and, for an elastic layer, its supernet name (and ESB weights' k). */
interface Precision {
  bits: number;
  name?: string;
  weightSignificantBits?: number;
}

interface Cursor {
  h: number;
  c: number;
}

/**
 * Lowers a subnet to the layer IR read by the latency models and the cost
 * counters: one LayerDesc per conv/fc (BN folded into it, activation
 * attached), one per squeeze-excite, residual adds, global pooling, feature
 * mix and classifier. aBits is the precision of the layer's input activations.
 * A segmentation space (with a segmentationHead) ends in its dense head at
 * the subnet's resolution instead; bilinear upsampling is lowered to the
 * IR's 'upsample' (priced like nearest-neighbour resizing by the profilers).
 * Each elastic layer runs at its own bits (subnetLayerBits) and carries its
 * supernet layer name.
 */
export function lowerSubnet(space: SearchSpace, spec: SubnetSpec, options: LowerOptions = {}): LayerDesc[] {
  const fixedBits = options.fixedBits ?? 8;
  const fixedLayer = (name?: string): Precision => ({ bits: layerBits(spec.bits, fixedBits, 'fixed'), ...(name === undefined ? {} : { name }) });
  const elastic = (name: string): Precision => {
    const bits = subnetLayerBits(spec, name, fixedBits, 'elastic');
    const k = bits < 32 && options.weightSignificantBits ? options.weightSignificantBits(bits) : undefined;
    return { bits, name, ...(k === undefined ? {} : { weightSignificantBits: k }) };
  };
  const out: LayerDesc[] = [];
  const at: Cursor = { h: spec.resolution, c: space.inputC };

  const conv = (op: 'conv' | 'dwconv', outC: number, kernel: number, stride: number, act: Activation, { bits, name, weightSignificantBits }: Precision): void => {
    const outH = sameOutputSize(at.h, stride);
    out.push({
      op, inH: at.h, inW: at.h, inC: at.c, outC, kernel, stride,
      groups: op === 'dwconv' ? at.c : 1, outH, outW: outH, act, wBits: bits, aBits: bits,
      ...(name === undefined ? {} : { name }),
      ...(weightSignificantBits === undefined ? {} : { weightSignificantBits }),
    });
    at.h = outH;
    at.c = outC;
  };
  const elementwise = (op: 'add' | 'mul', name?: string): void => {
    out.push({ op, inH: at.h, inW: at.h, inC: at.c, outC: at.c, kernel: 1, stride: 1, groups: 1, outH: at.h, outW: at.h, act: 'none', wBits: 32, aBits: 32, ...(name === undefined ? {} : { name }) });
  };
  const globalPool = (): void => {
    out.push({ op: 'avgpool', inH: at.h, inW: at.h, inC: at.c, outC: at.c, kernel: at.h, stride: at.h, groups: 1, outH: 1, outW: 1, act: 'none', wBits: 32, aBits: 32 });
  };
  const fc = (inC: number, outC: number, act: Activation, { bits, name, weightSignificantBits }: Precision): void => {
    out.push({
      op: 'fc', inH: 1, inW: 1, inC, outC, kernel: 1, stride: 1, groups: 1, outH: 1, outW: 1, act, wBits: bits, aBits: bits,
      ...(name === undefined ? {} : { name }),
      ...(weightSignificantBits === undefined ? {} : { weightSignificantBits }),
    });
  };
  // One 'se' layer, as @oqat/latency models it (pool, reduce to C/4 rounded to 8 with ReLU, expand with
  // h-sigmoid, scale); its hidden width is the supernet's seHiddenChannels(C).
  const squeezeExcite = (name: string): void => {
    const { bits } = fixedLayer();
    out.push({ op: 'se', inH: at.h, inW: at.h, inC: at.c, outC: at.c, kernel: 1, stride: 1, groups: 1, outH: at.h, outW: at.h, act: 'hsigmoid', wBits: bits, aBits: bits, name });
  };
  const block = (where: [number | 'first', number], outC: number, kernel: number, expand: number | undefined, stride: number, se: boolean, act: Activation): void => {
    const inC = at.c;
    const inH = at.h;
    const part = (p: BlockPart): Precision => elastic(blockLayerName(where[0], where[1], p));
    if (expand !== undefined) conv('conv', blockMiddleChannels(inC, expand), 1, 1, act, part('expand'));
    conv('dwconv', at.c, kernel, stride, act, part('dw'));
    if (se) squeezeExcite(`${blockName(where[0], where[1])}.se`);
    conv('conv', outC, 1, 1, 'none', part('project'));
    if (stride === 1 && inC === outC && inH === at.h) elementwise('add', `${blockName(where[0], where[1])}.add`);
  };

  const upsample = (outH: number): void => {
    out.push({ op: 'upsample', inH: at.h, inW: at.h, inC: at.c, outC: at.c, kernel: 1, stride: Math.max(1, Math.round(outH / at.h)), groups: 1, outH, outW: outH, act: 'none', wBits: 32, aBits: 32 });
    at.h = outH;
  };
  // LR-ASPP with a per-location gate (see LrAsppHead), in the order the layer list wires by shape:
  // each layer reads the latest value of its input shape, so the 'mul' reads the gate and, as its
  // second operand, the gated conv before it.
  const segmentationHead = (skip: Cursor, channels: number): void => {
    const features = { ...at };
    conv('conv', channels, 1, 1, 'relu', elastic(SEGMENTATION_HIGH_LAYER));
    Object.assign(at, features);
    conv('conv', channels, 1, 1, 'sigmoid', fixedLayer('seg.pixel-gate'));
    elementwise('mul');
    conv('conv', space.numClasses, 1, 1, 'none', fixedLayer('seg.high.classifier'));
    upsample(skip.h);
    Object.assign(at, skip);
    conv('conv', space.numClasses, 1, 1, 'none', fixedLayer('seg.skip.classifier'));
    elementwise('add');
    upsample(spec.resolution);
  };

  const seg = space.segmentationHead;
  let skip: Cursor | undefined;
  conv('conv', space.stem.outC, space.stem.kernel, space.stem.stride, space.stem.act, fixedLayer(STEM_LAYER));
  if (space.firstBlock) {
    const f = space.firstBlock;
    block(['first', 0], f.outC, f.kernel, undefined, 1, f.se, f.act);
  }
  if (seg?.skipStage === -1) skip = { ...at };
  space.stages.forEach((stage, i) => {
    for (let j = 0; j < spec.depths[i]!; j++) {
      block([i, j], stage.outC, spec.kernels[i]![j]!, spec.expands[i]![j]!, j === 0 ? stage.stride : 1, stage.se, stage.act);
    }
    if (seg?.skipStage === i) skip = { ...at };
  });
  conv('conv', space.head.finalExpandC, 1, 1, space.head.act, elastic(HEAD_EXPAND_LAYER));
  if (seg) {
    segmentationHead(skip!, seg.channels);
    return out;
  }
  globalPool();
  at.h = 1;
  let features = space.head.finalExpandC;
  if (space.head.featureC > 0) {
    fc(features, space.head.featureC, space.head.act, elastic(FEATURE_MIX_LAYER));
    features = space.head.featureC;
  }
  fc(features, space.numClasses, 'none', fixedLayer(CLASSIFIER_LAYER));
  return out;
}
