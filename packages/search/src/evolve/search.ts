import { createRng } from '@oqat/core';
import { Observable } from 'rxjs';
import { Evolution } from './evolution';
import type { EvolutionConfig } from './options';
import { randomSearch } from './random-search';
import type { SearchEvent, SearchStrategy } from './types';

export interface SearchConfig<C> extends Omit<EvolutionConfig<C>, 'rng'> {
  /** every random choice of the run derives from it; it is echoed in every event */
  seed: number;
  /** 'random' is the baseline: uniform samples, `budget` measurements */
  strategy?: SearchStrategy;
  /** random search's measurement count (default: what the evolution would measure) */
  budget?: number;
}

/**
 * A search as a cold Observable: nothing runs until subscription, each
 * subscription runs the search afresh from `seed` (so it is reproducible),
 * and unsubscribing aborts it before its next accuracy measurement. Events:
 * started, evaluated (per measurement), predictor, generation, and finished
 * with the front; errors (NoValidSampleError, a bad config) end the stream.
 */
export function search<C>(config: SearchConfig<C>): Observable<SearchEvent<C>> {
  return new Observable<SearchEvent<C>>((subscriber) => {
    const controller = new AbortController();
    const rng = createRng(config.seed);
    const run = { signal: controller.signal, onEvent: (e: SearchEvent<C>) => subscriber.next(e) };
    // A bad config throws here, inside subscribe, which rxjs turns into an error notification.
    const evolution = new Evolution({ ...config, rng });
    const job =
      config.strategy === 'random'
        ? randomSearch({ ...config, rng, budget: config.budget ?? evolution.budget }, run)
        : evolution.run(run);
    job.then(
      () => subscriber.complete(),
      (error: unknown) => {
        if (!controller.signal.aborted) subscriber.error(error);
      },
    );
    return () => controller.abort();
  });
}
