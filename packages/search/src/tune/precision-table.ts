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
  /** measure the one-layer drops (default true); false measures the widest and the uniform widths only (for measureRaisedTables) */
  lowerLayers?: boolean;
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
  /** the subnet every layer starts from: at the widest width (or, for a raised table, at its narrower width) */
  base: SubnetSpec;
  /** the score with every layer at its best choice: the base's, measured (for a raised table, as the model adds it up) */
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
  const total = 1 + (o.lowerLayers === false ? 0 : names.length * lower.length) + lower.length;
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
    for (const bits of o.lowerLayers === false ? [] : lower) {
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

/**
 * The model for a supernet whose mixed subnets run the weights of the
 * narrowest width they use (16A's ElasticSupernet): per narrower width w,
 * the subnet at w uniformly, then each layer alone raised to each wider
 * width with the rest at w. The weights stay w's, so the gains should add
 * up where one-layer drops from the widest (which switch every weight to the
 * lowered layer's width) do not. As a table for the same solvers: a layer's
 * drop is what it gains at its best choice minus what it gains at this one;
 * baseScore is w's score plus every layer's best gain.
 */
export async function measureRaisedTables(widest: PrecisionTable, o: TuneModelOptions): Promise<PrecisionTable[]> {
  const names = elasticLayerNames(o.space, widest.base.depths);
  const below = widest.uniform.slice(1);
  const total = below.reduce((n, u) => n + names.length * widest.uniform.filter((v) => v.bits > u.bits).length, 0);
  let done = 0;
  const tables: PrecisionTable[] = [];
  for (const anchor of below) {
    const base: SubnetSpec = { ...widest.base, bits: anchor.bits };
    const wider = widest.uniform.filter((v) => v.bits > anchor.bits).map((v) => v.bits);
    const layers: PrecisionLayer[] = [];
    let bestGains = 0;
    for (const name of names) {
      const raised = [];
      for (const bits of wider) {
        if (o.signal?.aborted) throw new TuneAbortedError('the sensitivity measurement');
        o.onProgress?.(done, total, `${name} at ${bits} bit, the rest at ${anchor.bits}`);
        const spec = withLayerBits(o.space, base, { [name]: bits });
        const s = await o.score(spec);
        widest.scores.set(subnetKey(spec), s);
        done++;
        raised.push({ bits, cost: o.cost(spec) - anchor.cost, gain: Math.max(0, Math.floor((s - anchor.score) / o.resolution + 1e-6)) });
      }
      const best = Math.max(0, ...raised.map((r) => r.gain));
      bestGains += best;
      layers.push({ name, choices: [{ bits: anchor.bits, cost: 0, drop: best }, ...raised.map((r) => ({ bits: r.bits, cost: r.cost, drop: best - r.gain }))] });
    }
    tables.push({
      base, baseScore: anchor.score + bestGains * o.resolution, baseCost: anchor.cost, resolution: o.resolution, layers, uniform: widest.uniform, scores: widest.scores,
    });
  }
  o.onProgress?.(total, total, 'gains measured');
  return tables;
}
