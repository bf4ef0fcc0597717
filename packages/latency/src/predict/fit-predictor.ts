import { MixedDevicesError, NotEnoughSamplesError } from '../errors';
import type { LatencySample } from '../ir/layer-desc';
import { fitLut, type LutFitOptions } from '../lut/fit-lut';
import { latencyMetrics, type LatencyMetrics } from '../metrics/latency-metrics';
import type { CostModel } from './cost-model';
import { fitLearned, type LearnedFitOptions } from './fit-learned';
import { fitFlopsModel } from './flops-model';

export type PredictorKind = 'lut' | 'learned' | 'flops';

export interface FitPredictorOptions {
  train: readonly LatencySample[];
  /** held-out samples for the metrics (never used for fitting) */
  test: readonly LatencySample[];
  /** default 'learned' */
  model?: PredictorKind;
  learned?: Partial<LearnedFitOptions>;
  lut?: Partial<LutFitOptions>;
}

export interface FitPredictorResult {
  predictor: CostModel;
  /** on `test` */
  metrics: LatencyMetrics;
}

function singleDevice(what: string, samples: readonly LatencySample[]): string {
  const devices = [...new Set(samples.map((s) => s.device))];
  if (devices.length > 1) throw new MixedDevicesError(what, devices);
  return devices[0]!;
}

/** Evaluates a predictor on samples. */
export function evaluatePredictor(predictor: CostModel, samples: readonly LatencySample[]): LatencyMetrics {
  return latencyMetrics(
    samples.map((s) => predictor.estimateMs(s.layers)),
    samples.map((s) => s.latencyMs),
  );
}

/** Fits a predictor on `train` and reports its accuracy on `test` (both of one device). */
export function fitPredictor(options: FitPredictorOptions): FitPredictorResult {
  const { train, test } = options;
  if (train.length < 2) throw new NotEnoughSamplesError('fitPredictor train', train.length, 2);
  if (test.length < 1) throw new NotEnoughSamplesError('fitPredictor test', test.length, 1);
  const device = singleDevice('fitPredictor train', train);
  const testDevice = singleDevice('fitPredictor test', test);
  if (testDevice !== device) throw new MixedDevicesError('fitPredictor train/test', [device, testDevice]);
  const kind = options.model ?? 'learned';
  const predictor =
    kind === 'lut' ? fitLut(train, options.lut) : kind === 'flops' ? fitFlopsModel(train) : fitLearned(train, options.learned);
  return { predictor, metrics: evaluatePredictor(predictor, test) };
}
