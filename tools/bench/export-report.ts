/**
 * Export figures (docs/benchmarks-export.md): for subnets of a trained
 * supernet checkpoint, the in-app test accuracy next to the accuracy of the
 * exported models measured outside the app (ONNX in onnxruntime-node, with
 * its default optimizations and with none; the tfjs graph model through
 * tf.loadGraphModel), the share of test images on which they predict the same
 * class as the app, and model bytes: float32 vs bit-packed at each bit width.
 *
 *   node --import tsx tools/bench/export-report.ts --ckpt CKPT_OR_DIR
 *        [--acc-bits 4,2] [--size-bits 4,3,2] [--subnets largest,smallest]
 *        [--mixed SPECS.json] [--source full|subset] [--test-limit 0] [--bn-images 2000] [--out DIR] [--json FILE]
 *
 * --ckpt: a supernet.ckpt, or a directory holding supernet-<b>bit.ckpt per bit
 * width (tools/bench/export-train-checkpoint.ts writes those); the checkpoint
 * trained last at b bits is used for b-bit subnets.
 *
 * --mixed: a JSON array of SubnetSpecs with per-layer bits (bitsByLayer),
 * measured and sized like the named subnets ("mixed 1", ...; weights of the
 * narrowest width they use, from that width's checkpoint).
 *
 * A segmentation checkpoint (e.g. after-4bit.ckpt of `supernet-train.ts
 * --preset seg-quick --dir D`) is measured on its own test scenes instead:
 * mIoU in the app vs the exported models, "same class" per pixel, and sizes
 * (the models are exported for the scenes' size).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { floatBatches, floatSegmentationBatches, loadFashionMnist, takeItems, type ImageDataset, type SegmentationDataset } from '@oqat/data';
import { initEngine, tf, type Tensor } from '@oqat/engine';
import { exportSubnet, onnxAccuracy, onnxSegmentationAccuracy, tfjsFileHandler, type ExportManifest, type ExportOptions } from '@oqat/export';
import {
  bnBatches, ConfusionMatrix, evaluateSubnet, EVAL, INPUT_NORMALIZATION, largestSubnet, loadSegmentationData, loadSupernet,
  middleSubnet, parseSubnetSpec, smallestSubnet, staticSubnet, weightsWidth, type ElasticSupernet, type LoadedSupernet,
  type EvalData, type SegmentationEvalData, type SubnetSpec,
} from '@oqat/search';

const { values } = parseArgs({
  options: {
    ckpt: { type: 'string' },
    'acc-bits': { type: 'string', default: '4,2' },
    'size-bits': { type: 'string', default: '4,3,2' },
    subnets: { type: 'string', default: 'largest,smallest' },
    source: { type: 'string', default: 'full' },
    'test-limit': { type: 'string', default: '0' },
    'bn-images': { type: 'string', default: '2000' },
    out: { type: 'string', default: '/tmp/oqat-export/report' },
    mixed: { type: 'string' },
    json: { type: 'string' },
  },
});
if (!values.ckpt) {
  console.error('export-report: pass --ckpt with a supernet.ckpt or a directory of supernet-<b>bit.ckpt files');
  process.exit(2);
}
const list = (s: string): number[] => (s ? s.split(',').map(Number) : []);
const SUBNETS = { largest: largestSubnet, middle: middleSubnet, smallest: smallestSubnet } as const;
type Which = keyof typeof SUBNETS;
const subnets = values.subnets!.split(',') as Which[];
const mixedSpecs = values.mixed ? (JSON.parse(readFileSync(values.mixed, 'utf8')) as SubnetSpec[]) : [];

function checkpointFor(bits: number): string {
  const p = values.ckpt!;
  if (!statSync(p).isDirectory()) return p;
  const perBits = join(p, `supernet-${bits}bit.ckpt`);
  return existsSync(perBits) ? perBits : join(p, 'supernet.ckpt');
}

const t0 = performance.now();
const log = (s: string): void => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(5)}s] ${s}`);
await initEngine({ backend: 'wasm' });
const limit = Number(values['test-limit']);
const bnImages = Number(values['bn-images']);

/**
 * One task's test set: the app's and a tfjs model's predictions (per image,
 * or per pixel for segmentation, in dataset order), the score of a
 * prediction list (top-1 or mIoU) and the ONNX measurement.
 */
interface TaskData {
  metric: 'top-1' | 'mIoU';
  count: number;
  imageSize?: [number, number];
  bn: Tensor[];
  /** the test set and BN batches as evaluateSubnet takes them */
  eval: EvalData | SegmentationEvalData;
  score(predictions: ArrayLike<number>): number;
  onnx(path: string, optimization: 'all' | 'disabled'): Promise<{ score: number; predictions: ArrayLike<number>; seconds: number }>;
  predict(run: (images: Tensor) => Tensor): Int32Array;
}

/** Per-item argmax predictions of `run` over test batches (last axis: classes). */
function predictions(batches: Iterable<{ images: Float32Array; size: number; height: number; width: number; channels: number }>, total: number, run: (images: Tensor) => Tensor): Int32Array {
  const out = new Int32Array(total);
  let at = 0;
  for (const b of batches) {
    const p = tf.tidy(() => {
      const logits = run(tf.tensor4d(b.images, [b.size, b.height, b.width, b.channels]));
      return tf.argMax(logits, logits.rank - 1).dataSync();
    });
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function classificationData(): Promise<TaskData> {
  const data = await loadFashionMnist({ source: values.source as 'full' });
  const test: ImageDataset = limit > 0 && limit < data.test.count ? takeItems(data.test, Int32Array.from({ length: limit }, (_, i) => i)) : data.test;
  log(`data: ${data.location.kind} (${test.count} test images), BN re-estimation on ${bnImages} training images`);
  const bn = bnBatches(data.train, bnImages, 100, 7);
  return {
    metric: 'top-1', count: test.count, bn, eval: { bn, test, batchSize: 500 },
    score: (p) => agree(p, test.labels),
    onnx: async (path, optimization) => {
      const r = await onnxAccuracy(path, test, INPUT_NORMALIZATION, { optimization });
      return { score: r.top1, predictions: r.predictions, seconds: r.seconds };
    },
    predict: (run) => predictions(floatBatches(test, { batchSize: 500, seed: 0, shuffle: false, normalize: INPUT_NORMALIZATION }), test.count, run),
  };
}

async function segmentationData(loaded: LoadedSupernet): Promise<TaskData> {
  const data = await loadSegmentationData(loaded.config, loaded.net.space);
  const all = data.test;
  const n = limit > 0 && limit < all.count ? limit : all.count;
  const pixels = all.height * all.width;
  const test: SegmentationDataset = { ...all, count: n, images: all.images.subarray(0, n * pixels * all.channels), masks: all.masks.subarray(0, n * pixels) };
  log(`data: ${test.count} test scenes ${test.height}x${test.width}, BN re-estimation on ${Math.min(bnImages, data.train.count)} training scenes`);
  const classes = loaded.net.space.numClasses;
  const bn = bnBatches(data.train, bnImages, 50, 7);
  return {
    metric: 'mIoU', count: test.count, imageSize: [test.height, test.width], bn, eval: { bn, test, batchSize: 50 },
    score: (p) => {
      const confusion = new ConfusionMatrix(classes);
      confusion.add(test.masks, p);
      return confusion.metrics().miou;
    },
    onnx: async (path, optimization) => {
      const r = await onnxSegmentationAccuracy(path, test, INPUT_NORMALIZATION, { optimization });
      return { score: r.miou, predictions: r.predictions, seconds: r.seconds };
    },
    predict: (run) => predictions(floatSegmentationBatches(test, { batchSize: 50, seed: 0, shuffle: false, normalize: INPUT_NORMALIZATION }), test.count * pixels, run),
  };
}

async function tfjsPredictions(data: TaskData, modelJson: string): Promise<Int32Array> {
  const model = await tf.loadGraphModel(tfjsFileHandler(modelJson));
  const out = data.predict((images) => model.predict(images) as tf.Tensor);
  model.dispose();
  return out;
}

/** Share of positions where two prediction lists (or predictions and labels) agree. */
function agree(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) n++;
  return n / a.length;
}
const pct = (x: number): string => (100 * x).toFixed(2);
let task: TaskData | undefined;

interface AccuracyRow {
  subnet: string; bits: string; checkpoint: string; spec: SubnetSpec;
  app: number; appEval: number; ortAll: number; ortNone: number; ortInt4?: number; tfjs: number;
  agreeOrtAll: number; agreeOrtNone: number; agreeTfjs: number; ortSeconds: number;
}
interface SizeRow { subnet: string; bits: string; params: number; floatBytes: number; resampleBytes: number; packedWeightsBytes: number; packedFloatBytes: number; packedSpecBytes: number; compression: number }
const accuracy: AccuracyRow[] = [];
const sizes: SizeRow[] = [];

/** "3" for a uniform subnet; "3, 4 layers at 4 / 2" for a mixed one. */
function bitsLabel(spec: SubnetSpec): string {
  const others = Object.values(spec.bitsByLayer ?? {});
  return others.length ? `${spec.bits}, ${others.length} layers at ${[...new Set(others)].sort((a, b) => b - a).join(' / ')}` : `${spec.bits}`;
}

const mixedBits = mixedSpecs.map((s) => weightsWidth(s));
const allBits = [...new Set([...list(values['acc-bits']!), ...list(values['size-bits']!), ...mixedBits])].sort((a, b) => b - a);
for (const bits of allBits) {
  const checkpoint = checkpointFor(bits);
  const loaded = loadSupernet(checkpoint);
  const net: ElasticSupernet = loaded.net;
  task ??= loaded.task === 'segmentation' ? await segmentationData(loaded) : await classificationData();
  const data = task;
  const bn = data.bn;
  const size = data.imageSize ? { imageSize: data.imageSize } : {};
  try {
    const named = subnets.map((which) => ({
      which: which as string, spec: SUBNETS[which](net.space, bits), acc: list(values['acc-bits']!).includes(bits), size: list(values['size-bits']!).includes(bits),
    }));
    const mixed = mixedSpecs.flatMap((s, i) => (mixedBits[i] === bits ? [{ which: `mixed ${i + 1}`, spec: parseSubnetSpec(net.space, s), acc: true, size: true }] : []));
    for (const { which, spec, acc, size: sized } of [...named, ...mixed]) {
      const bitsText = bitsLabel(spec);
      const dir = join(values.out!, `${which.replace(' ', '-')}-${bits}bit`);
      const exportSpec = async (options: Omit<ExportOptions, 'net' | 'spec'>): Promise<ExportManifest> => {
        const sub = staticSubnet(loaded.net, spec, { bnImages: bn });
        try {
          return await exportSubnet({ net: sub, spec, ...options });
        } finally {
          sub.dispose();
        }
      };
      if (acc) {
        const appEval = evaluateSubnet(loaded.net, spec, data.eval).score; // re-estimates BN for spec
        const app = data.predict((images) => net.forward(images, EVAL));
        await exportSpec({ formats: ['tfjs', 'onnx', 'packed'], outDir: dir, ...size });
        const ortAll = await data.onnx(join(dir, 'model.onnx'), 'all');
        const ortNone = await data.onnx(join(dir, 'model.onnx'), 'disabled');
        const int4Dir = join(dir, 'int4');
        let ortInt4: number | undefined;
        if (bits <= 4) {
          await exportSpec({ formats: ['onnx'], outDir: int4Dir, onnxInt4: true, ...size });
          ortInt4 = (await data.onnx(join(int4Dir, 'model.onnx'), 'all')).score;
        }
        const tfjs = await tfjsPredictions(data, join(dir, 'model.json'));
        const row: AccuracyRow = {
          subnet: which, bits: bitsText, checkpoint, spec, app: data.score(app), appEval, ortAll: ortAll.score, ortNone: ortNone.score,
          ...(ortInt4 !== undefined ? { ortInt4 } : {}), tfjs: data.score(tfjs),
          agreeOrtAll: agree(app, ortAll.predictions), agreeOrtNone: agree(app, ortNone.predictions), agreeTfjs: agree(app, tfjs), ortSeconds: ortAll.seconds,
        };
        accuracy.push(row);
        log(`${which} ${bitsText}-bit: app ${pct(row.appEval)}% (recount ${pct(row.app)}%) | onnxruntime ${pct(row.ortAll)}% (same class ${pct(row.agreeOrtAll)}%), no opt. ${pct(row.ortNone)}% (${pct(row.agreeOrtNone)}%)${ortInt4 !== undefined ? `, int4 ${pct(ortInt4)}%` : ''} | tfjs ${pct(row.tfjs)}% (${pct(row.agreeTfjs)}%)`);
      }
      if (sized) {
        const m = await exportSpec({ formats: ['packed'], outDir: join(dir, 'packed'), ...size });
        const f = m.figures;
        sizes.push({ subnet: which, bits: bitsText, params: f.params, floatBytes: f.floatBytes, resampleBytes: f.resampleBytes, packedWeightsBytes: f.packedWeightsBytes, packedFloatBytes: f.packedFloatBytes, packedSpecBytes: f.packedSpecBytes, compression: f.compression });
        log(`${which} ${bitsText}-bit: ${f.params} params, float ${f.floatBytes} B, packed ${f.packedWeightsBytes} B + spec ${f.packedSpecBytes} B (x${f.compression.toFixed(2)})`);
      }
    }
  } finally {
    net.dispose();
  }
}
for (const t of task?.bn ?? []) t.dispose();

const metric = task?.metric ?? 'top-1';
const same = metric === 'mIoU' ? 'same class per pixel' : 'same class';
console.log(`\n| subnet | bits | in-app ${metric} % | ONNX int8 QDQ, onnxruntime % | Δ points | ${same} as app % | onnxruntime, no graph opt. % | ONNX int4 QDQ (opset 21) % | tfjs graph model % | ${same} % |`);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of accuracy) {
  const d = (x: number): string => `${x - r.appEval >= 0 ? '+' : ''}${(100 * (x - r.appEval)).toFixed(2)}`;
  console.log(`| ${r.subnet} | ${r.bits} | ${pct(r.appEval)} | ${pct(r.ortAll)} | ${d(r.ortAll)} | ${pct(r.agreeOrtAll)} | ${pct(r.ortNone)} | ${r.ortInt4 !== undefined ? pct(r.ortInt4) : '–'} | ${pct(r.tfjs)} | ${pct(r.agreeTfjs)} |`);
}
console.log('\n| subnet | bits | params | float32 bytes | of which upsampling weights | packed weights bytes | of which float32 (BN, biases) | spec JSON bytes | compression (float / packed weights) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of sizes) console.log(`| ${r.subnet} | ${r.bits} | ${r.params} | ${r.floatBytes} | ${r.resampleBytes} | ${r.packedWeightsBytes} | ${r.packedFloatBytes} | ${r.packedSpecBytes} | ${r.compression.toFixed(2)} |`);
if (values.json) writeFileSync(values.json, JSON.stringify({ metric, testItems: task?.count, accuracy, sizes }, null, 2));
log('done');
process.exit(0);
