import { elasticLayerNames, withLayerBits, type SearchSpace, type SubnetSpec } from '@oqat/latency';
import { subnetKey } from '../space/subnet-spec';
import type { PrecisionLayer } from './precision-problem';
import { AccuracyRequirementError, TuneAbortedError } from './tune-errors';

/** A subnet's score on the held-out validation split, 0..1 (top-1, or mIoU). */
export type TuneScoreFn = (spec: SubnetSpec) => number | Promise<number>;
/** What tuning minimises for a subnet: device latency, model bytes, BitOPs. */
export type TuneCostFn = (spec: SubnetSpec) => number;

export interface TuneModelOptions {
  space: SearchSpace;
  /** the architecture tuned (its bits and any bitsByLayer are replaced) */
  subnet: SubnetSpec;
  /** the widths a layer may run at: the checkpoint's trained quantized widths */
  widths: readonly number[];
  score: TuneScoreFn;
  /** the smallest score step: 1 / validation images for top-1 (drops are counted in it) */
  resolution: number;
  cost: TuneCostFn;
  /** a requirement: refused at once when the widest subnet misses it (AccuracyRequirementError) */
  minScore?: number;
  /** what the score is, for that message: 'top-1', 'mIoU' */
  metric?: string;
  onProgress?: (done: number, total: number, status: string) => void;
  signal?: AbortSignal;
}

export interface UniformPoint {
  bits: number;
  score: number;
  cost: number;
}

/** The model a solver is given: per-layer cost and sensitivity, measured once for any requirement. */
export interface PrecisionTable {
  /** the subnet with every elastic layer at the widest width */
  base: SubnetSpec;
  baseScore: number;
  baseCost: number;
  resolution: number;
  /** per elastic layer, in forward order: one choice per width, cost and drop relative to the base */
  layers: PrecisionLayer[];
  /** the subnet at each width uniformly, widest first */
  uniform: UniformPoint[];
  /** subnets evaluated, with their scores (the verification reuses them) */
  scores: Map<string, number>;
}

/** Drop in whole score units, never negative (a layer that scores better at fewer bits is free, not a gain). */
export function dropUnits(baseScore: number, score: number, resolution: number): number {
  return Math.max(0, Math.ceil((baseScore - score) / resolution - 1e-6));
}

/**
 * Measures the tuning model on the validation split: the subnet at its
 * widest width, then each elastic layer alone at each narrower width with
 * the rest at the widest (its sensitivity: the score it loses), and each
 * width uniformly (the baseline to beat). Costs are the change of the whole
 * network's cost when that one layer changes, so a device's own latency
 * model prices the layer (on the simulated devices, exactly the layer's own
 * latency at those bits).
 */
export async function measurePrecisionTable(o: TuneModelOptions): Promise<PrecisionTable> {
  const widths = [...new Set(o.widths)].sort((a, b) => b - a);
  const top = widths[0]!;
  const { bitsByLayer: _ignored, ...arch } = o.subnet;
  const base: SubnetSpec = { ...arch, bits: top };
  const names = elasticLayerNames(o.space, base.depths);
  const lower = widths.slice(1);
  const total = 1 + names.length * lower.length + lower.length;
  const scores = new Map<string, number>();
  let done = 0;
  const scoreOf = async (spec: SubnetSpec, status: string): Promise<number> => {
    if (o.signal?.aborted) throw new TuneAbortedError('the sensitivity measurement');
    o.onProgress?.(done, total, status);
    const s = await o.score(spec);
    scores.set(subnetKey(spec), s);
    done++;
    return s;
  };
  const baseScore = await scoreOf(base, `every layer at ${top} bit`);
  if (o.minScore !== undefined && baseScore < o.minScore) throw new AccuracyRequirementError(o.minScore, baseScore, top, o.metric ?? 'score');
  const baseCost = o.cost(base);
  const layers: PrecisionLayer[] = [];
  for (const name of names) {
    const choices = [{ bits: top, cost: 0, drop: 0 }];
    for (const bits of lower) {
      const spec = withLayerBits(o.space, base, { [name]: bits });
      const s = await scoreOf(spec, `${name} at ${bits} bit`);
      choices.push({ bits, cost: o.cost(spec) - baseCost, drop: dropUnits(baseScore, s, o.resolution) });
    }
    layers.push({ name, choices });
  }
  const uniform: UniformPoint[] = [{ bits: top, score: baseScore, cost: baseCost }];
  for (const bits of lower) {
    const spec = { ...base, bits };
    uniform.push({ bits, score: await scoreOf(spec, `every layer at ${bits} bit`), cost: o.cost(spec) });
  }
  o.onProgress?.(total, total, 'sensitivities measured');
  return { base, baseScore, baseCost, resolution: o.resolution, layers, uniform, scores };
}
