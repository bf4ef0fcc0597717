/**
 * onnxruntime speed of a subnet's ONNX exports (docs/benchmarks-export.md,
 * "Speed in onnxruntime"): the same subnet exported in float, as the QDQ
 * model (`--onnx qdq`, float kernels: the app's arithmetic exactly), as the
 * int4 QDQ model (`--onnx qdq-int4`) and as the integer graph (`--onnx
 * integer`), each run in onnxruntime-node on the CPU at batch --batch with 1
 * and 2 intra-op threads: median wall time of session.run over --rounds
 * rounds of --runs runs, the models interleaved round by round so a change
 * of load hits them alike. Also: the operators onnxruntime's optimised graph
 * holds (optimizedModelFilePath) and top-1 on the test split in the app
 * (b-bit evaluation; the integer graph's own evaluation) and in onnxruntime.
 *
 *   node --import tsx tools/bench/onnx-speed.ts --ckpt supernet.ckpt --spec SPEC.json
 *        [--bits 3,4,2] [--batch 64] [--threads 1,2] [--rounds 5] [--runs 10] [--test-images 0] [--out DIR] [--json FILE]
 *
 * --spec: a SubnetSpec JSON file, or an export-report.json (its `subnet`).
 * --bits: the subnet at these uniform widths (default the spec's own): the
 * first in every ONNX mode, the others as the integer graph only.
 * onnxruntime's own static quantization (the Python package) is not on this
 * machine; the docs quote the issue's figures for it.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { floatBatches } from '@oqat/data';
import { initEngine } from '@oqat/engine';
import { loadCheckpointEvalData } from '@oqat/jobs';
import { exportSubnet, integerSubnetAccuracy, onnxAccuracy, type OnnxMode } from '@oqat/export';
import { loadOnnxRuntime } from '@oqat/latency';
import { decodeModel } from '@oqat/onnx';
import { evaluateSubnet, loadSupernet, parseSubnetSpec, staticSubnet, type MobileNetV3Supernet, type SubnetSpec } from '@oqat/search';

const { values } = parseArgs({
  options: {
    ckpt: { type: 'string' },
    spec: { type: 'string' },
    batch: { type: 'string', default: '64' },
    threads: { type: 'string', default: '1,2' },
    rounds: { type: 'string', default: '5' },
    runs: { type: 'string', default: '10' },
    'test-images': { type: 'string', default: '0' },
    'bn-images': { type: 'string', default: '1000' },
    out: { type: 'string', default: '/tmp/oqat-onnx-speed' },
    json: { type: 'string' },
    bits: { type: 'string' },
  },
});
if (!values.ckpt || !values.spec) {
  console.error('onnx-speed: pass --ckpt supernet.ckpt and --spec SPEC.json (a SubnetSpec or an export-report.json)');
  process.exit(2);
}
const t0 = performance.now();
const log = (s: string): void => console.error(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(5)}s] ${s}`);
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');
const loadAtStart = load();
await initEngine({ backend: 'wasm' });

const loaded = loadSupernet(values.ckpt);
if (loaded.task !== 'classification') throw new Error('onnx-speed: a classification checkpoint, please (the integer graph is built for classifiers)');
const net = loaded.net as MobileNetV3Supernet;
const specJson = JSON.parse(readFileSync(values.spec, 'utf8')) as { subnet?: unknown };
const spec = parseSubnetSpec(net.space, specJson.subnet ?? specJson);
const { test, bn, normalization } = await loadCheckpointEvalData(loaded.config, Number(values['test-images']), Number(values['bn-images']), 1);

interface Variant {
  name: string;
  path: string;
  /** the app's top-1 of what the file computes */
  app: number;
  appLabel: string;
  onnx?: number;
  ops?: Record<string, number>;
  ms: Record<number, number[]>;
}
const variants: Variant[] = [];
rmSync(values.out!, { recursive: true, force: true });

/** Evaluates the subnet in the app once, then exports it in each ONNX mode. */
async function exportModes(label: string, s: SubnetSpec, modes: readonly OnnxMode[]): Promise<void> {
  const app = evaluateSubnet(net, s, { bn, test, batchSize: 500, normalization }).score;
  const sub = staticSubnet(net, s);
  try {
    for (const mode of modes) {
      const name = mode === 'qdq' && s.bits === 32 ? label : `${mode} ${label}`;
      const outDir = join(values.out!, name.replace(/\W+/g, '-'));
      await exportSubnet({ net: sub, spec: s, formats: ['onnx'], outDir, normalization, onnxMode: mode });
      const integer = mode === 'integer' ? integerSubnetAccuracy(sub, test, normalization).top1 : undefined;
      variants.push({
        name, path: join(outDir, 'model.onnx'), app: integer ?? app, appLabel: integer === undefined ? 'app' : `integer graph in the app; ${label} app ${(app * 100).toFixed(2)} %`, ms: {},
      });
      log(`exported ${name}`);
    }
  } finally {
    sub.dispose();
  }
}

await exportModes('float', { ...spec, bits: 32, bitsByLayer: undefined } as SubnetSpec, ['qdq']);
const bitsList = values.bits ? values.bits.split(',').map(Number) : [spec.bits];
for (const bits of bitsList) await exportModes(`${bits}-bit`, { ...spec, bits }, bits === bitsList[0] ? ['qdq', 'qdq-int4', 'integer'] : ['integer']);

const ort = await loadOnnxRuntime();
for (const v of variants) {
  v.onnx = (await onnxAccuracy(v.path, test, normalization)).top1;
  const optimized = v.path.replace(/\.onnx$/, '.opt.onnx');
  const s = await ort.InferenceSession.create(v.path, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', optimizedModelFilePath: optimized });
  await s.release();
  v.ops = {};
  for (const n of decodeModel(readFileSync(optimized)).graph.node) v.ops[n.opType] = (v.ops[n.opType] ?? 0) + 1;
  log(`${v.name}: top-1 ${v.onnx}`);
}

// One batch of real test images, NCHW.
const batch = Number(values.batch);
const first = floatBatches(test, { batchSize: batch, seed: 0, shuffle: false, normalize: normalization }).next().value!;
const { size, height, width, channels } = first;
const nchw = new Float32Array(first.images.length);
for (let i = 0; i < size; i++) for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) {
  nchw[((i * channels + c) * height + y) * width + x] = first.images[((i * height + y) * width + x) * channels + c]!;
}
const input = new ort.Tensor('float32', nchw, [size, channels, height, width]);
const threadCounts = values.threads!.split(',').map(Number);
const sessions = new Map<string, Awaited<ReturnType<typeof ort.InferenceSession.create>>>();
for (const v of variants) for (const t of threadCounts) {
  const s = await ort.InferenceSession.create(v.path, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: t, interOpNumThreads: 1 });
  for (let w = 0; w < 3; w++) await s.run({ [s.inputNames[0]!]: input });
  sessions.set(`${v.name}/${t}`, s);
  v.ms[t] = [];
}
const rounds = Number(values.rounds);
const runs = Number(values.runs);
for (let r = 0; r < rounds; r++) {
  for (const t of threadCounts) for (const v of variants) {
    const s = sessions.get(`${v.name}/${t}`)!;
    for (let k = 0; k < runs; k++) {
      const start = performance.now();
      await s.run({ [s.inputNames[0]!]: input });
      v.ms[t]!.push(performance.now() - start);
    }
  }
  log(`round ${r + 1}/${rounds} (load ${load()})`);
}
for (const s of sessions.values()) await s.release();

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const floatMs = Object.fromEntries(threadCounts.map((t) => [t, median(variants[0]!.ms[t]!)]));
const pct = (x: number | undefined): string => (x === undefined ? '-' : (x * 100).toFixed(2));
const opsOf = (o: Record<string, number> = {}): string =>
  ['QLinearConv', 'Conv', 'QLinearAdd', 'QLinearMul', 'QLinearGlobalAveragePool', 'QLinearLeakyRelu', 'DequantizeLinear', 'QuantizeLinear'].filter((k) => o[k]).map((k) => `${o[k]} ${k}`).join(', ');
console.log(`batch ${batch}, ${test.count} test images; onnxruntime-node ${ort.env.versions.common}; ${cpus().length} cores; 1-min load ${loadAtStart} at start, ${load()} at end; median of ${rounds}x${runs} runs\n`);
console.log(`| model | ${threadCounts.map((t) => `${t} thread${t > 1 ? 's' : ''} ms (x float)`).join(' | ')} | top-1 app % | top-1 onnxruntime % | after onnxruntime's optimisation |`);
console.log(`|---|${threadCounts.map(() => '---').join('|')}|---|---|---|`);
for (const v of variants) {
  const cells = threadCounts.map((t) => {
    const m = median(v.ms[t]!);
    return `${m.toFixed(1)} (${(floatMs[t]! / m).toFixed(2)}x)`;
  });
  console.log(`| ${v.name} | ${cells.join(' | ')} | ${pct(v.app)}${v.appLabel === 'app' ? '' : ` (${v.appLabel})`} | ${pct(v.onnx)} | ${opsOf(v.ops)} |`);
}
if (values.json) {
  mkdirSync(values.out!, { recursive: true });
  writeFileSync(values.json, JSON.stringify({ spec, batch, threads: threadCounts, rounds, runs, loadAtStart, loadAtEnd: load(), variants: variants.map((v) => ({ ...v, medianMs: Object.fromEntries(threadCounts.map((t) => [t, median(v.ms[t]!)])) })) }, null, 1));
}
