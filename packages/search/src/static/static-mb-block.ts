import { tf, type Tensor } from '@oqat/engine';
import type { SpaceActivation } from '@oqat/latency';
import { applyActivation } from './activation';
import type { StaticConv2dConfig } from './static-conv2d';
import { staticConvBn, type StaticConvBn } from './static-conv-bn';
import type { StaticLayer, WeightMap } from './static-layer';
import { StaticSe, type StaticSeConfig } from './static-se';

export interface StaticMbBlockConfig {
  type: 'mb-block';
  act: SpaceActivation;
  /** identity shortcut (stride 1, same channels) */
  shortcut: boolean;
  /** 1x1 expansion; absent in a ratio-1 block */
  expand?: StaticConv2dConfig;
  dw: StaticConv2dConfig;
  se?: StaticSeConfig;
  project: StaticConv2dConfig;
}

/** Inverted-residual block at fixed kernel and width (OFA's MBConvLayer in a ResidualBlock). */
export class StaticMbBlock implements StaticLayer<StaticMbBlockConfig> {
  readonly expand?: StaticConvBn;
  readonly dw: StaticConvBn;
  readonly se?: StaticSe;
  readonly project: StaticConvBn;

  constructor(
    readonly name: string,
    readonly config: StaticMbBlockConfig,
    weights?: WeightMap,
    seed = 0,
  ) {
    const convBn = (part: string, c: StaticConv2dConfig): StaticConvBn => staticConvBn(`${name}.${part}`, c, weights, seed);
    if (config.expand) this.expand = convBn('expand', config.expand);
    this.dw = convBn('dw', config.dw);
    if (config.se) this.se = new StaticSe(`${name}.se`, config.se, weights, seed);
    this.project = convBn('project', config.project);
  }

  forward(x: Tensor): Tensor {
    const act = this.config.act;
    let h = x;
    if (this.expand) h = applyActivation(this.expand.bn.forward(this.expand.conv.forward(h)), act);
    h = applyActivation(this.dw.bn.forward(this.dw.conv.forward(h)), act);
    if (this.se) h = this.se.forward(h);
    h = this.project.bn.forward(this.project.conv.forward(h));
    return this.config.shortcut ? tf.add(h, x) : h;
  }

  toConfig(): StaticMbBlockConfig {
    return JSON.parse(JSON.stringify(this.config)) as StaticMbBlockConfig;
  }

  private parts(): Array<StaticLayer<{ type: string }>> {
    const p: Array<StaticLayer<{ type: string }> | undefined> = [
      this.expand?.conv, this.expand?.bn, this.dw.conv, this.dw.bn, this.se, this.project.conv, this.project.bn,
    ];
    return p.filter((x): x is StaticLayer<{ type: string }> => x !== undefined);
  }

  weights(): WeightMap {
    return new Map(this.parts().flatMap((p) => [...p.weights()]));
  }

  dispose(): void {
    for (const p of this.parts()) p.dispose();
  }
}
