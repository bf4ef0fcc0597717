import type { Tensor } from '@oqat/engine';
import type { StaticQuantConfig } from '../static/static-layer';
import type { NamedParam } from './named-param';

/**
 * The fake quantization of one conv or linear layer: its weights (signed)
 * and its input activations. Implementations hold ONE step size for weights
 * and one for activations, whatever slice of the layer a subnet uses, so
 * every subnet trains and reads the same two scalars.
 */
export interface LayerQuant {
  /** where the layer sits in the precision plan (the supernet sets its bits by it) */
  readonly role: QuantRole;
  /** The bits the layer runs at from now on (32: float pass-through); the supernet's setActive calls it. */
  setBits(bits: number): void;
  /** Fake-quantizes the active weight slice; identity while the layer runs in float. */
  weight(w: Tensor): Tensor;
  /** Fake-quantizes the layer's input; identity while the layer runs in float. */
  input(x: Tensor): Tensor;
  /** The step-size variables, for the optimizer and checkpoints. */
  params(): NamedParam[];
  /** The current steps as plain numbers (for a static network); absent parts run in float. */
  frozen(): { weight?: StaticQuantConfig; input?: StaticQuantConfig };
  /**
   * Bit inheritance: starts the `toBits` steps of an elastic layer from its
   * `fromBits` steps (doubled per bit removed). Fixed-precision layers keep theirs.
   */
  inherit(fromBits: number, toBits: number): void;
  /** Sets a step from a checkpoint ('wq' weights, 'aq' inputs), creating it if needed. */
  restoreStep(part: 'wq' | 'aq', bits: number, value: Float32Array): void;
  /**
   * Reorders per-channel weight steps (every width's) as the layer's output
   * channels were reordered (OFA's channel sorting: `order[i]` is the old
   * index of new channel i). Absent, or a no-op, where steps are per tensor.
   */
  permuteOutChannels?(order: Tensor): void;
  dispose(): void;
}

/**
 * Where a layer sits in OQAT's precision plan: 'elastic' layers run at the
 * supernet's current bit width (2/3/4, or float); 'fixed' ones (stem,
 * squeeze-excite, classifier) at the network's fixed precision (8 bit or
 * float). signedInput: the layer's input can be negative (a block's output is
 * linear), so its activation quantizer must be signed.
 */
export interface QuantRole {
  precision: 'elastic' | 'fixed';
  signedInput: boolean;
  /** the layer's widest output-channel count: per-channel weight steps hold this many, a subnet uses the first k */
  outChannels?: number;
  /** the weight's output-channel axis: -1 (conv [k, k, in, out], dense [in, out]; the default) or -2 (depthwise [k, k, C, 1]) */
  outChannelAxis?: -1 | -2;
}

/** Builds a layer's quantization; the network pushes the active bit width into it. */
export type QuantFactory = (layerName: string, role: QuantRole) => LayerQuant | undefined;
