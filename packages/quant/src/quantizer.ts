import { tf } from '@oqat/engine';
import type { Tensor, Variable } from '@oqat/engine';
import { assertQuantBits, quantRange } from './bits';
import { ChannelSliceError, InvalidQuantOptionError, StepNotInitialisedError } from './errors';
import { esbGrid } from './quantizers/esb-grid';
import type { FakeQuantConfig, FormatName, FormatSpec, NumberFormat, StepInit } from './formats/number-format';
import { getFormat } from './formats/registry';

export interface QuantizerOptions {
  /** active bit width: 2–8, or 32 for off (float). */
  bits: number;
  /** true for weights and signed activations, false after ReLU. */
  signed: boolean;
  /** per-output-channel steps: the widest channel count the owning layer has; omit for one step per tensor. */
  channels?: number;
  /** channel axis of the inputs; default the last (tfjs conv/dense weights, NHWC activations). */
  axis?: number;
  /**
   * 'weight': LSQ's N is the element count of the active slice; 'activation':
   * N is the element count per example (LSQ's N_F; axis 0 is the batch). Default 'weight'.
   */
  role?: 'weight' | 'activation';
  /** number format; default 'uniform' (LSQ). */
  format?: FormatName;
  /** esb: significant bits k. */
  significantBits?: number;
  /** abfp: values per block; default 16. */
  blockSize?: number;
  /** uniform: how a step starts from data (default 'lsq': 2·mean|x|/sqrt(Qp); 'mse': least squared error). */
  stepInit?: StepInit;
  /** prefix of the step variables' names (must be unique among live variables). */
  name?: string;
}

export interface QuantizeCallOptions {
  /** channels the subnet keeps (the first k); must equal x.shape[axis] when given. */
  channels?: number;
}

/** Smallest step used in the forward pass, so an optimizer step through zero cannot divide by zero. */
const MIN_STEP = 1e-8;

/**
 * A fake quantizer owned by one supernet layer. It holds the learned step
 * size(s) once per bit width; every subnet that uses the layer quantizes
 * with the same tf.Variable (per-channel steps are sliced to the first k
 * channels, so gradients land in the shared variable).
 */
export class Quantizer {
  readonly signed: boolean;
  /** per-channel step count, or 1 per tensor. */
  readonly maxChannels: number;
  readonly perChannel: boolean;
  readonly role: 'weight' | 'activation';
  readonly format: NumberFormat;
  private readonly options: QuantizerOptions;
  private activeBits: number;
  private readonly steps = new Map<number, Variable>();

  constructor(options: QuantizerOptions) {
    assertQuantBits('Quantizer', options.bits, true);
    this.format = getFormat(options.format ?? 'uniform');
    this.perChannel = options.channels !== undefined;
    if (this.perChannel && (!Number.isInteger(options.channels) || options.channels! < 1)) {
      throw new InvalidQuantOptionError('Quantizer', 'channels', options.channels, 'a positive integer (or omitted for one step per tensor)');
    }
    if (this.perChannel && !this.format.perChannel) {
      throw new InvalidQuantOptionError('Quantizer', 'channels', options.channels, `omitted for format '${this.format.name}' (one step per tensor)`);
    }
    if (options.role !== undefined && options.role !== 'weight' && options.role !== 'activation') {
      throw new InvalidQuantOptionError('Quantizer', 'role', options.role, "'weight' or 'activation'");
    }
    if (this.format.name === 'esb' && options.bits !== 32) esbGrid(options.bits, options.signed, options.significantBits);
    this.options = options;
    this.signed = options.signed;
    this.maxChannels = options.channels ?? 1;
    this.role = options.role ?? 'weight';
    this.activeBits = options.bits;
  }

  get bits(): number {
    return this.activeBits;
  }

  /** Switches the active bit width (32 = off). Steps of other widths are kept. */
  setBits(bits: number): void {
    assertQuantBits('Quantizer.setBits', bits, true);
    this.activeBits = bits;
  }

  /** The step variable of a bit width (default: the active one), if initialised. */
  step(bits = this.activeBits): Variable | undefined {
    return this.steps.get(bits);
  }

  /** Bit widths that have a step. */
  initialisedBits(): number[] {
    return [...this.steps.keys()].sort((a, b) => a - b);
  }

  /** Every step variable (for an optimizer's var list). */
  variables(): Variable[] {
    return [...this.steps.values()];
  }

  /**
   * Fake-quantizes x at the active bit width (returns x itself at 32 bits).
   * The first call at a bit width without a step initialises it from x
   * (LSQ: 2·mean(|x|)/sqrt(Qp); channels beyond x's get the mean of the
   * initialised ones). Call it once before building an optimizer's var list.
   */
  quantize(x: Tensor, call: QuantizeCallOptions = {}): Tensor {
    if (this.activeBits === 32) return x;
    const k = this.channelsOf(x, call);
    if (!this.steps.has(this.activeBits)) this.initStep(x);
    const variable = this.steps.get(this.activeBits)!;
    return tf.tidy(() => {
      const sliced = this.perChannel && k < this.maxChannels ? tf.slice(variable, [0], [k]) : variable;
      return this.format.fakeQuantize(x, tf.maximum(sliced, MIN_STEP), this.fakeQuantConfig(x, k));
    });
  }

  /** (Re)initialises the step of a bit width (default active) from data, as quantize's first call does. */
  initStep(x: Tensor, bits = this.activeBits): void {
    assertQuantBits('Quantizer.initStep', bits, false);
    const k = this.channelsOf(x, {});
    const axis = this.axisOf(x);
    const values = tf.tidy(() => {
      // channel-last layout on the host: move the channel axis last.
      const perm = x.shape.map((_, i) => i).filter((i) => i !== axis).concat(axis);
      return (this.perChannel ? tf.transpose(x, perm) : x).dataSync() as Float32Array;
    });
    const init = this.format.initStep(values, this.perChannel ? k : 1, this.spec(bits));
    const full = new Float32Array(this.maxChannels);
    const mean = init.reduce((a, v) => a + v, 0) / init.length;
    for (let c = 0; c < full.length; c++) full[c] = c < init.length ? init[c]! : mean;
    this.setStep(bits, full);
  }

  /** Sets the step of a bit width from host values (creates the variable if needed). */
  setStep(bits: number, values: Float32Array): void {
    assertQuantBits('Quantizer.setStep', bits, false);
    if (values.length !== this.maxChannels) {
      throw new InvalidQuantOptionError('Quantizer.setStep', 'values.length', values.length, String(this.maxChannels));
    }
    const existing = this.steps.get(bits);
    tf.tidy(() => {
      const t = this.perChannel ? tf.tensor1d(values) : tf.scalar(values[0]!);
      if (existing) existing.assign(t);
      else {
        const name = this.options.name ? `${this.options.name}/step_${bits}bit` : undefined;
        this.steps.set(bits, tf.variable(t, true, name));
      }
    });
  }

  /** Host copy of a bit width's steps (default active). */
  stepValues(bits = this.activeBits): Float32Array {
    const v = this.steps.get(bits);
    if (!v) throw new StepNotInitialisedError('Quantizer.stepValues', bits);
    return Float32Array.from(v.dataSync());
  }

  /** Bits, sign and format options as a FormatSpec at a bit width. */
  spec(bits = this.activeBits): FormatSpec {
    const { significantBits, blockSize, stepInit } = this.options;
    return {
      bits,
      signed: this.signed,
      ...(significantBits !== undefined ? { significantBits } : {}),
      ...(blockSize !== undefined ? { blockSize } : {}),
      ...(stepInit !== undefined ? { stepInit } : {}),
    };
  }

  dispose(): void {
    for (const v of this.steps.values()) v.dispose();
    this.steps.clear();
  }

  private axisOf(x: Tensor): number {
    const axis = this.options.axis ?? -1;
    return axis < 0 ? x.rank + axis : axis;
  }

  private channelsOf(x: Tensor, call: QuantizeCallOptions): number {
    if (!this.perChannel) return 1;
    const axis = this.axisOf(x);
    const k = x.shape[axis];
    if (k === undefined) throw new InvalidQuantOptionError('Quantizer.quantize', 'axis', this.options.axis, `an axis of the rank-${x.rank} input`);
    if (call.channels !== undefined && call.channels !== k) {
      throw new InvalidQuantOptionError('Quantizer.quantize', 'channels', call.channels, `x.shape[${axis}] = ${k}`);
    }
    if (k > this.maxChannels) throw new ChannelSliceError('Quantizer.quantize', k, this.maxChannels);
    return k;
  }

  private fakeQuantConfig(x: Tensor, k: number): FakeQuantConfig {
    const spec = this.spec();
    const config: FakeQuantConfig = { ...spec, axis: this.axisOf(x) };
    if (this.role === 'activation') {
      const qmax = this.format.name === 'esb' ? esbGrid(spec.bits, spec.signed, spec.significantBits).maxLevel : quantRange(spec.bits, spec.signed).qp;
      const perExample = x.size / Math.max(1, x.shape[0] ?? 1);
      config.gradScale = 1 / Math.sqrt((perExample / k) * qmax);
    }
    return config;
  }
}
