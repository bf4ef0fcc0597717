import { tf, type Tensor } from '@oqat/engine';
import { inherit, Quantizer, roundToPow2, type FormatName } from '@oqat/quant';
import type { StaticQuantConfig } from '../static/static-layer';
import type { LayerQuant, QuantFactory, QuantRole } from './layer-quant';
import type { NamedParam } from './named-param';

/** The number format a layer's steps quantize to (absent: LSQ's uniform grid). */
export interface LayerFormat {
  format: FormatName;
  /** esb: significant bits k */
  significantBits?: number;
  /** abfp: values per block sharing one exponent */
  blockSize?: number;
}

/** What a deployment preset adds to a layer's quantization (search's presetQuantFactory sets them). */
export interface LayerConstraints {
  /** one weight step per output channel (role.outChannels of them, shared by every subnet: a subnet uses the first k) */
  perChannelWeights?: boolean;
  /** the fixed-precision layers' format too (a backend computes every layer alike; default: those layers stay uniform) */
  fixedLayers?: LayerFormat;
}

/**
 * LSQ quantization of one supernet layer with @oqat/quant's Quantizer: one
 * scalar step for the weights and one for the input activations, per bit
 * width, shared by every subnet (a subnet's weight slice is quantized with
 * the layer's scalar; LSQ's gradient scale uses the slice's element count).
 * The supernet sets the bit width (setBits) when it activates a subnet.
 * Steps start from data at their least-squared-error value. With a
 * LayerFormat the same learned steps quantize to that format's grid (ESB,
 * ABFP, power-of-two steps) instead of the uniform one.
 */
export class LsqLayerQuant implements LayerQuant {
  readonly weightQuantizer: Quantizer;
  readonly inputQuantizer: Quantizer;

  constructor(
    readonly name: string,
    readonly role: QuantRole,
    readonly layerFormat: LayerFormat = { format: 'uniform' },
    readonly constraints: LayerConstraints = {},
  ) {
    // The first quantized width starts at the MSE-optimal steps: one 4-bit epoch from a float supernet
    // reached 83.1 % top-1 for the largest subnet, 81.5 % from LSQ's own init (docs/benchmarks-supernet.md).
    // Fixed-precision layers (stem, SE, classifier) keep the uniform grid unless a preset sets theirs (format getter).
    const format = this.format;
    const channels = constraints.perChannelWeights && role.outChannels ? { channels: role.outChannels, axis: role.outChannelAxis ?? -1 } : {};
    this.weightQuantizer = new Quantizer({ bits: 32, signed: true, role: 'weight', stepInit: 'mse', ...format, ...channels });
    this.inputQuantizer = new Quantizer({ bits: 32, signed: role.signedInput, role: 'activation', stepInit: 'mse', ...format });
  }

  setBits(bits: number): void {
    this.weightQuantizer.setBits(bits);
    this.inputQuantizer.setBits(bits);
  }

  weight(w: Tensor): Tensor {
    return this.weightQuantizer.quantize(w);
  }

  input(x: Tensor): Tensor {
    return this.inputQuantizer.quantize(x);
  }

  params(): NamedParam[] {
    const named = (q: Quantizer, part: string): NamedParam[] =>
      q.initialisedBits().map((bits) => ({ name: `${this.name}.${part}.step${bits}`, variable: q.step(bits)!, decay: false, positive: true }));
    return [...named(this.weightQuantizer, 'wq'), ...named(this.inputQuantizer, 'aq')];
  }

  /** The number format this layer's quantizers use (the elastic layers', or the fixed ones'). */
  get format(): LayerFormat {
    return this.role.precision === 'elastic' ? this.layerFormat : (this.constraints.fixedLayers ?? { format: 'uniform' });
  }

  /**
   * The steps as a static network's config. Per-channel weight steps are
   * frozen whole (channelSteps, the widest layer's; extractSubnet keeps a
   * subnet's first k) with `step` their mean.
   */
  frozen(): { weight?: StaticQuantConfig; input?: StaticQuantConfig } {
    const bits = this.weightQuantizer.bits;
    if (bits === 32) return {};
    const format = this.format.format !== 'uniform' ? this.format : {};
    // A pow2 layer computes with its step rounded to a power of two: frozen, the step is that power (a plain uniform step to every reader).
    const round = this.format.format === 'pow2' ? roundToPow2 : (s: number): number => s;
    const freeze = (q: Quantizer): StaticQuantConfig => {
      const steps = Array.from(q.stepValues(bits), round);
      if (!q.perChannel) return { bits, signed: q.signed, step: steps[0]!, ...format };
      return { bits, signed: q.signed, step: steps.reduce((a, v) => a + v, 0) / steps.length, channelSteps: steps, ...format };
    };
    return { weight: freeze(this.weightQuantizer), input: freeze(this.inputQuantizer) };
  }

  permuteOutChannels(order: Tensor): void {
    const q = this.weightQuantizer;
    if (!q.perChannel) return;
    for (const bits of q.initialisedBits()) tf.tidy(() => q.step(bits)!.assign(tf.gather(q.step(bits)!, order)));
  }

  inherit(fromBits: number, toBits: number): void {
    if (this.role.precision !== 'elastic') return;
    inherit(this.weightQuantizer, fromBits, toBits);
    inherit(this.inputQuantizer, fromBits, toBits);
  }

  restoreStep(part: 'wq' | 'aq', bits: number, value: Float32Array): void {
    (part === 'wq' ? this.weightQuantizer : this.inputQuantizer).setStep(bits, value);
  }

  dispose(): void {
    this.weightQuantizer.dispose();
    this.inputQuantizer.dispose();
  }
}

/** The QuantFactory a quantized supernet is built with. */
export const lsqQuantFactory: QuantFactory = (name, role) => new LsqLayerQuant(name, role);

/** A QuantFactory whose elastic layers learn steps on `format`'s grid (with a preset's constraints, if given). */
export const formatQuantFactory =
  (format: LayerFormat, constraints: LayerConstraints = {}): QuantFactory =>
  (name, role) =>
    new LsqLayerQuant(name, role, format, constraints);
