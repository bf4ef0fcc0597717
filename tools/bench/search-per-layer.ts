/**
 * Search over per-layer bits vs one width per subnet (issue 16's figure, in
 * docs/benchmarks-mixed-precision.md, "Search over per-layer bits"): the same
 * evolution, seed and number of accuracy measurements, once with the uniform
 * encoder (what `oqat search` does by default) and once with `perLayerBits`.
 * Scored as the search job scores: top-1 on the run's held-out validation
 * split (DEFAULT_VALIDATION, the whole split unless --val-images), BN
 * re-estimated per subnet on --bn-images training images, latency from the
 * device's simulator, hypervolume against accuracy 0 and 1.05x the largest
 * subnet's latency at the widest trained bits. Also given: the hypervolume
 * above the floor (the smallest subnet at the narrowest width), where only
 * what a search adds above the cheapest corner counts.
 *
 * Then the predictor question, on the subnets both searches measured: an MLP
 * fitted on the uniform subnets only, ranking the mixed ones, with and
 * without the per-layer features.
 *
 *   node --import tsx tools/bench/search-per-layer.ts --ckpt supernet.ckpt
 *        [--device fpga] [--population 16] [--generations 6] [--seeds 1,2] [--layer-probs 0.1,0.03]
 *        [--val-images 0] [--bn-images 1000] [--json FILE]
 *
 * --layer-probs: per-layer redraw probabilities to compare (one per-layer search each; 0.1 = the product's default,
 * the mutation's per-choice probability); --layer-moves any,adjacent: where a redrawn layer may go (one search each).
 * --no-uniform skips the uniform search (its front is the same for the same seed and settings: run it once).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createRng } from '@oqat/core';
import { loadFashionMnist, splitValidation, takeItems } from '@oqat/data';
import { initEngine } from '@oqat/engine';
import { DEFAULT_VALIDATION } from '@oqat/jobs';
import { simulateNetwork, type SimulatedDevice } from '@oqat/latency';
import {
  bnBatches, Evolution, evaluateSubnet, fitAccuracyPredictor, hypervolume2d, largestSubnet, loadSupernet, lowerSubnet, smallestSubnet, spearman,
  subnetEncoder, type ScoredCandidate, type SearchResult, type SubnetSpec,
} from '@oqat/search';

const { values } = parseArgs({
  options: {
    ckpt: { type: 'string' },
    device: { type: 'string', default: 'fpga' },
    population: { type: 'string', default: '16' },
    generations: { type: 'string', default: '6' },
    seeds: { type: 'string', default: '1,2' },
    'layer-probs': { type: 'string', default: '0.1' },
    'layer-moves': { type: 'string', default: 'any' },
    'no-uniform': { type: 'boolean', default: false },
    'val-images': { type: 'string', default: '0' },
    'bn-images': { type: 'string', default: '1000' },
    json: { type: 'string' },
  },
});
if (!values.ckpt) throw new Error('--ckpt supernet.ckpt is required');
const device = values.device as SimulatedDevice;
const population = Number(values.population);
const generations = Number(values.generations);
const seeds = values.seeds.split(',').map(Number);

const engine = await initEngine({ backend: 'wasm' });
const { net, config, trainedBits } = loadSupernet(values.ckpt);
const space = net.space;
const bits = trainedBits.filter((b) => b < 32);
const data = await loadFashionMnist({ source: config.data.source });
const split = splitValidation(data.train, DEFAULT_VALIDATION).validation;
const valImages = Number(values['val-images']);
const validation = valImages > 0 && valImages < split.count ? takeItems(split, Int32Array.from({ length: valImages }, (_, i) => i)) : split;
const bn = bnBatches(data.train, Number(values['bn-images']), 250, seeds[0]!);

let measured = 0;
let measureMs = 0;
const cache = new Map<string, number>();
const accuracy = async (spec: SubnetSpec): Promise<number> => {
  const t = performance.now();
  const { score } = evaluateSubnet(net, spec, { bn, test: validation, batchSize: 500 });
  measureMs += performance.now() - t;
  measured++;
  return score;
};
const latencyMs = (spec: SubnetSpec): number => simulateNetwork(device, lowerSubnet(space, spec, { fixedBits: config.fixedBits })).latencyMs;
const referenceCost = 1.05 * latencyMs(largestSubnet(space, Math.max(...bits)));
const floor = await accuracy(smallestSubnet(space, Math.min(...bits)));
const layerProbs = values['layer-probs'].split(',').map(Number);
const uniformEncoder = subnetEncoder(space, { bits });
const layerMoves = values['layer-moves'].split(',') as Array<'any' | 'adjacent'>;
const variants = [
  ...(values['no-uniform'] ? [] : [{ name: 'uniform', encoder: uniformEncoder }]),
  ...layerMoves.flatMap((moves) => layerProbs.map((p) => ({ name: `per-layer ${moves} ${p}`, encoder: subnetEncoder(space, { bits, perLayerBits: true, layerMutateProb: p, layerMoves: moves }) }))),
];

const hv = (r: SearchResult<SubnetSpec>): number => r.hypervolumes[r.hypervolumes.length - 1]!;
const hvAboveFloor = (r: SearchResult<SubnetSpec>): number =>
  hypervolume2d(r.front.map((c) => ({ accuracy: c.accuracy, cost: c.objectives.latencyMs! })), { accuracy: floor, cost: referenceCost });
/** Mean bits of a subnet's weighted layers, weighted by MACs (what the fpga pays for). */
const macBits = (spec: SubnetSpec): number => {
  const layers = lowerSubnet(space, spec, { fixedBits: config.fixedBits }).filter((l) => l.op === 'conv' || l.op === 'dwconv' || l.op === 'fc');
  const macs = layers.map((l) => (l.outC / l.groups) * l.inC * l.kernel * l.kernel * l.inH * l.inW);
  return layers.reduce((s, l, i) => s + l.wBits * macs[i]!, 0) / macs.reduce((a, b) => a + b, 0);
};
const best = (r: SearchResult<SubnetSpec>) => (100 * (r.best?.accuracy ?? 0)).toFixed(2);

console.log(`# search-per-layer on ${values.ckpt} (${engine.backend} x${engine.threads}), device ${device}, trained bits ${bits.join('/')}, P=${population} G=${generations}, ${validation.count} validation images, ${Number(values['bn-images'])} BN images\n`);
console.log(`floor: smallest subnet at ${Math.min(...bits)} bit, ${(100 * floor).toFixed(2)} %; hypervolume reference: accuracy 0, ${referenceCost.toFixed(4)} ms\n`);
console.log('| seed | search | measured | HV | ratio to uniform | HV above floor | ratio to uniform | front (mixed) | best top-1 % | s (uncached) |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
const rows: Array<{ seed: number; name: string; hv: number; hvAboveFloor: number; evaluated: number; seconds: number; front: Array<{ accuracy: number; latencyMs: number; macBits: number; spec: SubnetSpec }> }> = [];
const measuredBy = new Map<string, Map<string, ScoredCandidate<SubnetSpec>>>(variants.map((v) => [v.name, new Map()]));
/** Wall time of a search had nothing been cached: its measurements at the mean cost of one, plus its own overhead. */
const uncachedSeconds = (r: SearchResult<SubnetSpec>, overheadMs: number): number => (r.evaluated * (measureMs / Math.max(1, measured)) + overheadMs) / 1000;
for (const seed of seeds) {
  let uniform: SearchResult<SubnetSpec> | undefined;
  for (const { name, encoder } of variants) {
    const into = measuredBy.get(name)!;
    const before = measureMs;
    const start = performance.now();
    const r = await new Evolution({
      encoder, accuracy, cache, efficiency: { latencyMs }, hypervolume: { reference: { accuracy: 0, cost: referenceCost } },
      rng: createRng(seed), population, generations,
    }).run({ onEvent: (e) => { if (e.kind === 'evaluated') into.set(e.candidate.key, e.candidate); } });
    const seconds = uncachedSeconds(r, performance.now() - start - (measureMs - before));
    if (name === 'uniform') uniform = r;
    const mixed = r.front.filter((c) => c.candidate.bitsByLayer).length;
    const ratio = (f: (x: SearchResult<SubnetSpec>) => number) => (uniform ? `**${(f(r) / f(uniform)).toFixed(3)}**` : '-');
    console.log(
      `| ${seed} | ${name} | ${r.evaluated} | ${hv(r).toFixed(4)} | ${ratio(hv)} | ${hvAboveFloor(r).toFixed(4)} | ${ratio(hvAboveFloor)} | ${r.front.length} (${mixed}) | ${best(r)} | ${seconds.toFixed(0)} |`,
    );
    const front = r.front.map((c) => ({ accuracy: c.accuracy, latencyMs: c.objectives.latencyMs!, macBits: macBits(c.candidate), spec: c.candidate }));
    rows.push({ seed, name, hv: hv(r), hvAboveFloor: hvAboveFloor(r), evaluated: r.evaluated, seconds, front });
    if (values.json) writeFileSync(values.json, JSON.stringify({ device, population, generations, floor, referenceCost, rows }, null, 1));
  }
}

// The fronts, fastest first: where the mixed subnets sit and how many bits the fpga pays for.
console.log('\nfronts (latency ms → top-1 %, MAC-weighted bits; * = mixed):');
for (const row of rows) {
  console.log(`- seed ${row.seed}, ${row.name}: ${row.front.map((c) => `${c.latencyMs.toFixed(3)}→${(100 * c.accuracy).toFixed(1)} (${c.macBits.toFixed(2)}${c.spec.bitsByLayer ? '*' : ''})`).join(', ')}`);
}

// Predictor: fitted on uniform subnets only, ranking the mixed subnets the per-layer searches measured.
const measuredUniform = measuredBy.get('uniform') ?? new Map<string, ScoredCandidate<SubnetSpec>>();
const mixed = variants.filter((v) => v.name !== 'uniform').flatMap((v) => [...measuredBy.get(v.name)!.values()]).filter((c, i, all) => c.candidate.bitsByLayer && all.findIndex((d) => d.key === c.key) === i);
const train = [...measuredUniform.values()];
if (mixed.length > 4 && train.length > 4) {
  console.log(`\npredictor fitted on ${train.length} uniform subnets, ranking ${mixed.length} mixed ones (Spearman, 3 fits):\n`);
  console.log('| features | Spearman on mixed | mean |\n|---|---|---|');
  const perLayerEncoder = subnetEncoder(space, { bits, perLayerBits: true });
  for (const [name, encoder] of [['uniform (a mixed subnet read as its commonest width)', uniformEncoder], ['with per-layer bits', perLayerEncoder]] as const) {
    const rhos = [1, 2, 3].map((s) => {
      const predictor = fitAccuracyPredictor(train.map((c) => encoder.feature(c.candidate)), train.map((c) => c.accuracy), createRng(s));
      return spearman(mixed.map((c) => predictor.predict(encoder.feature(c.candidate))), mixed.map((c) => c.accuracy));
    });
    console.log(`| ${name} | ${rhos.map((r) => r.toFixed(3)).join(' / ')} | ${(rhos.reduce((a, b) => a + b, 0) / rhos.length).toFixed(3)} |`);
  }
}
console.log(`\n${measured} distinct subnets measured, ${(measureMs / measured / 1000).toFixed(2)} s each (BN re-estimation on ${Number(values['bn-images'])} images + ${validation.count} validation images)`);
for (const t of bn) t.dispose();
net.dispose();
