import { sgdMomentumUpdate, tf, type Tensor, type Variable } from '@oqat/engine';
import type { NamedParam } from '../supernet/named-param';

export interface SgdOptions {
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  /** rescale gradients whose global L2 norm exceeds this; 0 = never */
  clipNorm?: number;
}

/**
 * SGD with (Nesterov) momentum and coupled L2 decay, as PyTorch's SGD:
 *   g' = g + wd * w (decayed params only);  v = mu * v + g';
 *   step = nesterov ? g' + mu * v : v;      w -= lr * step.
 * Momentum buffers are keyed by parameter name, so they survive a network
 * that grows new step-size variables and can be checkpointed exactly.
 * Parameters marked `positive` (step sizes) stay within [1/2, 2] times their
 * value before the update, so no update takes them through zero or blows
 * them up. Gradients are clipped to a global norm first: at 2 bits whole
 * channels quantize to a constant, their BN variance goes to ~0 and BN's
 * backward multiplies the gradient by up to 1/sqrt(eps) per layer (seen as
 * step-size momentum of 1e10 and a dead network without clipping).
 */
export class SgdNesterov {
  private readonly velocity = new Map<string, Variable>();

  constructor(readonly options: SgdOptions) {}

  /**
   * Applies one update; `grads` maps parameter names to gradients (missing:
   * not used this step). Returns the gradients' global L2 norm before clipping.
   */
  apply(params: readonly NamedParam[], grads: ReadonlyMap<string, Tensor>, lr: number): number {
    const { momentum: mu, nesterov, weightDecay, clipNorm = 0 } = this.options;
    return tf.tidy(() => {
      const used = params.filter((p) => grads.has(p.name));
      const norm = used.length ? Math.sqrt(tf.addN(used.map((p) => tf.sum(tf.square(grads.get(p.name)!)))).dataSync()[0]!) : 0;
      const scale = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1;
      for (const p of used) {
        let v = this.velocity.get(p.name);
        if (!v) {
          // PyTorch starts the buffer at the first gradient: mu * 0 + g' is exactly g'.
          v = tf.variable(tf.zerosLike(p.variable), false);
          this.velocity.set(p.name, v);
        }
        // One fused kernel per variable (one SIMD pass on wasm) instead of up to 12 ops.
        const next = sgdMomentumUpdate(p.variable, v, grads.get(p.name)!, lr, mu, {
          nesterov,
          weightDecay: p.decay ? weightDecay : 0,
          gradScale: scale,
          bounded: p.positive === true,
        });
        v.assign(next.velocity);
        p.variable.assign(next.variable);
      }
      return norm;
    });
  }

  /** Momentum buffers by parameter name (for checkpoints). */
  state(): Map<string, Tensor> {
    return new Map(this.velocity);
  }

  /** Restores buffers from a checkpoint (copies the given tensors). */
  load(state: ReadonlyMap<string, Tensor>): void {
    this.reset();
    for (const [name, t] of state) this.velocity.set(name, tf.variable(t, false));
  }

  /** Drops all buffers (new phase, or channels were re-sorted). */
  reset(): void {
    for (const v of this.velocity.values()) v.dispose();
    this.velocity.clear();
  }
}
