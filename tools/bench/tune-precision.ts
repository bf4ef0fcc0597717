/**
 * Precision tuning (issue 16's figure, docs/benchmarks-mixed-precision.md,
 * "Precision tuning"): for several accuracy requirements, the exact
 * (POP-style) solver vs the greedy baseline vs the best uniform width, on
 * the model a finished `oqat tune` run measured (per-layer sensitivity on
 * the held-out validation split and per-layer device cost), so the 80-odd
 * sensitivity evaluations are paid once. Each answer is verified on the same
 * validation split as the job verifies it (budget tightened while it
 * misses), then scored on the test split with the best uniform width.
 * Solver time: the mean of repeated solves of the first round's problem;
 * with --ilp DIR also HiGHS and GLPK (their npm wasm builds installed in DIR)
 * on the same problem, as a check of the optimum and of the time.
 *
 *   node --import tsx tools/bench/tune-precision.ts --db runs.db --run TUNE_RUN --requirements 0.84,0.83,0.82
 *        [--rounds 8] [--ilp DIR (npm install --prefix DIR highs@1.15.3 glpk.js@5.0.0)] [--json FILE]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { initEngine } from '@oqat/engine';
import { loadCheckpointEvalData, searchValidation, type TuneJobInput, type TuneJobResult } from '@oqat/jobs';
import { predictLatency } from '@oqat/latency';
import { openRunStore } from '@oqat/runs';
import {
  evaluateSubnet, loadSupernet, lowerSubnet, solvePrecisionExact, solvePrecisionGreedy, subnetCosts, subnetKey, tunePrecisionOver,
  type PrecisionProblem, type PrecisionSolver, type PrecisionTable, type SubnetSpec,
} from '@oqat/search';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    run: { type: 'string' },
    requirements: { type: 'string', default: '0.84,0.83,0.82' },
    ilp: { type: 'string' },
    repeats: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '8' },
    json: { type: 'string' },
  },
});
if (!values.db || !values.run) throw new Error('--db runs.db and --run TUNE_RUN (a finished oqat tune run) are required');
const store = await openRunStore({ path: values.db, readOnly: true });
const record = await store.getRun(values.run);
await store.close();
if (record.kind !== 'tune' || !record.result) throw new Error(`${values.run} is not a finished tune run`);
const input = record.config as TuneJobInput;
const sensitivity = (record.result as TuneJobResult).sensitivity;
// Runs before the raised model stored one table, not a list.
const stored = Array.isArray(sensitivity) ? sensitivity : [sensitivity as unknown as (typeof sensitivity)[number]];
if (input.device !== 'fpga' && input.device !== 'xavier') throw new Error('the bench prices simulated devices (fpga, xavier) only');

const engine = await initEngine({ backend: input.backend });
const loaded = loadSupernet(input.checkpoint);
if (loaded.task !== 'classification') throw new Error('a classification checkpoint is needed');
const { net, config } = loaded;
const space = net.space;
const lowered = (spec: SubnetSpec) => lowerSubnet(space, spec, { fixedBits: config.fixedBits });
const cost = input.cost === 'latency'
  ? (spec: SubnetSpec) => predictLatency(input.device, lowered(spec))
  : input.cost === 'bytes' ? (spec: SubnetSpec) => subnetCosts(lowered(spec)).modelBytes : (spec: SubnetSpec) => subnetCosts(lowered(spec)).bitOps;
const validation = await searchValidation(loaded, input);
const { test, bn } = await loadCheckpointEvalData(config, input.testImages, input.bnImages, input.seed);
const testScores = new Map<string, number>();
const testOf = (spec: SubnetSpec): number => {
  const key = subnetKey(spec);
  if (!testScores.has(key)) testScores.set(key, evaluateSubnet(net, spec, { bn, test, batchSize: 500 }).top1);
  return testScores.get(key)!;
};
let verifications = 0;
const score = (spec: SubnetSpec) => (verifications++, validation.score(spec));

// The widest's table first (the lowered model), then the raised model's one per narrower width; evaluations shared.
const widest = stored[0]!;
const scores = new Map(widest.uniform.map((u) => [subnetKey({ ...widest.base, bits: u.bits }), u.score] as [string, number]));
const tables: PrecisionTable[] = stored.map((t) => ({ ...t, scores }));
const table = tables[0]!;
/** The first round's problem of each table that has choices (the raised model's widest table has none). */
const problemsOf = (minScore: number): PrecisionProblem[] => tables
  .filter((t) => t.layers.some((l) => l.choices.length > 1) && t.baseScore >= minScore)
  .map((t) => ({ layers: t.layers, budget: Math.floor((t.baseScore - minScore) / t.resolution + 1e-6) }));
/** Mean time to solve every table's first problem once. */
const meanSolveMs = (solver: PrecisionSolver, problems: readonly PrecisionProblem[]): number => {
  const repeats = Number(values.repeats);
  const started = performance.now();
  for (let i = 0; i < repeats; i++) for (const problem of problems) solver(problem);
  return (performance.now() - started) / repeats;
};

interface IlpTimes { highsMs?: number; highsCost?: number; glpkMs?: number; glpkCost?: number }
type Highs = { solve(lp: string, options: Record<string, unknown>): { Status: string; ObjectiveValue: number } };
type Glpk = { GLP_MIN: number; GLP_UP: number; GLP_FX: number; solve(lp: unknown, options: unknown): { result: { status: number; z: number } } };
const ilp = values.ilp
  ? {
    highs: (await (await import(pathToFileURL(join(values.ilp, 'node_modules/highs/build/highs.mjs')).href)).default()) as Highs,
    glpk: (await (await import(pathToFileURL(join(values.ilp, 'node_modules/glpk.js/dist/glpk.js')).href)).default()) as Glpk,
  }
  : undefined;
/** The problems as integer programs (times summed; each optimum checked against the dynamic programming's). */
function solveIlp(problems: readonly PrecisionProblem[]): IlpTimes & { agree?: boolean } {
  if (!ilp || problems.length === 0) return {};
  const all = problems.map((problem) => ({ problem, ...solveOneIlp(problem) }));
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 + 1e-6 * Math.abs(b);
  return {
    highsMs: all.reduce((t, r) => t + r.highsMs!, 0),
    glpkMs: all.reduce((t, r) => t + r.glpkMs!, 0),
    agree: all.every((r) => close(r.highsCost!, solvePrecisionExact(r.problem).cost) && close(r.glpkCost!, solvePrecisionExact(r.problem).cost)),
  };
}

/** One problem as an integer program: one binary per layer and width, one width per layer, the drops within the budget. */
function solveOneIlp(problem: PrecisionProblem): IlpTimes {
  if (!ilp) return {};
  const x = (i: number, k: number) => `x${i}_${k}`;
  // Costs in ns keep the coefficients near 1 for the solvers' tolerances.
  const terms = problem.layers.flatMap((l, i) => l.choices.map((c, k) => ({ name: x(i, k), cost: c.cost * 1e6, drop: c.drop })));
  const lp = [
    'Minimize', ` cost: ${terms.map((t) => `${t.cost >= 0 ? '+' : '-'} ${Math.abs(t.cost)} ${t.name}`).join(' ')}`,
    'Subject To', ` budget: ${terms.map((t) => `+ ${t.drop} ${t.name}`).join(' ')} <= ${problem.budget}`,
    ...problem.layers.map((l, i) => ` one${i}: ${l.choices.map((_, k) => `+ ${x(i, k)}`).join(' ')} = 1`),
    'Binary', ` ${terms.map((t) => t.name).join(' ')}`, 'End',
  ].join('\n');
  let started = performance.now();
  const h = ilp.highs.solve(lp, { output_flag: false, mip_rel_gap: 0 });
  const highsMs = performance.now() - started;
  const g = ilp.glpk;
  const model = {
    name: 'tune',
    objective: { direction: g.GLP_MIN, name: 'cost', vars: terms.map((t) => ({ name: t.name, coef: t.cost })) },
    subjectTo: [
      { name: 'budget', vars: terms.map((t) => ({ name: t.name, coef: t.drop })), bnds: { type: g.GLP_UP, ub: problem.budget, lb: 0 } },
      ...problem.layers.map((l, i) => ({ name: `one${i}`, vars: l.choices.map((_, k) => ({ name: x(i, k), coef: 1 })), bnds: { type: g.GLP_FX, ub: 1, lb: 1 } })),
    ],
    binaries: terms.map((t) => t.name),
  };
  started = performance.now();
  const r = g.solve(model, { msglev: 0 });
  const glpkMs = performance.now() - started;
  return { highsMs, highsCost: h.Status === 'Optimal' ? h.ObjectiveValue / 1e6 : NaN, glpkMs, glpkCost: r.result.z / 1e6 };
}

const rows = [];
for (const minScore of values.requirements.split(',').map(Number)) {
  const problems = problemsOf(minScore);
  const ilpTimes = solveIlp(problems);
  for (const [method, solver] of [['exact', solvePrecisionExact], ['greedy', solvePrecisionGreedy]] as const) {
    const before = verifications;
    const tuned = await tunePrecisionOver(tables, { space, minScore, solver, score, cost, maxRounds: Number(values.rounds), metric: 'top-1' });
    rows.push({
      minScore, method, cost: tuned.cost, validation: tuned.score, test: testOf(tuned.spec), rounds: tuned.rounds.length, fellBack: tuned.fellBack,
      verifications: verifications - before, solveMs: meanSolveMs(solver, problems), problems: problems.length,
      lowered: Object.keys(tuned.spec.bitsByLayer ?? {}).length, spec: tuned.spec,
      uniform: { bits: tuned.bestUniform.bits, cost: tuned.bestUniform.cost, validation: tuned.bestUniform.score, test: testOf({ ...table.base, bits: tuned.bestUniform.bits }) },
      ...(method === 'exact' ? ilpTimes : {}),
    });
  }
}
for (const t of bn) t.dispose();
validation.dispose();
net.dispose();

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const unit = input.cost === 'latency' ? (x: number) => `${x.toFixed(4)} ms` : (x: number) => x.toFixed(0);
console.log(`${input.checkpoint}, ${input.model ?? 'lowered'} model (${tables.length} table(s)), ${input.cost === 'latency' ? `${input.device} latency` : input.cost}; widest (${table.base.bits} bit): ${unit(table.baseCost)}, validation ${pct(table.baseScore)}; ${table.layers.length} layers, ${engine.backend}`);
console.log('| requirement | method | cost | vs best uniform | validation | test | layers lowered | rounds | solve ms |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  if (r.method === 'exact') {
    const u = r.uniform;
    console.log(`| ${pct(r.minScore)} | best uniform (${u.bits} bit) | ${unit(u.cost)} | | ${pct(u.validation)} | ${pct(u.test)} | | | |`);
  }
  const ilpNote = r.highsMs === undefined ? '' : ` (HiGHS ${r.highsMs.toFixed(1)}, GLPK ${r.glpkMs!.toFixed(1)}; same optimum: ${r.agree ? 'yes' : 'NO'})`;
  console.log(`| ${pct(r.minScore)} | ${r.method} | ${unit(r.cost)} | ${((r.cost / r.uniform.cost - 1) * 100).toFixed(1)} % | ${pct(r.validation)} | ${pct(r.test)} | ${r.lowered} | ${r.rounds}${r.fellBack ? ' (fell back)' : ''} | ${r.solveMs.toFixed(3)}${ilpNote} |`);
}
if (values.json) writeFileSync(values.json, `${JSON.stringify({ run: values.run, input, rows }, null, 2)}\n`);
