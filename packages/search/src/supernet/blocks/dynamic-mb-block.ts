import type { Tensor } from '@oqat/engine';
import { tf } from '@oqat/engine';
import { blockMiddleChannels, type SpaceActivation } from '@oqat/latency';
import type { ForwardContext } from '../forward-context';
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

  forward(x: Tensor, ctx: ForwardContext): Tensor {
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
