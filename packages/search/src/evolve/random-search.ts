import { CandidateArchive, type RunOptions } from './candidate-archive';
import { checkInt, DEFAULT_SEARCH_OPTIONS, resolveScoring, type RandomSearchConfig } from './options';
import type { SearchResult } from './types';

/**
 * The baseline evolution must beat: uniformly sampled valid candidates, each
 * measured once, until `budget` measurements are made. Same scoring, limits,
 * front and hypervolume as the evolution, so the two compare measurement for
 * measurement. A progress event every `population` measurements lines the
 * hypervolume curve up with evolution's generations.
 */
export async function randomSearch<C>(config: RandomSearchConfig<C>, options: RunOptions<C> = {}): Promise<SearchResult<C>> {
  const scoring = resolveScoring(config);
  checkInt(config.budget, 'budget', 1);
  const population = config.population ?? DEFAULT_SEARCH_OPTIONS.population;
  checkInt(population, 'population', 1);
  const { rng, encoder, budget } = config;
  const archive = new CandidateArchive(scoring, rng.seed, budget, options);
  archive.emit({ kind: 'started', seed: rng.seed, strategy: 'random', budget });
  const generations = Math.ceil(budget / population) - 1;
  const hypervolumes: number[] = [];
  const report = (): void => {
    const front = archive.front();
    hypervolumes.push(archive.hypervolume(front));
    archive.emit({
      kind: 'generation', seed: rng.seed, generation: hypervolumes.length - 1, generations, frontSize: front.length,
      hypervolume: hypervolumes[hypervolumes.length - 1]!, best: archive.best(front), evaluated: archive.measured.size, screened: 0,
    });
  };
  // Drawn up to the next progress event, then measured as one batch (in draw order: see measureAll).
  let exhausted = false;
  while (archive.measured.size < budget && !exhausted) {
    const want = Math.min(population - (archive.measured.size % population), budget - archive.measured.size);
    const batch = new Map<string, C>();
    while (batch.size < want) {
      const candidate = archive.drawValid(() => encoder.sample(rng), 'random search: sample', (k) => !archive.measured.has(k) && !batch.has(k));
      if (candidate === undefined) break; // every valid candidate the sampler finds is measured already
      batch.set(encoder.key(candidate), candidate);
    }
    exhausted = batch.size < want;
    await archive.measureAll([...batch.values()], hypervolumes.length);
    if (batch.size > 0 && archive.measured.size % population === 0) report();
  }
  if (archive.measured.size % population !== 0 || hypervolumes.length === 0) report();
  const front = archive.front();
  const result: SearchResult<C> = {
    strategy: 'random', seed: rng.seed, front, best: archive.best(front), hypervolumes, evaluated: archive.measured.size, screened: 0,
  };
  archive.emit({ kind: 'finished', seed: rng.seed, result });
  return result;
}
