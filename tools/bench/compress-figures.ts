/**
 * Issue 18's figures (docs/benchmarks-compress.md): for the default space's
 * largest and smallest subnets, each trained alone in float by the quant
 * table's budget (tools/bench/quant-table.ts: its after-float.ckpt), top-1
 * against model bytes for
 *   - uniform 4/3/2-bit weights (post-training: per output channel, MSE-optimal
 *     steps, weights only, the stem/SE/classifier at 8 bits; the same float
 *     weights ALQ and VQ start from), and LSQ's quantization-aware 4/2-bit rows
 *     of the quant table (its lsq@none runs: one 4-bit and one inherited 2-bit epoch);
 *   - ALQ at an average of 2, 1.5 and 1 bit (compressAlq, its defaults);
 *   - VQ near the seed's ~20x (compressVq; settings from --vq, a JSON object, or
 *     named rows {"vq-small": {...}, "vq-large": {...}}, each its own row);
 * with the time each compression takes, and the inference speed of the
 * compressed model on this CPU (its ONNX in onnxruntime, its container in the
 * project's tfjs runner) against the uniform 4-bit model (QDQ ONNX in
 * onnxruntime; the packed format has no runner) and the float one.
 *
 *   node --import tsx tools/bench/compress-figures.ts --dir /tmp/compress-figures
 *        [--subnets largest,smallest] [--rows float,uniform,lsq,alq-2,alq-1.5,alq-1,vq,speed]
 *        [--vq '{"codewords":256}'] [--render-only] [--doc docs/benchmarks-compress.md]
 *        [--table /tmp/h17-presets/table] [--test-images 500] [--backend wasm]
 *
 * Every row is kept as JSON in --dir/<subnet>/<row>.json (the ALQ and VQ rows
 * also keep their model.oqatc and model.onnx in --dir/<subnet>/<row>/), so a
 * rerun only does what is missing (--force reruns the rows named), and
 * --render-only rewrites the doc's table from those files. The table sits
 * between the markers below; the rest of the page (the ALQ and VQ sections
 * between <!-- alq --> and <!-- vq --> markers) is left as it is.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { derive } from '@oqat/core';
import { loadFashionMnist, takeItems, type ImageDataset, type Normalization } from '@oqat/data';
import { initEngine, tf, type Tensor } from '@oqat/engine';
import { compressedModelTop1, exportCompressed, exportSubnet, loadCompressedNetwork, onnxAccuracy } from '@oqat/export';
import {
  bnBatches, calibrateSubject, compressAlq, compressedBitsPerWeight, compressedModelBytes, compressSubject, compressVq, largestSubnet, loadSupernet,
  ptqNetwork, ptqSubject, staticTop1, staticWeightBytes, withCompressedWeights, type CompressionResult, type CompressSubject, type StaticMobileNet,
  type StaticMobileNetConfig, type MobileNetV3Supernet,
} from '@oqat/search';

const START = '<!-- compress-figures:start (tools/bench/compress-figures.ts writes this section; edit the tool, not the text) -->';
const END = '<!-- compress-figures:end -->';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '/tmp/compress-figures' },
    table: { type: 'string', default: '/tmp/h17-presets/table' },
    subnets: { type: 'string', default: 'largest,smallest' },
    rows: { type: 'string', default: 'float,uniform,lsq,alq-2,alq-1.5,alq-1,vq,speed' },
    vq: { type: 'string', default: '{}' },
    alq: { type: 'string', default: '{}' },
    force: { type: 'boolean', default: false },
    'render-only': { type: 'boolean', default: false },
    doc: { type: 'string', default: 'docs/benchmarks-compress.md' },
    backend: { type: 'string', default: 'wasm' },
    'test-images': { type: 'string', default: '500' },
    'speed-images': { type: 'string', default: '200' },
  },
});
const DIR = values.dir!;
const SUBNETS = values.subnets!.split(',') as Array<'largest' | 'smallest'>;
const ROWS = values.rows!.split(',');

interface Row {
  row: string;
  subnet: string;
  top1: number;
  /** conv/linear weight bytes (compressed layers with their side data, the rest float32; uniform: packed codes + steps) */
  modelBytes: number;
  bitsPerWeight?: number;
  /** the compression (or calibration, or training) wall time */
  seconds: number;
  /** the files' top-1 (tfjs runner, onnxruntime) where written */
  fileTop1?: { container: number; onnx: number };
  settings?: unknown;
  finetune?: string;
  skipped?: string[];
  note?: string;
  load: number;
  at: string;
}

interface Speed {
  subnet: string;
  /** images per second, batch of speed-images, one intra-op thread (onnxruntime) or the tfjs backend */
  ort: Record<string, { imagesPerSecond: number; sessionSeconds: number; fileBytes: number }>;
  tfjs: Record<string, { imagesPerSecond: number; loadSeconds: number }>;
  load: number;
  at: string;
}

const log = (m: string) => process.stderr.write(`[compress-figures ${new Date().toISOString().slice(11, 19)} load ${loadavg()[0]!.toFixed(1)}] ${m}\n`);
const rowPath = (subnet: string, row: string) => join(DIR, subnet, `${row}.json`);
const save = (r: Row | Speed, path: string) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `${JSON.stringify(r, null, 1)}\n`);
};
const done = (subnet: string, row: string) => !values.force && existsSync(rowPath(subnet, row));

interface Setup {
  net: MobileNetV3Supernet;
  subject: CompressSubject;
  test: ImageDataset;
  normalization: Normalization;
  bn: Tensor[];
  checkpoint: string;
  dispose(): void;
}

/** The quant table's float checkpoint of the subnet, its data budget (the first trainLimit training and testLimit test images), the subject. */
async function setup(subnet: string): Promise<Setup> {
  const checkpoint = join(values.table!, subnet, 'after-float.ckpt');
  const loaded = loadSupernet(checkpoint);
  if (loaded.task !== 'classification') throw new Error('compress-figures: a classification checkpoint was expected');
  const { config } = loaded;
  const net = loaded.net as MobileNetV3Supernet;
  const data = await loadFashionMnist({ source: config.data.source });
  const train = takeItems(data.train, Int32Array.from({ length: config.data.trainLimit || data.train.count }, (_, i) => i));
  const test = takeItems(data.test, Int32Array.from({ length: Number(values['test-images']) }, (_, i) => i));
  const normalization = config.data.normalization;
  const bn = bnBatches(train, config.data.bnImages, config.batchSize, derive(config.seed, 'bn'), normalization);
  const subject = compressSubject(net, largestSubnet(net.space, 32), { train, normalization, bn, seed: config.seed, validationImages: 0, onProgress: (f, m) => log(`  ${(f * 100).toFixed(0)} % ${m}`) });
  return { net, subject, test, normalization, bn, checkpoint, dispose: () => { subject.float.dispose(); bn.forEach((t) => t.dispose()); net.dispose(); } };
}

/** Strips every inputQuant: weights-only uniform quantization. */
function weightsOnly(config: StaticMobileNetConfig): StaticMobileNetConfig {
  return JSON.parse(JSON.stringify(config), (key, value) => (key === 'inputQuant' ? undefined : value)) as StaticMobileNetConfig;
}

async function uniformRows(s: Setup, subnet: string): Promise<void> {
  const calibration = bnBatches(s.subject.train, 64, 64, 1, s.normalization);
  const ptq = ptqSubject(s.net, s.subject.spec, s.bn, calibration);
  try {
    for (const bits of [4, 3, 2]) {
      const row = `uniform-${bits}`;
      if (done(subnet, row)) continue;
      const t0 = performance.now();
      const calibrated = calibrateSubject(ptq, { bits, fixedBits: 8, granularity: 'channel', calibration: 'mse' });
      const seconds = (performance.now() - t0) / 1000;
      const q = ptqNetwork(ptq.float, weightsOnly(calibrated.config));
      try {
        const r: Row = {
          row, subnet, top1: staticTop1(q, s.test, s.normalization), modelBytes: staticWeightBytes(q), bitsPerWeight: bits, seconds,
          note: 'weights per output channel, MSE-optimal steps, inputs float; stem, SE and classifier at 8 bits', load: loadavg()[0]!, at: new Date().toISOString(),
        };
        save(r, rowPath(subnet, row));
        log(`${subnet} ${row}: top-1 ${(r.top1 * 100).toFixed(1)} %, ${r.modelBytes} B`);
      } finally {
        q.dispose();
      }
    }
  } finally {
    ptq.dispose();
    calibration.forEach((t) => t.dispose());
  }
}

/** One ALQ or VQ row: compress, score in the app, write both files, score them. */
async function compressedRow(s: Setup, subnet: string, row: string, run: (subject: CompressSubject) => Promise<CompressionResult>, settings: unknown): Promise<void> {
  if (done(subnet, row)) return;
  log(`${subnet} ${row}: compressing`);
  const t0 = performance.now();
  const result = await run(s.subject);
  const seconds = (performance.now() - t0) / 1000;
  const decoded = withCompressedWeights(s.subject.float, result.layers, result.floatWeights);
  let top1: number;
  try {
    top1 = staticTop1(decoded, s.test, s.normalization);
  } finally {
    decoded.dispose();
  }
  const out = join(DIR, subnet, row);
  const files = exportCompressed({ net: s.subject.float, layers: result.layers, ...(result.floatWeights ? { floatWeights: result.floatWeights } : {}), normalization: s.normalization, formats: ['compressed', 'onnx'], outDir: out, provenance: { row, settings } });
  const container = compressedModelTop1(files.find((f) => f.format === 'compressed')!.path, s.test);
  const onnx = (await onnxAccuracy(files.find((f) => f.format === 'onnx')!.path, s.test, s.normalization)).top1;
  const r: Row = {
    row, subnet, top1, modelBytes: compressedModelBytes(s.subject.float, result.layers), bitsPerWeight: compressedBitsPerWeight(result.layers), seconds,
    fileTop1: { container, onnx }, settings, ...(result.finetune ? { finetune: result.finetune } : {}), skipped: result.report.skipped.map((k) => k.name),
    load: loadavg()[0]!, at: new Date().toISOString(),
  };
  save(r, rowPath(subnet, row));
  log(`${subnet} ${row}: top-1 ${(top1 * 100).toFixed(1)} % (files ${(container * 100).toFixed(1)} / ${(onnx * 100).toFixed(1)} %), ${r.modelBytes} B, ${seconds.toFixed(0)} s`);
}

/** onnxruntime: images per second on one batch (after a warm-up run), one intra-op thread, default optimizations. */
async function ortSpeed(path: string, test: ImageDataset, normalization: Normalization): Promise<{ imagesPerSecond: number; sessionSeconds: number; fileBytes: number }> {
  const { loadOnnxRuntime } = await import('@oqat/latency');
  const ort = await loadOnnxRuntime();
  const n = Math.min(Number(values['speed-images']), test.count);
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(path, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 });
  const sessionSeconds = (performance.now() - t0) / 1000;
  const images = Float32Array.from(test.images.subarray(0, n * test.height * test.width), (v) => (v / 255 - normalization.mean) / normalization.std);
  const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', images, [n, 1, test.height, test.width]) };
  await session.run(feeds);
  const t1 = performance.now();
  const repeats = 3;
  for (let i = 0; i < repeats; i++) await session.run(feeds);
  const seconds = (performance.now() - t1) / 1000;
  await session.release();
  return { imagesPerSecond: (n * repeats) / seconds, sessionSeconds, fileBytes: readFileSync(path).length };
}

/** tfjs: the network's images per second on one batch (after a warm-up), and for a container the load + decode time. */
function tfjsSpeed(load: () => StaticMobileNet, test: ImageDataset, normalization: Normalization): { imagesPerSecond: number; loadSeconds: number } {
  const t0 = performance.now();
  const net = load();
  const loadSeconds = (performance.now() - t0) / 1000;
  const n = Math.min(Number(values['speed-images']), test.count);
  const x = tf.tidy(() => tf.div(tf.sub(tf.div(tf.tensor4d(test.images.subarray(0, n * test.height * test.width), [n, test.height, test.width, 1], 'float32'), 255), normalization.mean), normalization.std));
  try {
    tf.tidy(() => net.forward(x).dataSync());
    const t1 = performance.now();
    const repeats = 3;
    for (let i = 0; i < repeats; i++) tf.tidy(() => net.forward(x).dataSync());
    return { imagesPerSecond: (n * repeats) / ((performance.now() - t1) / 1000), loadSeconds };
  } finally {
    x.dispose();
    net.dispose();
  }
}

async function speedRow(s: Setup, subnet: string): Promise<void> {
  const path = join(DIR, subnet, 'speed.json');
  if (!values.force && existsSync(path)) return;
  const speed: Speed = { subnet, ort: {}, tfjs: {}, load: loadavg()[0]!, at: new Date().toISOString() };
  // The uniform 4-bit model (weights only, as its row) and the float one, exported by the project's exporter.
  const calibration = bnBatches(s.subject.train, 64, 64, 1, s.normalization);
  const ptq = ptqSubject(s.net, s.subject.spec, s.bn, calibration);
  try {
    const q4 = ptqNetwork(ptq.float, weightsOnly(calibrateSubject(ptq, { bits: 4, fixedBits: 8, granularity: 'channel', calibration: 'mse' }).config));
    try {
      for (const [name, net] of [['float', ptq.float], ['uniform-4', q4]] as const) {
        const out = join(DIR, subnet, `${name}-export`);
        const manifest = await exportSubnet({ net, spec: s.subject.spec, formats: ['onnx', 'packed'], outDir: out, normalization: s.normalization });
        speed.ort[name] = await ortSpeed(manifest.files.find((f) => f.kind === 'onnx-model')!.path, s.test, s.normalization);
        if (name === 'uniform-4') speed.ort[name]!.fileBytes = manifest.files.filter((f) => f.format === 'packed').reduce((a, f) => a + f.sizeBytes, 0);
        speed.tfjs[name] = tfjsSpeed(() => ptqNetwork(net, net.toConfig()), s.test, s.normalization);
        log(`${subnet} speed ${name}: ort ${speed.ort[name]!.imagesPerSecond.toFixed(0)} img/s, tfjs ${speed.tfjs[name]!.imagesPerSecond.toFixed(0)} img/s`);
      }
    } finally {
      q4.dispose();
    }
  } finally {
    ptq.dispose();
    calibration.forEach((t) => t.dispose());
  }
  for (const row of ['alq-2', 'alq-1.5', 'alq-1', ...vqRowsOf(subnet)]) {
    const dir = join(DIR, subnet, row);
    if (!existsSync(join(dir, 'model.onnx'))) continue;
    speed.ort[row] = await ortSpeed(join(dir, 'model.onnx'), s.test, s.normalization);
    speed.ort[row]!.fileBytes = readFileSync(join(dir, 'model.oqatc')).length;
    speed.tfjs[row] = tfjsSpeed(() => loadCompressedNetwork(join(dir, 'model.oqatc')), s.test, s.normalization);
    log(`${subnet} speed ${row}: ort ${speed.ort[row]!.imagesPerSecond.toFixed(0)} img/s, tfjs ${speed.tfjs[row]!.imagesPerSecond.toFixed(0)} img/s (load+decode ${speed.tfjs[row]!.loadSeconds.toFixed(2)} s)`);
  }
  save(speed, path);
}

function readRow<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

function render(): void {
  const pct = (x: number | undefined) => (x === undefined ? '-' : `${(x * 100).toFixed(1)} %`);
  const kb = (b: number | undefined) => (b === undefined ? '-' : `${(b / 1024).toFixed(0)} KiB`);
  const lines: string[] = [START, ''];
  // Every subnet measured in --dir (not only --subnets): a run on one subnet keeps the other's rows in the table.
  const measured = ['largest', 'smallest'].filter((n) => SUBNETS.includes(n as never) || existsSync(rowPath(n, 'float')));
  for (const subnet of measured) {
    const float = readRow<Row>(rowPath(subnet, 'float'));
    const lsq = readRow<{ top1: Record<string, number>; modelBytes: Record<string, number>; trainSeconds: number }>(join(values.table!, subnet, 'lsq@none.json'));
    lines.push(`**${subnet}** (float ${pct(float?.top1)}, ${kb(float?.modelBytes)} of conv/linear weights; top-1 on the subset's first ${values['test-images']} test images)`, '');
    lines.push('| model | top-1 | Δ float (pt) | weight bytes | × smaller | bits/weight | compression time | files: tfjs / onnxruntime top-1 |', '|---|---|---|---|---|---|---|---|');
    const row = (label: string, r: { top1: number; modelBytes: number; bitsPerWeight?: number; seconds: number; fileTop1?: Row['fileTop1'] } | undefined) => {
      if (!r) return lines.push(`| ${label} | not run | | | | | | |`);
      lines.push(`| ${label} | ${pct(r.top1)} | ${float ? ((r.top1 - float.top1) * 100).toFixed(1) : '-'} | ${kb(r.modelBytes)} | ${float ? (float.modelBytes / r.modelBytes).toFixed(1) : '-'} | ${r.bitsPerWeight?.toFixed(2) ?? '-'} | ${r.seconds.toFixed(1)} s | ${r.fileTop1 ? `${pct(r.fileTop1.container)} / ${pct(r.fileTop1.onnx)}` : '-'} |`);
    };
    for (const bits of [4, 3, 2]) row(`uniform ${bits}-bit (post-training)`, readRow<Row>(rowPath(subnet, `uniform-${bits}`)));
    for (const bits of [4, 2]) row(`LSQ ${bits}-bit (quant table, trained)`, lsq?.top1[bits] !== undefined ? { top1: lsq.top1[bits]!, modelBytes: lsq.modelBytes[bits]!, bitsPerWeight: bits, seconds: lsq.trainSeconds } : undefined);
    for (const b of ['2', '1.5', '1']) row(`ALQ avg ${b} bit`, readRow<Row>(rowPath(subnet, `alq-${b}`)));
    const vqs = vqRowsOf(subnet);
    if (vqs.length === 0) row('VQ', undefined);
    for (const name of vqs) {
      const r = readRow<Row>(rowPath(subnet, name));
      const d = (r?.settings ?? {}) as { pointwiseBlockSize?: number; codewords?: number };
      row(`VQ${name === 'vq' ? '' : ` ${name.slice(3)}`}${d.pointwiseBlockSize || d.codewords ? ` (${[d.pointwiseBlockSize ? `d ${d.pointwiseBlockSize}` : '', d.codewords ? `k ${d.codewords}` : ''].filter(Boolean).join(', ')})` : ''}`, r);
    }
    const speed = readRow<Speed>(join(DIR, subnet, 'speed.json'));
    if (speed) {
      lines.push('', `Inference on this CPU (${values['speed-images']} images per batch, after a warm-up; load ${speed.load.toFixed(1)}): images per second`, '');
      lines.push('| model | onnxruntime (1 thread) | session creation | file | tfjs runner (' + values.backend + ') | tfjs load + decode |', '|---|---|---|---|---|---|');
      for (const [name, o] of Object.entries(speed.ort)) {
        const t = speed.tfjs[name];
        lines.push(`| ${name} | ${o.imagesPerSecond.toFixed(0)} | ${o.sessionSeconds.toFixed(2)} s | ${kb(o.fileBytes)} | ${t ? t.imagesPerSecond.toFixed(0) : '-'} | ${t ? `${t.loadSeconds.toFixed(2)} s` : '-'} |`);
      }
    }
    lines.push('');
  }
  lines.push(END);
  const doc = existsSync(values.doc!) ? readFileSync(values.doc!, 'utf8') : '';
  const at = doc.indexOf(START);
  const end = doc.indexOf(END);
  const next = at >= 0 && end > at ? `${doc.slice(0, at)}${lines.join('\n')}${doc.slice(end + END.length)}` : `${doc}\n${lines.join('\n')}\n`;
  writeFileSync(values.doc!, next);
  log(`wrote ${values.doc}`);
}

/** --vq: one settings object (the row 'vq'), or named rows {"vq-small": {...}, "vq-large": {...}} (every value an object). */
function vqRows(): Array<[string, Record<string, unknown>]> {
  const parsed = JSON.parse(values.vq!) as Record<string, unknown>;
  const named = Object.keys(parsed).length > 0 && Object.values(parsed).every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
  return named ? Object.entries(parsed) as Array<[string, Record<string, unknown>]> : [['vq', parsed]];
}

/** The VQ rows kept in --dir for a subnet (vq.json, vq-*.json), by name. */
function vqRowsOf(subnet: string): string[] {
  const dir = join(DIR, subnet);
  return existsSync(dir) ? readdirSync(dir).filter((f) => /^vq(-[\w.-]+)?\.json$/.test(f)).map((f) => f.replace(/\.json$/, '')).sort() : [];
}

async function main(): Promise<void> {
  if (!values['render-only']) {
    await initEngine({ backend: values.backend as 'wasm' });
    for (const subnet of SUBNETS) {
      const s = await setup(subnet);
      try {
        if (ROWS.includes('float') && !done(subnet, 'float')) {
          const r: Row = { row: 'float', subnet, top1: staticTop1(s.subject.float, s.test, s.normalization), modelBytes: compressedModelBytes(s.subject.float, {}), bitsPerWeight: 32, seconds: 0, load: loadavg()[0]!, at: new Date().toISOString() };
          save(r, rowPath(subnet, 'float'));
        }
        if (ROWS.includes('uniform')) await uniformRows(s, subnet);
        const alq = JSON.parse(values.alq!) as object;
        for (const b of ['2', '1.5', '1']) {
          if (ROWS.includes(`alq-${b}`)) await compressedRow(s, subnet, `alq-${b}`, (subject) => compressAlq(subject, { ...alq, averageBits: Number(b) }), { ...alq, averageBits: Number(b) });
        }
        for (const [row, settings] of vqRows()) {
          if (ROWS.includes('vq') || ROWS.includes(row)) await compressedRow(s, subnet, row, (subject) => compressVq(subject, settings), settings);
        }
        if (ROWS.includes('speed')) await speedRow(s, subnet);
      } finally {
        s.dispose();
      }
    }
  }
  render();
}

await main();
