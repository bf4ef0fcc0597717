/**
 * Evolution vs random search at the same number of accuracy measurements,
 * and evolution with vs without the accuracy predictor, on the synthetic task
 * (search-synthetic-task.ts): hypervolume of accuracy vs simulated latency.
 *
 *   node --import tsx tools/bench/search-evolution.ts [--seeds 3] [--population 32] [--generations 10]
 */
import { createRng } from '@oqat/core';
import { parseArgs } from 'node:util';
import type { SimulatedDevice } from '@oqat/latency';
import { Evolution, randomSearch, subnetEncoder, type EvolutionConfig, type SearchResult, type SubnetSpec } from '@oqat/search';
import { deviceLatencyMs, reference, space, syntheticAccuracy, trainedBits } from './search-synthetic-task';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '3' }, population: { type: 'string', default: '32' }, generations: { type: 'string', default: '10' } } });
const seeds = Number(values.seeds);
const population = Number(values.population);
const generations = Number(values.generations);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await f();
  return [r, performance.now() - t];
}

const encoder = subnetEncoder(space, { bits: trainedBits });
console.log(`# search-evolution (SYNTHETIC accuracy, simulated latency): P=${population} G=${generations}, ${seeds} seeds, medians\n`);
console.log('| device | measurements | HV evolution | HV random | evolution/random | HV evo+predictor | predictor held-out rho | front size | search overhead ms (no pred / pred) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const device of ['xavier', 'fpga'] as SimulatedDevice[]) {
  const rows: number[][] = [];
  for (let s = 1; s <= seeds; s++) {
    const cache = new Map<string, number>();
    const base = (seed: number): EvolutionConfig<SubnetSpec> => ({
      encoder, accuracy: async (spec) => syntheticAccuracy(spec), cache,
      efficiency: { latencyMs: (spec) => deviceLatencyMs(device, spec) },
      hypervolume: { reference: reference(device) }, rng: createRng(seed), population, generations,
    });
    const [evo, evoMs] = await timed(() => new Evolution(base(s)).run());
    const rnd = await randomSearch({ ...base(1000 + s), budget: evo.evaluated, population });
    // Same budget with the predictor: warm-up of 5 generations' worth, then half a population measured per generation.
    const warmup = 5 * population;
    const perGen = Math.max(1, Math.floor((evo.evaluated - warmup) / generations));
    const [pred, predMs] = await timed(() => new Evolution({ ...base(s), predictor: { warmup, measurePerGeneration: perGen } }).run());
    const hv = (r: SearchResult<SubnetSpec>): number => r.hypervolumes[r.hypervolumes.length - 1]!;
    rows.push([evo.evaluated, hv(evo), hv(rnd), hv(evo) / hv(rnd), hv(pred), pred.predictor!.heldOutSpearman, evo.front.length, evoMs, predMs, pred.evaluated]);
  }
  const col = (i: number): number => median(rows.map((r) => r[i]!));
  console.log(`| ${device} | ${col(0)} (pred: ${col(9)}) | ${col(1).toFixed(4)} | ${col(2).toFixed(4)} | ${col(3).toFixed(3)} | ${col(4).toFixed(4)} | ${col(5).toFixed(3)} | ${col(6)} | ${col(7).toFixed(0)} / ${col(8).toFixed(0)} |`);
}
