/**
 * Evolution vs random search on a trained supernet (issue 6's figure): the
 * same number of accuracy measurements each, accuracy measured on training
 * images the checkpoint never trained on (BN re-estimated per subnet),
 * latency from the xavier and fpga simulators. Reports the hypervolume of
 * accuracy vs latency, the fronts' bits and kernels per device, and the time.
 *
 *   node --import tsx tools/bench/search-supernet.ts --ckpt supernet.ckpt [--holdout-from 50000]
 *        [--val-images 1000] [--bn-images 500] [--population 16] [--generations 6] [--seeds 1]
 *
 * --holdout-from: index of the first training image used for validation
 * (runs with data.trainLimit N train on images 0..N-1 only).
 * Evolution runs twice: from the encoder's anchors (the largest and smallest
 * subnet of every width, as the product does) and from uniform samples only.
 * Hypervolumes are given for two reference accuracies: 0, and the smallest
 * subnet at the narrowest width (the floor: only what a search adds above the
 * cheapest corner counts).
 */
import { parseArgs } from 'node:util';
import { createRng } from '@oqat/core';
import { simulateNetwork, type SimulatedDevice } from '@oqat/latency';
import { Evolution, evaluateSubnet, hypervolume2d, largestSubnet, lowerSubnet, randomSearch, smallestSubnet, subnetEncoder, subnetKey, type SearchResult, type SubnetSpec } from '@oqat/search';
import { HOLDOUT_OPTIONS, loadSupernetHoldout } from './supernet-holdout';

const { values } = parseArgs({
  options: {
    ...HOLDOUT_OPTIONS,
    population: { type: 'string', default: '16' },
    generations: { type: 'string', default: '6' },
    seeds: { type: 'string', default: '1' },
  },
});
const population = Number(values.population);
const generations = Number(values.generations);
const holdout = await loadSupernetHoldout(values);
const { net, validation, bn, bits, engine: info } = holdout;
const space = net.space;

let measured = 0;
let measureMs = 0;
const cache = new Map<string, number>();
const accuracy = async (spec: SubnetSpec): Promise<number> => {
  const t = performance.now();
  const r = evaluateSubnet(net, spec, { bn, test: validation, batchSize: 500 });
  measureMs += performance.now() - t;
  measured++;
  return r.top1;
};
const latency = (device: SimulatedDevice) => (spec: SubnetSpec) => simulateNetwork(device, lowerSubnet(space, spec)).latencyMs;
const encoder = subnetEncoder(space, { bits });
const uniformEncoder = { ...encoder, anchors: undefined };
const floor = await accuracy(smallestSubnet(space, Math.min(...bits)));
const hv = (r: SearchResult<SubnetSpec>): number => r.hypervolumes[r.hypervolumes.length - 1]!;
const hvAboveFloor = (r: SearchResult<SubnetSpec>, worst: number): number =>
  hypervolume2d(r.front.map((c) => ({ accuracy: c.accuracy, cost: c.objectives.latencyMs! })), { accuracy: floor, cost: worst });
const describe = (front: SearchResult<SubnetSpec>['front']): string => {
  const count = (xs: number[]) => [...new Set(xs)].sort().map((v) => `${v}:${xs.filter((x) => x === v).length}`).join(' ');
  return `bits ${count(front.map((c) => c.candidate.bits))}; kernels ${count(front.flatMap((c) => c.candidate.kernels.flat()))}`;
};

console.log(`# search-supernet on ${values.ckpt} (wasm x${info.threads}), trained bits ${bits.join('/')}, P=${population} G=${generations}, ${validation.count} validation images\n`);
console.log(`floor: smallest subnet at ${Math.min(...bits)} bit, ${(100 * floor).toFixed(2)} %\n`);
console.log('| device | seed | measurements | HV evolution / uniform-start evolution / random | ratio to random | HV above floor: evolution / uniform-start / random | ratio to random | best acc evo / random | evolution front | s |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
const predictorRows: string[] = [];
/** Wall time of a search had nothing been cached: its measurements at the mean cost of one, plus its own overhead. */
const uncachedSeconds = (r: SearchResult<SubnetSpec>, overheadMs: number): number => (r.evaluated * (measureMs / Math.max(1, measured)) + overheadMs) / 1000;
for (const device of ['xavier', 'fpga'] as SimulatedDevice[]) {
  const worst = latency(device)(largestSubnet(space, Math.max(...bits)));
  for (let seed = 1; seed <= Number(values.seeds); seed++) {
    const t = performance.now();
    const base = { encoder, accuracy, cache, efficiency: { latencyMs: latency(device) }, hypervolume: { reference: { accuracy: 0, cost: worst * 1.05 } } };
    let before = measureMs;
    let start = performance.now();
    const evo = await new Evolution({ ...base, rng: createRng(seed), population, generations }).run();
    const evoOverhead = performance.now() - start - (measureMs - before);
    const uni = await new Evolution({ ...base, encoder: uniformEncoder, rng: createRng(seed), population, generations }).run();
    const rnd = await randomSearch({ ...base, rng: createRng(1000 + seed), budget: evo.evaluated, population });
    const best = (r: SearchResult<SubnetSpec>) => (100 * (r.best?.accuracy ?? 0)).toFixed(2);
    const cost = worst * 1.05;
    const [a, b, c] = [evo, uni, rnd].map(hv);
    const [fa, fb, fc] = [evo, uni, rnd].map((r) => hvAboveFloor(r, cost));
    console.log(`| ${device} | ${seed} | ${evo.evaluated} / ${uni.evaluated} / ${rnd.evaluated} | ${a!.toFixed(4)} / ${b!.toFixed(4)} / ${c!.toFixed(4)} | ${(a! / c!).toFixed(3)} / ${(b! / c!).toFixed(3)} | ${fa!.toFixed(4)} / ${fb!.toFixed(4)} / ${fc!.toFixed(4)} | ${(fa! / fc!).toFixed(3)} / ${(fb! / fc!).toFixed(3)} | ${best(evo)} / ${best(rnd)} | ${describe(evo.front)} | ${((performance.now() - t) / 1000).toFixed(0)} |`);
    before = measureMs;
    start = performance.now();
    const predictor = { warmup: 2 * population, measurePerGeneration: Math.max(1, population >> 1) };
    const pred = await new Evolution({ ...base, rng: createRng(seed), population, generations, predictor }).run();
    const predOverhead = performance.now() - start - (measureMs - before);
    predictorRows.push(`| ${device} | ${seed} | ${evo.evaluated} / ${pred.evaluated} | ${hv(evo).toFixed(4)} / ${hv(pred).toFixed(4)} | ${pred.predictor?.heldOutSpearman.toFixed(3) ?? '-'} | ${uncachedSeconds(evo, evoOverhead).toFixed(0)} / ${uncachedSeconds(pred, predOverhead).toFixed(0)} |`);
    for (const c of evo.front) console.error(JSON.stringify({ device, seed, accuracy: c.accuracy, latencyMs: c.objectives.latencyMs, spec: c.candidate, key: subnetKey(c.candidate) }));
  }
}
console.log('\nWith the accuracy predictor (evolution without / with):\n');
console.log('| device | seed | measurements | HV | predictor held-out Spearman | search s, uncached |\n|---|---|---|---|---|---|');
console.log(predictorRows.join('\n'));
console.log(`\n${measured} distinct subnets measured, ${(measureMs / measured / 1000).toFixed(2)} s each (BN re-estimation + ${validation.count} images)`);
holdout.dispose();
