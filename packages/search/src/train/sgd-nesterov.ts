import { tf, type Tensor, type Variable } from '@oqat/engine';
import type { NamedParam } from '../supernet/named-param';

export interface SgdOptions {
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

/**
 * SGD with (Nesterov) momentum and coupled L2 decay, as PyTorch's SGD:
 *   g' = g + wd * w (decayed params only);  v = mu * v + g';
 *   step = nesterov ? g' + mu * v : v;      w -= lr * step.
 * Momentum buffers are keyed by parameter name, so they survive a network
 * that grows new step-size variables and can be checkpointed exactly.
 * Parameters marked `positive` (step sizes) are kept >= half their value
 * before the update, so no update can take them through zero.
 */
export class SgdNesterov {
  private readonly velocity = new Map<string, Variable>();

  constructor(readonly options: SgdOptions) {}

  /** Applies one update; `grads` maps parameter names to gradients (missing: not used this step). */
  apply(params: readonly NamedParam[], grads: ReadonlyMap<string, Tensor>, lr: number): void {
    const { momentum: mu, nesterov, weightDecay } = this.options;
    tf.tidy(() => {
      for (const p of params) {
        const g0 = grads.get(p.name);
        if (!g0) continue;
        const g = p.decay && weightDecay > 0 ? tf.add(g0, tf.mul(p.variable, weightDecay)) : g0;
        let v = this.velocity.get(p.name);
        if (!v) {
          // PyTorch starts the buffer at the first gradient.
          v = tf.variable(g, false);
          this.velocity.set(p.name, v);
        } else {
          v.assign(tf.add(tf.mul(v, mu), g));
        }
        const step = nesterov ? tf.add(g, tf.mul(v, mu)) : v;
        const next = tf.sub(p.variable, tf.mul(step, lr));
        p.variable.assign(p.positive ? tf.maximum(next, tf.mul(p.variable, 0.5)) : next);
      }
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
