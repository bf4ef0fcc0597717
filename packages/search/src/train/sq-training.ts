import { SqLayerQuant, type SqSampling } from '../supernet/sq-layer-quant';
import type { ElasticSupernet } from '../supernet/networks/elastic-supernet';

// The training side of SQ (stochastic quantization, Dong et al. 2017): the
// SQ ratio of each step, each step's partitions from the step's seed, and
// what the step quantized, for the run's events.

/** Where a step sits in a phase's SQ schedule. */
export interface SqStage {
  /** 0-based stage */
  stage: number;
  stages: number;
  /** share of each elastic layer's filters quantized in this stage */
  ratio: number;
  /** the phase step this stage starts at */
  firstStep: number;
}

/**
 * The SQ stage of a phase step: the phase's steps split into one stage per
 * ratio, of equal length (the paper trains each stage to convergence with
 * its own learning-rate schedule; here one phase, one cosine schedule, holds
 * every stage, so the last stage, at ratio 1, ends the phase fully quantized;
 * a phase shorter than its stages runs its last step in the last stage).
 */
export function sqStageAt(ratios: readonly number[], phaseStep: number, phaseSteps: number): SqStage {
  const stages = ratios.length;
  // A phase shorter than its stages still ends in the last one (fully quantized).
  const stage = phaseStep >= phaseSteps - 1 ? stages - 1 : Math.min(stages - 1, Math.floor((phaseStep * stages) / Math.max(1, phaseSteps)));
  return { stage, stages, ratio: ratios[stage]!, firstStep: Math.ceil((stage * phaseSteps) / stages) };
}

/** What one training step quantized over the SQ layers (the first subnet's slices: the largest's). */
export interface SqStepStats {
  /** the stage's SQ ratio */
  ratio: number;
  /** quantized weights / all weights of the elastic layers (the paper's SQ ratio, as drawn) */
  share: number;
  /** mean quantization error e_i of the filters chosen to be quantized (absent at ratio 1: nothing drawn) */
  errorQuantized?: number;
  /** mean e_i of all the filters: errorQuantized below it is the error-inverse sampling at work */
  errorAll?: number;
}

function sqLayers(net: ElasticSupernet): SqLayerQuant[] {
  return [...net.layerQuants.values()].filter((q): q is SqLayerQuant => q instanceof SqLayerQuant);
}

/**
 * Runs a training step with SQ's partitions (each layer's from
 * derive(seed, layer)) at `ratio`, and returns what it quantized; without a
 * sampling, or when no layer is an SQ layer, the step runs fully quantized.
 */
export function withSq<T>(net: ElasticSupernet, sampling: SqSampling | undefined, step: () => T): { value: T; stats?: SqStepStats } {
  const layers = sampling ? sqLayers(net) : [];
  if (!sampling || layers.length === 0) return { value: step() };
  for (const q of layers) q.setSampling(sampling);
  try {
    const value = step();
    return { value, stats: stepStats(layers, sampling.ratio) };
  } finally {
    for (const q of layers) q.setSampling(undefined);
  }
}

function stepStats(layers: SqLayerQuant[], ratio: number): SqStepStats {
  let weights = 0;
  let quantizedWeights = 0;
  let filters = 0;
  let quantizedFilters = 0;
  let errorSum = 0;
  let quantizedErrorSum = 0;
  for (const q of layers) {
    const d = q.lastDraw();
    if (!d) {
      // Not partitioned this step (ratio 1, or the layer ran in float): fully quantized.
      continue;
    }
    weights += d.weights;
    quantizedWeights += d.quantizedWeights;
    filters += d.filters;
    quantizedFilters += d.quantizedFilters;
    errorSum += d.errorSum;
    quantizedErrorSum += d.quantizedErrorSum;
  }
  if (weights === 0) return { ratio, share: 1 };
  return {
    ratio,
    share: quantizedWeights / weights,
    ...(quantizedFilters > 0 ? { errorQuantized: quantizedErrorSum / quantizedFilters } : {}),
    errorAll: errorSum / filters,
  };
}
