import { loadNetworkState, readNetworkState, type HostTensors } from './network-state';
import type { ElasticSupernet } from './networks/elastic-supernet';

/** Composite states kept for mixed subnets (each a map of references into the widths' copies, no tensor data). */
const COMPOSITE_CACHE_SIZE = 16;

/**
 * One supernet per bit width, as OQAT keeps them: when a phase ends, its
 * width's weights are kept as they are; the next (narrower) width starts
 * from them and trains on in the network's variables, leaving the kept copy
 * untouched. Activating a subnet of a kept width loads that width's weights,
 * so evaluation, search and export of a 4-bit candidate see the 4-bit
 * supernet even after the 2-bit phase.
 *
 * The variables hold the weights of `loaded`, or, after selectMixed, a
 * composite of several widths (then `loaded`'s weights are kept or parked).
 * Switching away from a width that has no kept copy (the one in training,
 * or the newest of a checkpoint) parks its weights and restores them when it
 * is activated again.
 */
export class WidthWeights {
  private readonly kept = new Map<number, HostTensors>();
  private parked?: { bits: number; state: HostTensors };
  /** the width whose weights the variables hold (or held before a mixed subnet); undefined before the first activation */
  loaded: number | undefined;
  /** the key of the mixed subnet whose composite the variables hold */
  private composite: string | undefined;
  private readonly composites = new Map<string, HostTensors>();
  /** each tensor's elastic layer (undefined: not an elastic layer's), by tensor name */
  private readonly owners = new Map<string, string | undefined>();

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
    if (this.composite !== undefined) throw new Error(`WidthWeights.keep(${bits}): the variables hold a mixed subnet, not one width's weights`);
    this.kept.set(bits, readNetworkState(this.net));
    this.loaded = bits;
    if (this.parked?.bits === bits) this.parked = undefined;
    this.composites.clear();
  }

  /**
   * A phase of `bits` starts: the variables become the only copy of that
   * width (a kept copy of it, from an earlier phase of the same width, would
   * go stale as training changes the variables).
   */
  train(bits: number): void {
    this.select(bits);
    this.kept.delete(bits);
    this.composites.clear();
  }

  /** Restores a kept copy read from a checkpoint. */
  restore(bits: number, state: HostTensors): void {
    this.kept.set(bits, state);
    this.composites.clear();
  }

  /**
   * Makes the variables hold the weights of `bits`: a kept or parked copy is
   * loaded; a width with neither (a phase starting) trains on from the
   * weights the variables hold, which is bit inheritance (after a mixed
   * subnet: from the width held before it).
   */
  select(bits: number): void {
    if (bits === this.loaded && this.composite === undefined) return;
    const target = this.copyOf(bits) ?? (this.composite !== undefined && this.loaded !== undefined ? this.copyOf(this.loaded) : undefined);
    if (target) {
      if (this.composite === undefined && this.loaded !== undefined && !this.kept.has(this.loaded)) this.park();
      else if (this.parked?.bits === bits) this.setParked(undefined);
      loadNetworkState(this.net, target, `the kept ${bits}-bit weights`);
    }
    this.composite = undefined;
    this.loaded = bits;
  }

  /**
   * Makes the variables hold a mixed subnet's weights: each elastic layer of
   * `bitsByLayer` takes its weights, BN and steps from its width's copy,
   * every other tensor from the copy of `bits`. A width without a copy reads
   * the weights the variables held (as select's bit inheritance does). The
   * composite is for evaluation: training it changes no width's weights.
   */
  selectMixed(bits: number, bitsByLayer: Readonly<Record<string, number>>): void {
    const key = `${bits}|${Object.entries(bitsByLayer).map(([name, b]) => `${name}:${b}`).join(',')}`;
    if (this.composite === key) return;
    if (this.composite === undefined) this.park();
    const state = this.composites.get(key) ?? this.compose(bits, bitsByLayer);
    if (state) {
      this.composites.delete(key);
      this.composites.set(key, state);
      if (this.composites.size > COMPOSITE_CACHE_SIZE) this.composites.delete(this.composites.keys().next().value!);
      loadNetworkState(this.net, state, `the ${bits}-bit weights mixed with other widths'`);
    }
    this.composite = key;
  }

  /** The weights of `bits` outside the variables: its kept copy, or its parked one. */
  private copyOf(bits: number): HostTensors | undefined {
    return this.kept.get(bits) ?? (this.parked?.bits === bits ? this.parked.state : undefined);
  }

  /** Before the variables change: keeps the weights of a width that has no kept copy aside. */
  private park(): void {
    if (this.loaded !== undefined && !this.kept.has(this.loaded)) this.setParked({ bits: this.loaded, state: readNetworkState(this.net) });
  }

  private setParked(parked: { bits: number; state: HostTensors } | undefined): void {
    this.parked = parked;
    this.composites.clear();
  }

  /**
   * The composite state of a mixed subnet, or undefined when no width it
   * uses has weights outside the variables (a supernet never trained per
   * width: the variables already are every width's weights).
   */
  private compose(bits: number, bitsByLayer: Readonly<Record<string, number>>): HostTensors | undefined {
    const source = (b: number): HostTensors | undefined => this.copyOf(b) ?? (this.loaded !== undefined ? this.copyOf(this.loaded) : undefined);
    const base = source(bits);
    const widths = [...new Set(Object.values(bitsByLayer))];
    const missing = [bits, ...widths].filter((b) => !source(b));
    if (missing.length === 1 + widths.length) return undefined;
    if (missing.length > 0) throw new Error(`WidthWeights: no weights for ${missing.join(', ')} bits beside the kept widths' (${this.keptWidths().join(', ')})`);
    const state: HostTensors = new Map(base!);
    for (const b of widths) {
      for (const [name, t] of source(b)!) {
        const layer = this.owner(name);
        if (layer !== undefined && bitsByLayer[layer] === b) state.set(name, t);
      }
    }
    return state;
  }

  /**
   * The elastic layer a tensor belongs to: the longest quantized layer name
   * that prefixes it ('stages.0.1.dw.bn.gamma' is 'stages.0.1.dw''s;
   * 'seg.high.classifier.weight' is the fixed 'seg.high.classifier''s, not 'seg.high''s).
   */
  private owner(tensorName: string): string | undefined {
    if (this.owners.has(tensorName)) return this.owners.get(tensorName);
    let best: string | undefined;
    for (const layer of this.net.layerQuants.keys()) {
      if (tensorName.startsWith(`${layer}.`) && layer.length > (best?.length ?? -1)) best = layer;
    }
    const elastic = best !== undefined && this.net.layerQuants.get(best)!.role.precision === 'elastic' ? best : undefined;
    this.owners.set(tensorName, elastic);
    return elastic;
  }
}
