import { NoValidSampleError } from '../errors';
import { nonDominatedSort } from './dominance';
import { SearchAbortedError } from './errors';
import { hypervolume2d } from './hypervolume';
import type { ResolvedScoring } from './options';
import type { ScoredCandidate, SearchEvent } from './types';

export interface RunOptions<C> {
  /** aborting stops the run before its next measurement (or inside it, if `accuracy` honours the signal) */
  signal?: AbortSignal;
  onEvent?: (event: SearchEvent<C>) => void;
}

export interface Costs {
  objectives: Record<string, number>;
  metrics: Record<string, number>;
}

/**
 * Everything measured in one run, keyed by candidate key, plus the scoring
 * rules shared by evolution and random search: costs, limit checks, capped
 * valid draws, the accuracy cache, the Pareto front and its hypervolume.
 */
export class CandidateArchive<C> {
  readonly measured = new Map<string, ScoredCandidate<C>>();
  private readonly signal: AbortSignal;

  constructor(
    readonly config: ResolvedScoring<C>,
    readonly seed: number,
    readonly budget: number,
    private readonly options: RunOptions<C>,
  ) {
    this.signal = options.signal ?? new AbortController().signal;
  }

  emit(event: SearchEvent<C>): void {
    this.options.onEvent?.(event);
  }

  throwIfAborted(where: string): void {
    if (this.signal.aborted) throw new SearchAbortedError(where);
  }

  costs(candidate: C): Costs {
    const objectives: Record<string, number> = {};
    for (const [name, fn] of Object.entries(this.config.efficiency)) objectives[name] = fn(candidate);
    const metrics: Record<string, number> = {};
    for (const [name, fn] of Object.entries(this.config.metrics)) metrics[name] = fn(candidate);
    return { objectives, metrics };
  }

  /** The first broken limit as `name value > max`, or undefined when every limit holds. */
  violation(costs: Costs): string | undefined {
    for (const [name, max] of Object.entries(this.config.limits)) {
      const value = costs.objectives[name] ?? costs.metrics[name]!;
      // NaN fails too: a cost model that cannot price a candidate must not let it through.
      if (!(value <= max)) return `${name} ${value} > ${max}`;
    }
    return undefined;
  }

  /**
   * Draws until a candidate meets every limit and `isNew` accepts its key, at
   * most maxTries times: a limit-breaking draw is thrown away and redrawn
   * (resampling or re-breeding is the repair), never kept. Returns undefined
   * when valid draws were found but all were duplicates (a small space is
   * exhausted, not an error); throws NoValidSampleError when no draw met the
   * limits at all.
   */
  drawValid(draw: (attempt: number) => C, what: string, isNew: (key: string) => boolean): C | undefined {
    let anyValid = false;
    let lastViolation = '';
    for (let attempt = 0; attempt < this.config.maxTries; attempt++) {
      const candidate = draw(attempt);
      const broken = this.violation(this.costs(candidate));
      if (broken !== undefined) {
        lastViolation = broken;
        continue;
      }
      anyValid = true;
      if (isNew(this.config.encoder.key(candidate))) return candidate;
    }
    if (anyValid) return undefined;
    const limits = Object.entries(this.config.limits).map(([n, m]) => `${n} <= ${m}`).join(', ');
    throw new NoValidSampleError(`${what} within limits ${limits} (last draw: ${lastViolation})`, this.config.maxTries);
  }

  /** Measures (or reads from the cache) one candidate's accuracy and records it. */
  async measure(candidate: C, generation: number): Promise<ScoredCandidate<C>> {
    const key = this.config.encoder.key(candidate);
    const known = this.measured.get(key);
    if (known) return known;
    this.throwIfAborted('accuracy measurement');
    let accuracy = this.config.cache?.get(key);
    if (accuracy === undefined) {
      accuracy = await this.config.accuracy(candidate, this.signal);
      this.throwIfAborted('accuracy measurement');
      this.config.cache?.set(key, accuracy);
    }
    return this.record(key, candidate, accuracy, generation);
  }

  private record(key: string, candidate: C, accuracy: number, generation: number): ScoredCandidate<C> {
    const scored: ScoredCandidate<C> = { key, candidate, accuracy, ...this.costs(candidate), generation };
    this.measured.set(key, scored);
    this.emit({ kind: 'evaluated', seed: this.seed, candidate: scored, evaluated: this.measured.size, budget: this.budget });
    return scored;
  }

  /**
   * Measures a batch (the initial population, a generation's offspring) and
   * records it in the batch's order whatever order the measurements end in:
   * up to `concurrency` accuracy calls run at once, each result is recorded
   * (and its 'evaluated' event emitted) once every earlier one is, so the
   * archive, the events and the front are those of measuring one by one.
   * Concurrency 1 is exactly `measure` in a loop.
   */
  async measureAll(candidates: readonly C[], generation: number): Promise<ScoredCandidate<C>[]> {
    if (this.config.concurrency <= 1) {
      const out: ScoredCandidate<C>[] = [];
      for (const candidate of candidates) out.push(await this.measure(candidate, generation));
      return out;
    }
    this.throwIfAborted('accuracy measurement');
    const key = (c: C): string => this.config.encoder.key(c);
    // One accuracy call per key not measured and not cached; duplicates in the batch share it.
    const calls = new Map<string, { candidate: C; result?: Promise<number> }>();
    for (const c of candidates) {
      const k = key(c);
      if (!this.measured.has(k) && this.config.cache?.get(k) === undefined && !calls.has(k)) calls.set(k, { candidate: c });
    }
    const queue = [...calls.values()];
    const settle: Array<{ resolve: (v: number) => void; reject: (e: unknown) => void }> = [];
    for (const call of queue) {
      call.result = new Promise<number>((resolve, reject) => settle.push({ resolve, reject }));
      call.result.catch(() => undefined); // rejections are read in batch order below
    }
    let next = 0;
    let failed = false;
    const pump = async (): Promise<void> => {
      while (next < queue.length && !failed && !this.signal.aborted) {
        const i = next++;
        try {
          settle[i]!.resolve(await this.config.accuracy(queue[i]!.candidate, this.signal));
        } catch (err) {
          failed = true;
          settle[i]!.reject(err);
        }
      }
      // Calls never started (a failure or an abort came first) end with the reason, so no one waits forever.
      while (next < queue.length && (failed || this.signal.aborted)) settle[next++]!.reject(new SearchAbortedError('accuracy measurement'));
    };
    for (let p = 0; p < Math.min(this.config.concurrency, queue.length); p++) void pump();
    const out: ScoredCandidate<C>[] = [];
    for (const candidate of candidates) {
      const k = key(candidate);
      const call = calls.get(k);
      if (!call || this.measured.has(k)) {
        out.push(await this.measure(candidate, generation)); // measured before, or cached
        continue;
      }
      const accuracy = await call.result!;
      this.throwIfAborted('accuracy measurement');
      this.config.cache?.set(k, accuracy);
      out.push(this.record(k, candidate, accuracy, generation));
    }
    return out;
  }

  /** Objective vector for sorting, all minimised: accuracy is negated. */
  vector(accuracy: number, objectives: Record<string, number>): number[] {
    return [-accuracy, ...this.config.objectiveNames.map((n) => objectives[n]!)];
  }

  /**
   * Non-dominated set of everything measured so far (an external archive, not
   * just the last population), by ascending first objective: nothing measured
   * is lost, and the hypervolume per generation can only grow.
   */
  front(): ScoredCandidate<C>[] {
    const all = [...this.measured.values()];
    const first = nonDominatedSort(all.map((s) => this.vector(s.accuracy, s.objectives)))[0] ?? [];
    const name = this.config.objectiveNames[0]!;
    return first.map((i) => all[i]!).sort((a, b) => a.objectives[name]! - b.objectives[name]! || b.accuracy - a.accuracy);
  }

  hypervolume(front: readonly ScoredCandidate<C>[]): number {
    const name = this.config.hypervolumeObjective;
    return hypervolume2d(front.map((s) => ({ accuracy: s.accuracy, cost: s.objectives[name]! })), this.config.hypervolume.reference);
  }

  /** The most accurate candidate (ties: the cheaper on the first objective); all of them meet the limits. */
  best(front: readonly ScoredCandidate<C>[]): ScoredCandidate<C> | undefined {
    const name = this.config.objectiveNames[0]!;
    let best: ScoredCandidate<C> | undefined;
    for (const s of front) {
      if (!best || s.accuracy > best.accuracy || (s.accuracy === best.accuracy && s.objectives[name]! < best.objectives[name]!)) best = s;
    }
    return best;
  }
}
