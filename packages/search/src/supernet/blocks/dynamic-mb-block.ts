import type { Tensor } from '@oqat/engine';
import { tf } from '@oqat/engine';
import { blockMiddleChannels, type SpaceActivation } from '@oqat/latency';
import { addendQ8, fakeQuantQ8, seInputQ8, type Q8 } from '@oqat/quant';
import type { ForwardContext } from '../forward-context';
import { biasUnits, inputQ8, integerActivation } from '../integer-requant';
import type { QuantFactory } from '../layer-quant';
import type { NamedBuffer, NamedParam, ParamOwner } from '../named-param';
import { DynamicBatchNorm } from '../ops/dynamic-batch-norm';
import { DynamicConv2d } from '../ops/dynamic-conv2d';
import { DynamicDwConv2d } from '../ops/dynamic-dw-conv2d';
import { DynamicSe } from '../ops/dynamic-se';

export interface DynamicMbBlockConfig {
  type: 'dynamic-mb-block';
  inC: number;
  outC: number;
  stride: number;
  /** depthwise kernel choices, ascending */
  kernels: number[];
  /** expand-ratio choices, ascending; null: no 1x1 expansion (OFA's first block, ratio 1) */
  expands: number[] | null;
  se: boolean;
  act: SpaceActivation;
}

/**
 * What reads a block's output in the onnxruntime integer graph: the next
 * layer's own input quantizer (`readByConv`: the app applies it there), or
 * the next block's residual range (addendQ8 of its sum's), which the output
 * takes here.
 */
export interface BlockReader {
  q: Q8;
  readByConv: boolean;
}

/**
 * What reads each active block's output (and the input of the first) in
 * the integer graph, from the last block back: the layer after the blocks
 * (`after`: the head's first conv), or a block with a shortcut, which reads
 * its input on its addends' range: the range of its own sum's reader,
 * widened (addendQ8). Undefined where a step does not exist yet.
 */
export function integerBlockReaders(blocks: readonly DynamicMbBlock[], after: Q8 | undefined): { input?: BlockReader; outputs: Array<BlockReader | undefined> } {
  const outputs: Array<BlockReader | undefined> = new Array(blocks.length);
  let next: BlockReader | undefined = after && { q: after, readByConv: true };
  for (let j = blocks.length - 1; j >= 0; j--) {
    outputs[j] = next;
    const b = blocks[j]!;
    if (b.hasShortcut) next = outputs[j] && { q: addendQ8(outputs[j]!.q), readByConv: false };
    else {
      const first = b.expandConv?.quant ?? b.dwConv.quant;
      const q = inputQ8(first);
      next = q && { q, readByConv: true };
    }
  }
  return { ...(next ? { input: next } : {}), outputs };
}

/**
 * Inverted-residual block with elastic kernel and expand ratio (OFA's
 * DynamicMBConvLayer inside a ResidualBlock): 1x1 expand + BN + act,
 * depthwise k x k + BN + act, optional squeeze-excite, 1x1 project + BN, and
 * an identity shortcut when shape allows. Active settings are plain fields.
 */
export class DynamicMbBlock implements ParamOwner {
  readonly expandConv?: DynamicConv2d;
  readonly expandBn?: DynamicBatchNorm;
  readonly dwConv: DynamicDwConv2d;
  readonly dwBn: DynamicBatchNorm;
  readonly se?: DynamicSe;
  readonly projectConv: DynamicConv2d;
  readonly projectBn: DynamicBatchNorm;
  readonly maxMiddle: number;
  activeKernel: number;
  activeExpand: number;

  constructor(
    readonly name: string,
    readonly config: DynamicMbBlockConfig,
    seed: number,
    quant: QuantFactory,
  ) {
    const { inC, outC, kernels, expands } = config;
    this.maxMiddle = expands ? blockMiddleChannels(inC, expands[expands.length - 1]!) : inC;
    this.activeKernel = kernels[kernels.length - 1]!;
    this.activeExpand = expands ? expands[expands.length - 1]! : 1;
    const m = this.maxMiddle;
    if (expands) {
      const conv = { type: 'dynamic-conv2d' as const, maxInC: inC, maxOutC: m, kernel: 1, stride: 1 };
      this.expandConv = new DynamicConv2d(`${name}.expand`, conv, seed, quant(`${name}.expand`, { precision: 'elastic', signedInput: true, outChannels: m }));
      this.expandBn = new DynamicBatchNorm(`${name}.expand.bn`, m);
    }
    // The depthwise input follows an activation (non-negative except h-swish's small dip) unless the block
    // has no expansion, in which case it is the block input itself.
    const dwRole = { precision: 'elastic' as const, signedInput: !expands, outChannels: m, outChannelAxis: -2 as const };
    const dw = { type: 'dynamic-dw-conv2d' as const, maxChannels: m, kernels: [...kernels], stride: config.stride };
    this.dwConv = new DynamicDwConv2d(`${name}.dw`, dw, seed, quant(`${name}.dw`, dwRole));
    this.dwBn = new DynamicBatchNorm(`${name}.dw.bn`, m);
    if (config.se) this.se = new DynamicSe(`${name}.se`, { type: 'dynamic-se', maxChannels: m }, seed, quant);
    const project = { type: 'dynamic-conv2d' as const, maxInC: m, maxOutC: outC, kernel: 1, stride: 1 };
    this.projectConv = new DynamicConv2d(`${name}.project`, project, seed, quant(`${name}.project`, { precision: 'elastic', signedInput: false, outChannels: outC }));
    this.projectBn = new DynamicBatchNorm(`${name}.project.bn`, outC);
  }

  get hasShortcut(): boolean {
    return this.config.stride === 1 && this.config.inC === this.config.outC;
  }

  /** Expanded channels at the active expand ratio. */
  get activeMiddle(): number {
    return this.config.expands ? blockMiddleChannels(this.config.inC, this.activeExpand) : this.config.inC;
  }

  setMax(): void {
    this.activeKernel = this.config.kernels[this.config.kernels.length - 1]!;
    this.activeExpand = this.config.expands ? this.config.expands[this.config.expands.length - 1]! : 1;
  }

  /**
   * The block's output. `integer`: compute what the onnxruntime integer
   * graph computes (the network's layers are marked, integer-requant.ts),
   * its output read by `integer.reader` (integerBlockReaders).
   */
  forward(x: Tensor, ctx: ForwardContext, integer?: { reader?: BlockReader }): Tensor {
    if (integer) return this.integerForward(x, ctx, integer.reader);
    const act = this.config.act;
    let h = x;
    if (this.expandConv && this.expandBn) {
      h = this.expandBn.forward(this.expandConv.forward(h, this.activeMiddle), ctx, act);
    }
    h = this.dwBn.forward(this.dwConv.forward(h, this.activeKernel), ctx, act);
    if (this.se) h = this.se.forward(h);
    h = this.projectBn.forward(this.projectConv.forward(h, this.config.outC), ctx);
    return this.hasShortcut ? tf.add(h, x) : h;
  }

  /**
   * The forward pass as the integer graph computes it (@oqat/export's
   * integerGraph on this block's export nodes): every conv's BN shift on
   * its int32 bias unit, h-swish's input on its output range's preimage
   * and its h-sigmoid table, the squeeze-excite input on the union of its
   * pool's and its product's widened ranges, the residual addends on the
   * sum's range widened (addendQ8) and the sum on the reader's range. Where
   * a step does not exist yet (the first forward at a width) that point runs
   * in float.
   */
  private integerForward(x: Tensor, ctx: ForwardContext, reader: BlockReader | undefined): Tensor {
    const act = this.config.act;
    const convBn = (conv: DynamicConv2d | DynamicDwConv2d, bn: DynamicBatchNorm, y: Tensor): Tensor =>
      bn.forwardRoundedShift(y, ctx, (a) => biasUnits(conv.quant, a));
    let h = x;
    if (this.expandConv && this.expandBn) {
      const e = convBn(this.expandConv, this.expandBn, this.expandConv.forward(h, this.activeMiddle));
      h = integerActivation(e, act, inputQ8(this.dwConv.quant), true);
    }
    const d = convBn(this.dwConv, this.dwBn, this.dwConv.forward(h, this.activeKernel));
    if (this.se) {
      const pooled = inputQ8(this.se.reduce.quant);
      const product = inputQ8(this.projectConv.quant);
      const input = pooled && product && seInputQ8(pooled, product);
      h = this.se.forward(integerActivation(d, act, input, false), input ? { input } : {});
    } else {
      h = integerActivation(d, act, inputQ8(this.projectConv.quant), true);
    }
    const p = convBn(this.projectConv, this.projectBn, this.projectConv.forward(h, this.config.outC));
    if (!this.hasShortcut) return reader && !reader.readByConv ? fakeQuantQ8(p, reader.q) : p;
    if (!reader) return tf.add(p, x);
    const addend = addendQ8(reader.q);
    const sum = tf.add(fakeQuantQ8(p, addend), fakeQuantQ8(x, addend));
    // a conv reader quantizes the sum itself (on the same grid: quantizing it here too would leave its step no gradient)
    return reader.readByConv ? sum : fakeQuantQ8(sum, reader.q);
  }

  private parts(): Array<{ params(): NamedParam[]; buffers(): NamedBuffer[]; dispose(): void }> {
    const parts = [this.expandConv, this.expandBn, this.dwConv, this.dwBn, this.se, this.projectConv, this.projectBn];
    return parts.filter((p) => p !== undefined);
  }

  params(): NamedParam[] {
    return this.parts().flatMap((p) => p.params());
  }

  buffers(): NamedBuffer[] {
    return this.parts().flatMap((p) => p.buffers());
  }

  toConfig(): DynamicMbBlockConfig {
    return { ...this.config, kernels: [...this.config.kernels], expands: this.config.expands && [...this.config.expands] };
  }

  dispose(): void {
    for (const p of this.parts()) p.dispose();
  }
}
