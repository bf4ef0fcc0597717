import type { Rng } from '@oqat/core';
import { fitAccuracyPredictor, type AccuracyPredictor, type MlpOptions } from './mlp-predictor';
import { rankAndCrowd } from './nsga-selection';
import { spearman } from './spearman';
import type { CandidateEncoder, ScoredCandidate } from './types';

export interface PredictorFit {
  predictor: AccuracyPredictor;
  fitMs: number;
}

/** Fits the predictor on measured candidates (feature → accuracy). */
export function fitOnMeasured<C>(samples: readonly ScoredCandidate<C>[], encoder: CandidateEncoder<C>, rng: Rng, mlp: Partial<MlpOptions>): PredictorFit {
  const start = performance.now();
  const predictor = fitAccuracyPredictor(
    samples.map((s) => encoder.feature(s.candidate)),
    samples.map((s) => s.accuracy),
    rng,
    mlp,
  );
  return { predictor, fitMs: performance.now() - start };
}

/**
 * First fit: a random share of the warm-up set is held out, so the reported
 * rank correlation is on subnets the predictor never saw.
 */
export function fitWithHeldOut<C>(
  samples: readonly ScoredCandidate<C>[],
  encoder: CandidateEncoder<C>,
  rng: Rng,
  heldOutFraction: number,
  mlp: Partial<MlpOptions>,
): PredictorFit & { spearman: number; trainSamples: number; heldOutSamples: number } {
  const order = rng.permutation(samples.length);
  const heldOutSamples = Math.max(2, Math.round(samples.length * heldOutFraction));
  const heldOut = Array.from(order.subarray(0, heldOutSamples), (i) => samples[i]!);
  const train = Array.from(order.subarray(heldOutSamples), (i) => samples[i]!);
  const fit = fitOnMeasured(train, encoder, rng, mlp);
  const predicted = heldOut.map((s) => fit.predictor.predict(encoder.feature(s.candidate)));
  return { ...fit, spearman: spearman(predicted, heldOut.map((s) => s.accuracy)), trainSamples: train.length, heldOutSamples };
}

export interface Screened<C> {
  candidate: C;
  predictedAccuracy: number;
}

/**
 * Pre-screening: rank the unmeasured offspring (predicted accuracy, exact
 * costs) together with the measured population, and keep the `keep` offspring
 * that NSGA-II would rank best. Only those get an accuracy measurement.
 */
export function screenOffspring<C>(
  offspring: readonly C[],
  population: readonly ScoredCandidate<C>[],
  predictor: AccuracyPredictor,
  encoder: CandidateEncoder<C>,
  vector: (accuracy: number, candidate: C) => number[],
  keep: number,
): Screened<C>[] {
  const predicted = offspring.map((c) => predictor.predict(encoder.feature(c)));
  const points = [
    ...population.map((s) => vector(s.accuracy, s.candidate)),
    ...offspring.map((c, i) => vector(predicted[i]!, c)),
  ];
  const { order } = rankAndCrowd(points);
  const chosen: Screened<C>[] = [];
  for (const i of order) {
    if (chosen.length === keep) break;
    const k = i - population.length;
    if (k >= 0) chosen.push({ candidate: offspring[k]!, predictedAccuracy: predicted[k]! });
  }
  return chosen;
}
