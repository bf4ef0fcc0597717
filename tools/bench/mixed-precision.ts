/**
 * Per-layer mixed precision on a trained supernet (docs/benchmarks-mixed-precision.md):
 * test top-1 of mixed subnets (spec.bitsByLayer) with every weight from the
 * narrowest width the subnet uses, each layer at its own bits with that
 * width's step (what ElasticSupernet.setActive does), against a composite:
 * each elastic layer's weights, BN and steps from its own width's supernet
 * (OQAT keeps one per width), the rest from the supernet of the spec's bits,
 * and against the weights of the spec's bits' supernet with each layer's step
 * of its own width (from the narrowest supernet, which holds them all). Uniform subnets for reference. BN statistics are re-estimated for every
 * subnet and weight source. Every width the checkpoint trained must be kept
 * (a finished run).
 *
 *   node --import tsx tools/bench/mixed-precision.ts --ckpt supernet.ckpt
 *        [--subnets largest,middle] [--random 3] [--seed 1] [--test-limit 0] [--bn-images 2000] [--json FILE]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createRng } from '@oqat/core';
import { loadFashionMnist, takeItems } from '@oqat/data';
import { initEngine, tf } from '@oqat/engine';
import { elasticLayerNames, withLayerBits } from '@oqat/latency';
import {
  bnBatches, classifyTestSet, evaluateClassificationSubnet, largestSubnet, loadSupernet, middleSubnet, reestimateBn, smallestSubnet,
  type MobileNetV3Supernet, type SearchSpace, type SubnetSpec,
} from '@oqat/search';

const { values } = parseArgs({
  options: {
    ckpt: { type: 'string' },
    subnets: { type: 'string', default: 'largest,middle' },
    random: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    'test-limit': { type: 'string', default: '0' },
    'bn-images': { type: 'string', default: '2000' },
    json: { type: 'string' },
  },
});
if (!values.ckpt) {
  console.error('mixed-precision: pass --ckpt with a classification supernet.ckpt trained at several widths');
  process.exit(2);
}
const ARCHITECTURES = { largest: largestSubnet, middle: middleSubnet, smallest: smallestSubnet } as const;

interface Mix {
  name: string;
  spec: SubnetSpec;
}

/** The mixes measured on one architecture: sensitive layers wider, their reverse, seeded random ones. */
function mixesOf(space: SearchSpace, arch: SubnetSpec, widths: number[], random: number, seed: number): Mix[] {
  const names = elasticLayerNames(space, arch.depths);
  const [low, high] = [widths[0]!, widths[widths.length - 1]!];
  const at = (bits: number, map: Record<string, number>): SubnetSpec => withLayerBits(space, { ...arch, bits }, map);
  const dw = Object.fromEntries(names.filter((n) => n.endsWith('.dw')).map((n) => [n, high]));
  const ends = { [names[0]!]: high, [names[names.length - 1]!]: high };
  const projects = Object.fromEntries(names.filter((n) => n.endsWith('.project')).map((n) => [n, low]));
  const rng = createRng(seed);
  const mixes: Mix[] = [
    { name: `depthwise ${high}, rest ${low}`, spec: at(low, dw) },
    { name: `first/last elastic ${high}, rest ${low}`, spec: at(low, ends) },
    { name: `projections ${low}, rest ${high}`, spec: at(high, projects) },
  ];
  for (let i = 0; i < random; i++) {
    const bits = rng.pick(widths);
    mixes.push({ name: `random ${i + 1} (${widths.join('/')})`, spec: at(bits, Object.fromEntries(names.map((n) => [n, rng.pick(widths)]))) });
  }
  return mixes;
}

/** Mean bits over the subnet's elastic layers (unweighted). */
function meanLayerBits(space: SearchSpace, spec: SubnetSpec): number {
  const names = elasticLayerNames(space, spec.depths);
  return names.reduce((sum, n) => sum + (spec.bitsByLayer?.[n] ?? spec.bits), 0) / names.length;
}

/** The elastic layer a tensor belongs to: the longest quantized layer name prefixing it, if that layer is elastic. */
function elasticOwner(net: MobileNetV3Supernet, tensorName: string): string | undefined {
  let best: string | undefined;
  for (const layer of net.layerQuants.keys()) if (tensorName.startsWith(`${layer}.`) && layer.length > (best?.length ?? -1)) best = layer;
  return best !== undefined && net.layerQuants.get(best)!.role.precision === 'elastic' ? best : undefined;
}

/**
 * Overwrites the variables with each tensor's value in the kept supernet of
 * `widthOf(tensor)` (tensors that copy lacks keep theirs: steps of widths
 * trained after it).
 */
function loadFromWidths(net: MobileNetV3Supernet, widthOf: (tensorName: string) => number): void {
  for (const { name, variable } of [...net.params(), ...net.buffers()]) {
    const t = net.widths.keptState(widthOf(name))!.get(name);
    if (t) tf.tidy(() => variable.assign(tf.tensor(t.values, t.shape)));
  }
}

const started = performance.now();
const engine = await initEngine({ backend: 'wasm' });
const loaded = loadSupernet(values.ckpt);
if (loaded.task !== 'classification') throw new Error('mixed-precision measures classification checkpoints');
const net: MobileNetV3Supernet = loaded.net;
const space = net.space;
const widths = loaded.trainedBits.filter((b) => b < 32);
const unkept = widths.filter((b) => !net.widths.keptWidths().includes(b));
if (unkept.length > 0) throw new Error(`the checkpoint keeps no copy of ${unkept.join(', ')} bits: use a finished run`);
const data = await loadFashionMnist({ source: loaded.config.data.source });
const limit = Number(values['test-limit']);
const test = limit > 0 && limit < data.test.count ? takeItems(data.test, Int32Array.from({ length: limit }, (_, i) => i)) : data.test;
const bn = bnBatches(data.train, Number(values['bn-images']), 250, 1);
const evalData = { bn, test, batchSize: 500 };
console.log(`${values.ckpt}: space ${space.name}, widths ${widths.join('/')}, ${test.count} test images, backend ${engine.backend}`);

const rows = [];
for (const which of values.subnets!.split(',') as Array<keyof typeof ARCHITECTURES>) {
  const arch = ARCHITECTURES[which](space, widths[0]!);
  for (const bits of widths) {
    const r = evaluateClassificationSubnet(net, { ...arch, bits }, evalData);
    rows.push({ architecture: which, mix: `uniform ${bits}`, meanBits: bits, perLayerWidth: r.top1, narrowestWidth: r.top1, specBitsWidth: r.top1, bitOps: r.bitOps, modelBytes: r.modelBytes });
    console.log(`${which} uniform ${bits}: ${(100 * r.top1).toFixed(2)} %`);
  }
  for (const mix of mixesOf(space, arch, widths, Number(values.random), Number(values.seed))) {
    const narrowest = evaluateClassificationSubnet(net, mix.spec, evalData);
    // The composite: the layers keep their bits; each elastic layer's tensors come from its width's supernet.
    const weightsBits = net.widths.loaded!;
    loadFromWidths(net, (name) => {
      const layer = elasticOwner(net, name);
      return (layer !== undefined ? mix.spec.bitsByLayer?.[layer] : undefined) ?? mix.spec.bits;
    });
    reestimateBn(net, bn);
    const composite = classifyTestSet(net, evalData);
    // The spec's bits' weights, each layer's own-width step (steps of every width up to it are in the narrowest copy).
    loadFromWidths(net, (name) => (/\.step\d+$/.test(name) ? weightsBits : mix.spec.bits));
    reestimateBn(net, bn);
    const specBits = classifyTestSet(net, evalData);
    loadFromWidths(net, () => weightsBits); // the variables hold what net.widths says again
    const meanBits = meanLayerBits(space, mix.spec);
    rows.push({ architecture: which, mix: mix.name, meanBits, perLayerWidth: composite.top1, narrowestWidth: narrowest.top1, specBitsWidth: specBits.top1, bitOps: narrowest.bitOps, modelBytes: narrowest.modelBytes, spec: mix.spec });
    console.log(`${which} ${mix.name} (mean ${meanBits.toFixed(2)} bits): narrowest width ${(100 * narrowest.top1).toFixed(2)} %, each layer's width ${(100 * composite.top1).toFixed(2)} %, the spec's bits' ${(100 * specBits.top1).toFixed(2)} %`);
  }
}
for (const t of bn) t.dispose();
net.dispose();

const pct = (x: number): string => (100 * x).toFixed(2);
console.log('\n| subnet | layers | mean bits | top-1 %, weights of the narrowest width | top-1 %, weights of each layer\'s width | top-1 %, weights of the spec\'s bits | MBitOPs | model KiB |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.architecture} | ${r.mix} | ${r.meanBits.toFixed(2)} | ${pct(r.narrowestWidth)} | ${pct(r.perLayerWidth)} | ${pct(r.specBitsWidth)} | ${(r.bitOps / 1e6).toFixed(2)} | ${(r.modelBytes / 1024).toFixed(1)} |`);
}
console.log(`\n${((performance.now() - started) / 1000).toFixed(0)} s`);
if (values.json) writeFileSync(values.json, JSON.stringify(rows, null, 2));
