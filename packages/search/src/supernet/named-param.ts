import type { Variable } from '@oqat/engine';

/**
 * A trainable tensor with its stable name (used by checkpoints and the
 * optimizer state) and whether weight decay applies: OFA exempts batch-norm
 * parameters and biases; LSQ step sizes are exempt too (decay would shrink the
 * quantization range towards zero).
 */
export interface NamedParam {
  name: string;
  variable: Variable;
  decay: boolean;
  /**
   * Must stay positive (LSQ step sizes): the optimizer lets one update at
   * most halve it. A step pushed through zero is clamped to ~0 by the
   * quantizer, every input then clips and no gradient reaches it again (seen
   * as a whole supernet collapsing to chance in a 4-bit phase).
   */
  positive?: boolean;
}

/** A non-trainable tensor a checkpoint must still carry (BN running statistics). */
export interface NamedBuffer {
  name: string;
  variable: Variable;
}

/** What every supernet module exposes so networks can collect and name its state. */
export interface ParamOwner {
  /** full dotted path in the network, e.g. 'stages.1.blocks.0.dw.bn' */
  readonly name: string;
  params(): NamedParam[];
  buffers(): NamedBuffer[];
  dispose(): void;
}
