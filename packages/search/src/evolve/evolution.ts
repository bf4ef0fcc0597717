import { CandidateArchive, type RunOptions } from './candidate-archive';
import { rankAndCrowd, selectSurvivors } from './nsga-selection';
import { resolveEvolution, type EvolutionConfig, type ResolvedEvolution } from './options';
import { fitOnMeasured, fitWithHeldOut, screenOffspring } from './predictor-screen';
import type { AccuracyPredictor } from './mlp-predictor';
import { spearman } from './spearman';
import { binaryTournament } from './tournament';
import type { ScoredCandidate, SearchResult } from './types';

/** Share of a draw's tries spent breeding from the population before repair falls back to fresh samples. */
const BREED_SHARE = 0.75;

/**
 * NSGA-II over any candidate type (once-for-all's EvolutionFinder, made
 * multi-objective): accuracy is maximised, every `efficiency` cost minimised,
 * `limits` are hard. The encoder, the accuracy measurement, the cost models
 * and the rng are injected, so the search knows nothing of supernets.
 *
 * One run: a valid initial population (plus the predictor's warm-up set), then
 * per generation: crowded binary tournaments pick parents, crossover and
 * mutation breed offspring (redrawn while they break a limit, capped),
 * optionally pre-screened by the MLP predictor, measured, and parents ∪
 * offspring are cut back to the population size by rank and crowding.
 * Every draw is sequential and measurements are recorded in draw order (at
 * any `concurrency`), so the same rng seed gives the same front.
 */
export class Evolution<C> {
  private readonly config: ResolvedEvolution<C>;

  constructor(config: EvolutionConfig<C>) {
    this.config = resolveEvolution(config);
  }

  /** Accuracy measurements a run makes at most. */
  get budget(): number {
    const { population, generations, predictor } = this.config;
    if (!predictor) return population * (generations + 1);
    return Math.max(population, predictor.warmup) + generations * predictor.measurePerGeneration;
  }

  /** Runs the search once. The rng is the caller's and advances: a second run continues its stream. */
  async run(options: RunOptions<C> = {}): Promise<SearchResult<C>> {
    const cfg = this.config;
    const { rng, encoder, population: size } = cfg;
    const archive = new CandidateArchive(cfg, rng.seed, this.budget, options);
    archive.emit({ kind: 'started', seed: rng.seed, strategy: 'evolution', budget: this.budget });
    const vectorOf = (s: ScoredCandidate<C>): number[] => archive.vector(s.accuracy, s.objectives);

    // Initial population: the space's corners that meet the limits (at most half of it), then
    // uniformly sampled valid candidates (plus the predictor's warm-up set).
    const initialCount = cfg.predictor ? Math.max(size, cfg.predictor.warmup) : size;
    // Drawn first, then measured as one batch (measureAll keeps the order): measuring draws nothing from the rng.
    const initial = new Map<string, C>();
    for (const anchor of (encoder.anchors?.() ?? []).slice(0, size >> 1)) {
      if (archive.violation(archive.costs(anchor)) === undefined && !initial.has(encoder.key(anchor))) initial.set(encoder.key(anchor), anchor);
    }
    while (initial.size < initialCount) {
      const candidate = archive.drawValid(() => encoder.sample(rng), 'evolution: initial sample', (k) => !initial.has(k));
      if (candidate === undefined) break; // the space has fewer valid candidates than asked for
      initial.set(encoder.key(candidate), candidate);
    }
    await archive.measureAll([...initial.values()], 0);
    const everyone = [...archive.measured.values()];
    let population = selectSurvivors(everyone.map(vectorOf), size).map((i) => everyone[i]!);

    let predictor: AccuracyPredictor | undefined;
    let heldOutSpearman = NaN;
    let fits = 0;
    let fitMs = 0;
    // A predictor needs a few samples to fit and to hold out; a space this small is measured whole anyway.
    if (cfg.predictor && everyone.length >= 8) {
      const fit = fitWithHeldOut(everyone, encoder, rng, cfg.predictor.heldOutFraction, cfg.predictor.mlp);
      ({ predictor, spearman: heldOutSpearman } = fit);
      fits++;
      fitMs += fit.fitMs;
      archive.emit({ kind: 'predictor', seed: rng.seed, trainSamples: fit.trainSamples, heldOutSamples: fit.heldOutSamples, spearman: fit.spearman, fitMs: fit.fitMs });
    }

    const hypervolumes: number[] = [];
    let screened = 0;
    const screenPredicted: number[] = [];
    const screenMeasured: number[] = [];
    const report = (generation: number, screenSpearman?: number): void => {
      const front = archive.front();
      hypervolumes.push(archive.hypervolume(front));
      archive.emit({
        kind: 'generation', seed: rng.seed, generation, generations: cfg.generations, frontSize: front.length,
        hypervolume: hypervolumes[hypervolumes.length - 1]!, best: archive.best(front), evaluated: archive.measured.size, screened, screenSpearman,
      });
    };
    report(0);

    for (let g = 1; g <= cfg.generations; g++) {
      archive.throwIfAborted(`generation ${g}`);
      const { rank, crowding } = rankAndCrowd(population.map(vectorOf));
      const breed = (attempt: number): C => {
        if (attempt >= cfg.maxTries * BREED_SHARE) return encoder.sample(rng);
        const a = population[binaryTournament(rank, crowding, rng)]!.candidate;
        const child = rng.next() < cfg.crossoverProb ? encoder.crossover(a, population[binaryTournament(rank, crowding, rng)]!.candidate, rng) : a;
        return encoder.mutate(child, rng, cfg.mutateProb);
      };
      const wanted = predictor ? cfg.predictor!.measurePerGeneration * cfg.predictor!.screenFactor : size;
      const batch = new Map<string, C>();
      for (let i = 0; i < wanted; i++) {
        const isNew = (k: string): boolean => !archive.measured.has(k) && !batch.has(k);
        const child = archive.drawValid(breed, `evolution: offspring of generation ${g}`, isNew);
        if (child !== undefined) batch.set(encoder.key(child), child);
      }
      let toMeasure = [...batch.values()];
      let predicted: number[] = [];
      if (predictor) {
        const vector = (accuracy: number, c: C): number[] => archive.vector(accuracy, archive.costs(c).objectives);
        const chosen = screenOffspring(toMeasure, population, predictor, encoder, vector, cfg.predictor!.measurePerGeneration);
        screened += toMeasure.length - chosen.length;
        toMeasure = chosen.map((s) => s.candidate);
        predicted = chosen.map((s) => s.predictedAccuracy);
      }
      const offspring: ScoredCandidate<C>[] = [];
      offspring.push(...(await archive.measureAll(toMeasure, g)));
      let generationSpearman: number | undefined;
      if (predictor) {
        screenPredicted.push(...predicted);
        screenMeasured.push(...offspring.map((s) => s.accuracy));
        generationSpearman = spearman(predicted, offspring.map((s) => s.accuracy));
        if (g < cfg.generations) {
          const fit = fitOnMeasured([...archive.measured.values()], encoder, rng, cfg.predictor!.mlp);
          predictor = fit.predictor;
          fits++;
          fitMs += fit.fitMs;
        }
      }
      const pool = [...population, ...offspring];
      population = selectSurvivors(pool.map(vectorOf), size).map((i) => pool[i]!);
      report(g, generationSpearman);
    }

    const front = archive.front();
    const result: SearchResult<C> = {
      strategy: 'evolution', seed: rng.seed, front, best: archive.best(front), hypervolumes,
      evaluated: archive.measured.size, screened,
      predictor: cfg.predictor ? { heldOutSpearman, screenSpearman: screenPredicted.length > 1 ? spearman(screenPredicted, screenMeasured) : undefined, fits, fitMs } : undefined,
    };
    archive.emit({ kind: 'finished', seed: rng.seed, result });
    return result;
  }
}
