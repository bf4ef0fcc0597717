import type { Rng } from '@oqat/core';
import { tf, type Tensor } from '@oqat/engine';
import { largestSubnet, layerBits, sampleSubnet, subnetLayerBits, type SearchSpace, type SubnetSpec } from '@oqat/latency';
import { assertSubnetSpec } from '../../space/subnet-spec';
import type { Q8 } from '@oqat/quant';
import { DynamicMbBlock, integerBlockReaders } from '../blocks/dynamic-mb-block';
import { sortExpandChannels } from '../blocks/sort-expand-channels';
import type { ForwardContext } from '../forward-context';
import { biasUnits, inputQ8, integerActivation, integerRequantOn } from '../integer-requant';
import type { LayerQuant, QuantFactory } from '../layer-quant';
import type { NamedBuffer, NamedParam, ParamOwner } from '../named-param';
import { DynamicBatchNorm } from '../ops/dynamic-batch-norm';
import { DynamicConv2d } from '../ops/dynamic-conv2d';
import { weightsWidth } from '../subnet-widths';
import { WidthWeights } from '../width-weights';

export interface SupernetOptions {
  /** seeds every initial weight (per parameter name) */
  seed: number;
  /** precision of stem, squeeze-excite and classifier; default 8 */
  fixedBits?: 8 | 32;
  /** builds each layer's quantization; none: a float-only supernet */
  quant?: QuantFactory;
}

/** The backbone's outputs a task head reads. */
export interface BackboneFeatures {
  /** the final 1x1 expansion's output (lowest resolution, most channels) */
  features: Tensor;
  /** the output of the stage named by `skipStage` (-1: the stem / fixed first block), when asked for */
  skip?: Tensor;
}

/**
 * The elastic MobileNetV3 body every task's supernet shares (OFA's
 * OFAMobileNetV3 up to its final 1x1 expansion): fixed stem and first block,
 * elastic stages (depth = first d blocks, per-block kernel and expand), the
 * final expansion, and the active-subnet state. Subclasses add a task head
 * and forward(); training, BN re-estimation, checkpoints and bit inheritance
 * work on this class. Every weight is stored once at its largest size.
 */
export abstract class ElasticSupernet implements ParamOwner {
  readonly name = 'supernet';
  /** precision of stem, squeeze-excite and classifier (8 bit or float) */
  readonly fixedBits: 8 | 32;
  /** the active subnet's bit width (32 = float), pushed into every layer's quantization */
  private activeBits: number;
  /** the active subnet's elastic layers at other bits than activeBits (canonical, as SubnetSpec.bitsByLayer) */
  private activeBitsByLayer: Record<string, number> | undefined;
  readonly stemConv: DynamicConv2d;
  readonly stemBn: DynamicBatchNorm;
  readonly firstBlock?: DynamicMbBlock;
  readonly stages: DynamicMbBlock[][];
  readonly finalExpandConv: DynamicConv2d;
  readonly finalExpandBn: DynamicBatchNorm;
  activeResolution: number;
  activeDepths: number[];
  /** every layer's quantization by layer name (for bit inheritance and checkpoints) */
  readonly layerQuants = new Map<string, LayerQuant>();
  /** the weights of each bit width (OQAT's one supernet per width); setActive loads the subnet's */
  readonly widths = new WidthWeights(this);
  /** builds a layer's quantization and registers it in layerQuants (for the head's layers too) */
  protected readonly quant: QuantFactory;

  constructor(
    readonly space: SearchSpace,
    readonly options: SupernetOptions,
  ) {
    const seed = options.seed;
    this.fixedBits = options.fixedBits ?? 8;
    this.activeBits = space.bits[space.bits.length - 1]!;
    const quant: QuantFactory = (name, role) => {
      const q = options.quant?.(name, role);
      if (q) {
        this.layerQuants.set(name, q);
        q.setBits(layerBits(this.activeBits, this.fixedBits, role.precision));
      }
      return q;
    };
    this.quant = quant;
    const { stem, head } = space;
    const stemConv = { type: 'dynamic-conv2d' as const, maxInC: space.inputC, maxOutC: stem.outC, kernel: stem.kernel, stride: stem.stride };
    this.stemConv = new DynamicConv2d('stem', stemConv, seed, quant('stem', { precision: 'fixed', signedInput: true, outChannels: stem.outC }));
    this.stemBn = new DynamicBatchNorm('stem.bn', stem.outC);
    let c = stem.outC;
    if (space.firstBlock) {
      const f = space.firstBlock;
      const config = { type: 'dynamic-mb-block' as const, inC: c, outC: f.outC, stride: 1, kernels: [f.kernel], expands: null, se: f.se, act: f.act };
      this.firstBlock = new DynamicMbBlock('first', config, seed, quant);
      c = f.outC;
    }
    this.stages = space.stages.map((s, i) => {
      const blocks: DynamicMbBlock[] = [];
      for (let j = 0; j < s.depths[s.depths.length - 1]!; j++) {
        const config = {
          type: 'dynamic-mb-block' as const,
          inC: j === 0 ? c : s.outC,
          outC: s.outC,
          stride: j === 0 ? s.stride : 1,
          kernels: [...s.kernels],
          expands: [...s.expands],
          se: s.se,
          act: s.act,
        };
        blocks.push(new DynamicMbBlock(`stages.${i}.${j}`, config, seed, quant));
      }
      c = s.outC;
      return blocks;
    });
    const fe = { type: 'dynamic-conv2d' as const, maxInC: c, maxOutC: head.finalExpandC, kernel: 1, stride: 1 };
    this.finalExpandConv = new DynamicConv2d('head.expand', fe, seed, quant('head.expand', { precision: 'elastic', signedInput: true, outChannels: head.finalExpandC }));
    this.finalExpandBn = new DynamicBatchNorm('head.expand.bn', head.finalExpandC);
    const max = largestSubnet(space);
    this.activeResolution = max.resolution;
    this.activeDepths = max.depths;
  }

  /** Images [N, H, W, C] at any size -> the task's outputs for the active subnet. */
  abstract forward(images: Tensor, ctx: ForwardContext): Tensor;

  /** What the integer graph holds the backbone's features on (the head's reader); undefined: float features. */
  protected integerFeaturesReader(): Q8 | undefined {
    return undefined;
  }

  /** The head's modules, after the backbone's in params(), buffers() and dispose(). */
  protected abstract headParts(): ParamOwner[];

  /** The head's batch-norm layers (re-estimated with the backbone's). */
  protected abstract headBatchNorms(): DynamicBatchNorm[];

  /** Largest subnet, at the current bit width. */
  setMax(): void {
    this.setActive(largestSubnet(this.space, this.activeBits));
  }

  /**
   * Activates a subnet (checked against the space): each quantized layer runs
   * at its bits (subnetLayerBits) with that width's step, and the weights
   * are its width's; a mixed subnet's (bitsByLayer) are the narrowest
   * width's it uses (weightsWidth).
   */
  setActive(subnet: SubnetSpec): void {
    const spec = assertSubnetSpec(this.space, subnet);
    this.widths.select(weightsWidth(spec));
    this.activeResolution = spec.resolution;
    this.activeDepths = [...spec.depths];
    if (spec.bits !== this.activeBits || spec.bitsByLayer || this.activeBitsByLayer) {
      for (const [name, q] of this.layerQuants) q.setBits(subnetLayerBits(spec, name, this.fixedBits, q.role.precision));
    }
    this.activeBits = spec.bits;
    this.activeBitsByLayer = spec.bitsByLayer && { ...spec.bitsByLayer };
    this.stages.forEach((blocks, i) => {
      blocks.forEach((block, j) => {
        if (j < spec.depths[i]!) {
          block.activeKernel = spec.kernels[i]![j]!;
          block.activeExpand = spec.expands[i]![j]!;
        } else {
          block.setMax();
        }
      });
    });
  }

  /** Activates a random subnet and returns it; `bits` keeps the current bit width unless given. */
  sampleActive(rng: Rng, bits: number = this.activeBits): SubnetSpec {
    const spec = sampleSubnet(this.space, rng, bits);
    this.setActive(spec);
    return spec;
  }

  /** The active subnet as plain data. */
  activeConfig(): SubnetSpec {
    const d = this.activeDepths;
    return {
      resolution: this.activeResolution,
      depths: [...d],
      kernels: this.stages.map((blocks, i) => blocks.slice(0, d[i]).map((b) => b.activeKernel)),
      expands: this.stages.map((blocks, i) => blocks.slice(0, d[i]).map((b) => b.activeExpand)),
      bits: this.activeBits,
      ...(this.activeBitsByLayer && { bitsByLayer: { ...this.activeBitsByLayer } }),
    };
  }

  /**
   * Sorts every block's expanded channels by L1 importance (OFA). Changes no
   * output of the largest subnet; call it where optimizer momentum is reset
   * (a phase boundary), since momentum buffers are not permuted with it.
   */
  sortChannels(): void {
    for (const block of this.stages.flat()) sortExpandChannels(block);
  }

  /** Bit inheritance: every elastic layer's `toBits` steps start from its `fromBits` steps (doubled per bit). */
  inheritSteps(fromBits: number, toBits: number): void {
    for (const q of this.layerQuants.values()) q.inherit(fromBits, toBits);
  }

  /** Active blocks in order (first block included), as the forward pass visits them. */
  activeBlocks(): DynamicMbBlock[] {
    const stageBlocks = this.stages.flatMap((blocks, i) => blocks.slice(0, this.activeDepths[i]));
    return this.firstBlock ? [this.firstBlock, ...stageBlocks] : stageBlocks;
  }

  /**
   * The backbone of the active subnet: inputs resized to its resolution, stem,
   * blocks, final expansion. `skipStage` also returns that stage's output
   * (-1: the stem / first block output) for a dense head's skip branch.
   */
  protected backbone(images: Tensor, ctx: ForwardContext, skipStage?: number): BackboneFeatures {
    const r = this.activeResolution;
    let x = images;
    if (x.shape[1] !== r || x.shape[2] !== r) x = tf.image.resizeBilinear(x as tf.Tensor4D, [r, r]);
    // under the onnxruntime preset (integer-requant.ts): what reads each block's output in the integer graph (classification only)
    const readers = integerRequantOn(this.stemConv.quant) && skipStage === undefined ? integerBlockReaders(this.activeBlocks(), inputQ8(this.finalExpandConv.quant)) : undefined;
    const stem = this.stemConv.forward(x, this.space.stem.outC);
    x = readers
      ? integerActivation(this.stemBn.forwardRoundedShift(stem, ctx, (a) => biasUnits(this.stemConv.quant, a)), this.space.stem.act, readers.input?.q, readers.input?.readByConv ?? true)
      : this.stemBn.forward(stem, ctx, this.space.stem.act);
    let at = 0;
    if (this.firstBlock) x = this.firstBlock.forward(x, ctx, readers && { reader: readers.outputs[at++] });
    let skip = skipStage === -1 ? x : undefined;
    this.stages.forEach((blocks, i) => {
      for (const block of blocks.slice(0, this.activeDepths[i])) x = block.forward(x, ctx, readers && { reader: readers.outputs[at++] });
      if (i === skipStage) skip = x;
    });
    const head = this.space.head;
    const expand = this.finalExpandConv.forward(x, head.finalExpandC);
    const features = readers
      ? integerActivation(this.finalExpandBn.forwardRoundedShift(expand, ctx, (a) => biasUnits(this.finalExpandConv.quant, a)), head.act, this.integerFeaturesReader(), false)
      : this.finalExpandBn.forward(expand, ctx, head.act);
    return skip ? { features, skip } : { features };
  }

  private parts(): ParamOwner[] {
    const parts: Array<ParamOwner | undefined> = [
      this.stemConv,
      this.stemBn,
      this.firstBlock,
      ...this.stages.flat(),
      this.finalExpandConv,
      this.finalExpandBn,
      ...this.headParts(),
    ];
    return parts.filter((p): p is ParamOwner => p !== undefined);
  }

  /** Every trainable tensor with its stable name, in a fixed order. */
  params(): NamedParam[] {
    return this.parts().flatMap((p) => p.params());
  }

  /** BN running statistics, in a fixed order. */
  buffers(): NamedBuffer[] {
    return this.parts().flatMap((p) => p.buffers());
  }

  /** Every batch-norm layer by name (for statistics re-estimation). */
  batchNorms(): Map<string, DynamicBatchNorm> {
    const all = [this.stemBn, this.finalExpandBn, ...this.headBatchNorms()];
    for (const b of [this.firstBlock, ...this.stages.flat()]) {
      if (b) all.push(...[b.expandBn, b.dwBn, b.projectBn].filter((x): x is DynamicBatchNorm => x !== undefined));
    }
    return new Map(all.map((bn) => [bn.name, bn]));
  }

  dispose(): void {
    for (const p of this.parts()) p.dispose();
  }
}
