import { loadNetworkState, readNetworkState, type HostTensors } from './network-state';
import type { ElasticSupernet } from './networks/elastic-supernet';

/**
 * One supernet per bit width, as OQAT keeps them: when a phase ends, its
 * width's weights are kept as they are; the next (narrower) width starts
 * from them and trains on in the network's variables, leaving the kept copy
 * untouched. Activating a subnet of a kept width loads that width's weights,
 * so evaluation, search and export of a 4-bit candidate see the 4-bit
 * supernet even after the 2-bit phase.
 *
 * The variables always hold the weights of `loaded`. Switching away from a
 * width that has no kept copy (the one in training, or the newest of a
 * checkpoint) parks its weights and restores them when it is activated again.
 */
export class WidthWeights {
  private readonly kept = new Map<number, HostTensors>();
  private parked?: { bits: number; state: HostTensors };
  /** the width whose weights the variables hold; undefined before the first activation */
  loaded: number | undefined;

  constructor(private readonly net: ElasticSupernet) {}

  /** Widths with a kept copy, ascending. */
  keptWidths(): number[] {
    return [...this.kept.keys()].sort((a, b) => a - b);
  }

  /** The kept copy of one width (for checkpoints). */
  keptState(bits: number): HostTensors | undefined {
    return this.kept.get(bits);
  }

  /** Keeps the variables as the weights of `bits` (the end of that width's phase). */
  keep(bits: number): void {
    this.kept.set(bits, readNetworkState(this.net));
    this.loaded = bits;
    if (this.parked?.bits === bits) this.parked = undefined;
  }

  /**
   * A phase of `bits` starts: the variables become the only copy of that
   * width (a kept copy of it, from an earlier phase of the same width, would
   * go stale as training changes the variables).
   */
  train(bits: number): void {
    this.select(bits);
    this.kept.delete(bits);
  }

  /** Restores a kept copy read from a checkpoint. */
  restore(bits: number, state: HostTensors): void {
    this.kept.set(bits, state);
  }

  /**
   * Makes the variables hold the weights of `bits`: a kept or parked copy is
   * loaded; a width with neither (a phase starting) trains on from the
   * weights the variables hold, which is bit inheritance.
   */
  select(bits: number): void {
    if (bits === this.loaded) return;
    const target = this.kept.get(bits) ?? (this.parked?.bits === bits ? this.parked.state : undefined);
    if (target) {
      if (this.loaded !== undefined && !this.kept.has(this.loaded)) this.parked = { bits: this.loaded, state: readNetworkState(this.net) };
      else if (this.parked?.bits === bits) this.parked = undefined;
      loadNetworkState(this.net, target, `the kept ${bits}-bit weights`);
    }
    this.loaded = bits;
  }
}
