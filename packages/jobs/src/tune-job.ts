import { join } from 'node:path';
import { setImmediate as eventLoopTurn } from 'node:timers/promises';
import { initEngine, type BackendRequest } from '@oqat/engine';
import { withLayerBits, type DeviceName } from '@oqat/latency';
import type { JobContext } from '@oqat/runs';
import {
  evaluateSubnet,
  loadSupernet,
  lowerOptionsFor,
  lowerSubnet,
  measurePrecisionTable,
  measureRaisedTables,
  parseSubnetSpec,
  solvePrecisionExact,
  solvePrecisionGreedy,
  subnetCosts,
  tunePrecisionOver,
  type PrecisionTable,
  type SubnetSpec,
  type TuneCostFn,
  type TuneRound,
} from '@oqat/search';
import { deviceLatencyModels } from './device-latency';
import { JobConfigError } from './errors';
import { loadCheckpointEvalData } from './eval-data';
import { NAMED_SUBNETS, type NamedSubnet } from './evaluate-checkpoint';
import { searchValidation } from './search-validation';
import type { ValidationSpec } from './validation-split';

export type TuneCost = 'latency' | 'bytes' | 'bitops';
export type TuneMethod = 'exact' | 'greedy';
/** lowered: one layer below the widest at a time (POP's per-variable sensitivity); raised: per narrower width w, one layer above w at a time (a mixed subnet runs w's weights) */
export type TuneModel = 'lowered' | 'raised';

/** What a tune run is asked for: the request (tune-request.ts) and the job input both carry it. */
export interface TuneGoal {
  /** the least top-1 on the validation split, 0..1 */
  minAccuracy: number;
  /** whose predicted latency is the cost (cost 'latency'), and recorded beside the others */
  device: DeviceName;
  cost: TuneCost;
  method: TuneMethod;
  model: TuneModel;
  /** solve-and-verify rounds before falling back to the best uniform width */
  maxRounds: number;
  /** test images the answer is reported on (never used to choose); 0 = the whole split */
  testImages: number;
}

export interface TuneJobInput extends TuneGoal {
  /** a supernet.ckpt written by a training run */
  checkpoint: string;
  /** the architecture tuned: a SubnetSpec of the checkpoint's space or a named subnet (its bits are replaced per layer) */
  spec: unknown;
  /** the held-out part of the training data the supernet never saw (the search's split) */
  validation: ValidationSpec;
  /** validation images per evaluation; 0 = the whole split */
  validationImages: number;
  bnImages: number;
  /** random subnets profiled to fit a measured device's latency predictor */
  cpuSamples: number;
  seed: number;
  backend: BackendRequest;
  workDir: string;
  /** the run the subnet came from: a search (with candidateId) or a training run */
  parentRunId?: string;
  candidateId?: number;
}

export interface TunedLayer {
  name: string;
  bits: number;
  /** the cost this layer's bits change from the widest width (negative: saved) */
  costDelta: number;
  /** validation top-1 it lost alone, measured (the lowered model) */
  drop?: number;
}

export interface TuneJobResult {
  spec: SubnetSpec;
  layers: TunedLayer[];
  method: TuneMethod;
  cost: TuneCost;
  device: DeviceName;
  /** the answer's cost: latency ms, model bytes or BitOPs */
  costValue: number;
  latencyMs: number;
  minAccuracy: number;
  validationAccuracy: number;
  testAccuracy: number;
  /** the same subnet with every layer at the widest trained width */
  widest: { bits: number; costValue: number; validationAccuracy: number };
  /** the cheapest uniform width meeting the requirement */
  bestUniform: { bits: number; costValue: number; validationAccuracy: number; testAccuracy: number };
  rounds: TuneRound[];
  fellBack: boolean;
  solverMs: number;
  model: TuneModel;
  /** the tables the solver was given (lowered: one; raised: the widest's, then one per narrower width), measured on the validation split; the bench re-solves them */
  sensitivity: Array<Pick<PrecisionTable, 'base' | 'baseScore' | 'baseCost' | 'resolution' | 'layers' | 'uniform'>>;
  /** evaluations on the validation split (sensitivities, uniform widths, verification) */
  evaluations: number;
  /** the runs list's BEST column: the validation top-1 reached */
  bestAccuracy: number;
}

const SOLVERS = { exact: solvePrecisionExact, greedy: solvePrecisionGreedy } as const;

/**
 * Precision tuning of one subnet, POP-style: the least-cost bits per
 * elastic layer whose validation top-1 meets the requirement. Sensitivity
 * (top-1 lost by one layer at a narrower width, the rest at the widest) and
 * per-layer cost (the device's predicted latency change, or bytes, BitOPs)
 * are measured once; the solver's answer is verified by evaluation, with the
 * budget tightened while it misses; the answer is then scored on the test
 * split for the report only.
 */
export async function tuneJob(input: TuneJobInput, ctx: JobContext): Promise<TuneJobResult> {
  await initEngine({ backend: input.backend });
  const loaded = loadSupernet(input.checkpoint);
  const { net, config, trainedBits } = loaded;
  try {
    if (loaded.task !== 'classification') throw new JobConfigError('checkpoint', 'is a segmentation supernet: precision tuning measures top-1 of classification checkpoints only');
    const space = net.space;
    const widths = trainedBits.filter((b) => b < 32);
    if (widths.length < 2) throw new JobConfigError('checkpoint', `has ${widths.length} trained quantized width(s) (${widths.join(', ') || 'none'}); per-layer bits need two or more`);
    const named = typeof input.spec === 'string' && input.spec in NAMED_SUBNETS ? NAMED_SUBNETS[input.spec as NamedSubnet] : undefined;
    const subnet = named ? named(space, Math.max(...widths)) : parseSubnetSpec(space, input.spec);
    const fixedBits = config.fixedBits;
    const latency = (await deviceLatencyModels([input.device], {
      space, fixedBits, cacheDir: join(input.workDir, 'predictors'), samples: input.cpuSamples, seed: input.seed, signal: ctx.signal,
      onProgress: (p) => ctx.progress(p.done, p.total, `profiling ${p.device} latency: ${p.done}/${p.total} subnets`),
    }))[input.device]!;
    const latencyOf = (spec: SubnetSpec) => latency(lowerSubnet(space, spec, lowerOptionsFor(config)));
    const costs = (spec: SubnetSpec) => subnetCosts(lowerSubnet(space, spec, { fixedBits }));
    const cost: TuneCostFn = input.cost === 'latency' ? latencyOf : input.cost === 'bytes' ? (s) => costs(s).modelBytes : (s) => costs(s).bitOps;

    const validation = await searchValidation(loaded, input);
    let evaluations = 0;
    const score = async (spec: SubnetSpec) => {
      await eventLoopTurn(); // an evaluation blocks for seconds: let the progress before it reach the store
      evaluations++;
      return validation.score(spec);
    };
    try {
      ctx.log('info', `tuning ${widths.join('/')}-bit layers for ${(input.minAccuracy * 100).toFixed(2)} % validation top-1 at least ${input.cost === 'latency' ? `${input.device} latency` : input.cost} (${input.method})`);
      const modelOptions = {
        space, subnet, widths, score, resolution: validation.resolution, cost, minScore: input.minAccuracy, metric: 'top-1', signal: ctx.signal,
        lowerLayers: input.model === 'lowered', onProgress: (done: number, total: number, status: string) => ctx.progress(done, total, `sensitivity: ${status}`),
      };
      const table = await measurePrecisionTable(modelOptions);
      const tables = input.model === 'raised' ? [table, ...(await measureRaisedTables(table, modelOptions))] : [table];
      let roundsDone = 0;
      const tuned = await tunePrecisionOver(tables, {
        space, minScore: input.minAccuracy, solver: SOLVERS[input.method], score, cost, maxRounds: input.maxRounds, metric: 'top-1', signal: ctx.signal,
        onRound: (r) => {
          ctx.log('info', `round ${r.round}${input.model === 'raised' ? ` (from ${r.from} bit)` : ''}: budget ${r.budget} images, predicted drop ${r.predictedDrop}, cost ${r.cost.toPrecision(4)}, validation top-1 ${(r.score * 100).toFixed(2)} % ${r.met ? 'meets' : 'misses'} the requirement`);
          roundsDone++;
          ctx.metric('tune/validation-top1', r.score, roundsDone, 'tune');
          ctx.metric('tune/cost', r.cost, roundsDone, 'tune');
        },
      });
      ctx.progress(0, 2, 'scoring the answer and the best uniform width on the test split');
      const { test, bn } = await loadCheckpointEvalData(config, input.testImages, input.bnImages, input.seed);
      const testOf = (spec: SubnetSpec) => evaluateSubnet(net, spec, { bn, test, batchSize: 500 }).top1;
      let testAccuracy: number;
      let uniformTest: number;
      try {
        testAccuracy = testOf(tuned.spec);
        ctx.progress(1, 2, 'scoring the best uniform width on the test split');
        uniformTest = testOf({ ...table.base, bits: tuned.bestUniform.bits });
      } finally {
        for (const t of bn) t.dispose();
      }
      ctx.progress(2, 2, 'tuned');
      const figures = costs(tuned.spec);
      const latencyMs = latencyOf(tuned.spec);
      const layers = table.layers.map(({ name }) => {
        const bits = tuned.bits[name]!;
        const lowered = table.layers.find((l) => l.name === name)!.choices.find((c) => c.bits === bits);
        const costDelta = cost(withLayerBits(space, table.base, { [name]: bits })) - table.baseCost;
        return { name, bits, costDelta, ...(lowered ? { drop: lowered.drop * table.resolution } : {}) };
      });
      await ctx.candidates([{
        device: input.device,
        spec: tuned.spec,
        metrics: {
          accuracy: tuned.score, latencyMs, [`latency:${input.device}`]: latencyMs, macs: figures.macs, bitOps: figures.bitOps, modelBytes: figures.modelBytes, bits: tuned.spec.bits,
        },
        onFront: true,
      }]);
      return {
        spec: tuned.spec, layers, method: input.method, cost: input.cost, device: input.device, costValue: tuned.cost, latencyMs,
        minAccuracy: input.minAccuracy, validationAccuracy: tuned.score, testAccuracy,
        widest: { bits: table.base.bits, costValue: table.baseCost, validationAccuracy: table.baseScore },
        bestUniform: { bits: tuned.bestUniform.bits, costValue: tuned.bestUniform.cost, validationAccuracy: tuned.bestUniform.score, testAccuracy: uniformTest },
        rounds: tuned.rounds, fellBack: tuned.fellBack, solverMs: tuned.solverMs, evaluations, bestAccuracy: tuned.score,
        model: input.model,
        sensitivity: tables.map((t) => ({ base: t.base, baseScore: t.baseScore, baseCost: t.baseCost, resolution: t.resolution, layers: t.layers, uniform: t.uniform })),
      };
    } finally {
      validation.dispose();
    }
  } finally {
    net.dispose();
  }
}
