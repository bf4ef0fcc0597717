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
 *        [--source full|subset] [--test-limit 0] [--bn-images 2000] [--out DIR] [--json FILE]
 *
 * --ckpt: a supernet.ckpt, or a directory holding supernet-<b>bit.ckpt per bit
 * width (tools/bench/export-train-checkpoint.ts writes those); the checkpoint
 * trained last at b bits is used for b-bit subnets.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { floatBatches, loadFashionMnist, takeItems, type ImageDataset } from '@oqat/data';
import { initEngine, tf } from '@oqat/engine';
import {
  bnBatches, evaluateSubnet, EVAL, exportSubnet, INPUT_NORMALIZATION, largestSubnet, loadSupernet, middleSubnet, onnxAccuracy,
  smallestSubnet, tfjsFileHandler, type MobileNetV3Supernet, type SubnetSpec,
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

function checkpointFor(bits: number): string {
  const p = values.ckpt!;
  if (!statSync(p).isDirectory()) return p;
  const perBits = join(p, `supernet-${bits}bit.ckpt`);
  return existsSync(perBits) ? perBits : join(p, 'supernet.ckpt');
}

const t0 = performance.now();
const log = (s: string): void => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(5)}s] ${s}`);
await initEngine({ backend: 'wasm' });
const data = await loadFashionMnist({ source: values.source as 'full' });
const limit = Number(values['test-limit']);
const test: ImageDataset = limit > 0 && limit < data.test.count ? takeItems(data.test, Int32Array.from({ length: limit }, (_, i) => i)) : data.test;
const bn = bnBatches(data.train, Number(values['bn-images']), 100, 7);
log(`data: ${data.location.kind} (${test.count} test images), BN re-estimation on ${Number(values['bn-images'])} training images`);

/** The app's own per-image predictions of the active subnet (eval mode, BN already re-estimated). */
function appPredictions(net: MobileNetV3Supernet): Int32Array {
  const out = new Int32Array(test.count);
  let at = 0;
  for (const b of floatBatches(test, { batchSize: 500, seed: 0, shuffle: false, normalize: INPUT_NORMALIZATION })) {
    const p = tf.tidy(() => tf.argMax(net.forward(tf.tensor4d(b.images, [b.size, b.height, b.width, b.channels]), EVAL), 1).dataSync());
    out.set(p, at);
    at += b.size;
  }
  return out;
}

async function tfjsPredictions(modelJson: string): Promise<Int32Array> {
  const model = await tf.loadGraphModel(tfjsFileHandler(modelJson));
  const out = new Int32Array(test.count);
  let at = 0;
  for (const b of floatBatches(test, { batchSize: 500, seed: 0, shuffle: false, normalize: INPUT_NORMALIZATION })) {
    const p = tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(b.images, [b.size, b.height, b.width, b.channels])) as tf.Tensor, 1).dataSync());
    out.set(p, at);
    at += b.size;
  }
  model.dispose();
  return out;
}

const top1 = (p: Int32Array): number => p.reduce((a, v, i) => a + (v === test.labels[i] ? 1 : 0), 0) / test.count;
const agree = (a: Int32Array, b: Int32Array): number => a.reduce((n, v, i) => n + (v === b[i] ? 1 : 0), 0) / a.length;
const pct = (x: number): string => (100 * x).toFixed(2);

interface AccuracyRow {
  subnet: Which; bits: number; checkpoint: string; spec: SubnetSpec;
  app: number; appEval: number; ortAll: number; ortNone: number; ortInt4?: number; tfjs: number;
  agreeOrtAll: number; agreeOrtNone: number; agreeTfjs: number; ortSeconds: number;
}
interface SizeRow { subnet: Which; bits: number; params: number; floatBytes: number; packedWeightsBytes: number; packedFloatBytes: number; packedSpecBytes: number; compression: number }
const accuracy: AccuracyRow[] = [];
const sizes: SizeRow[] = [];

const allBits = [...new Set([...list(values['acc-bits']!), ...list(values['size-bits']!)])].sort((a, b) => b - a);
for (const bits of allBits) {
  const checkpoint = checkpointFor(bits);
  const loaded = loadSupernet(checkpoint);
  if (loaded.task !== 'classification') throw new Error(`${checkpoint}: export covers classification supernets only`);
  const { net } = loaded;
  try {
    for (const which of subnets) {
      const spec = SUBNETS[which](net.space, bits);
      const dir = join(values.out!, `${which}-${bits}bit`);
      if (list(values['acc-bits']!).includes(bits)) {
        const appEval = evaluateSubnet(net, spec, { bn, test, batchSize: 500 }).top1; // re-estimates BN for spec
        const app = appPredictions(net);
        await exportSubnet({ net, spec, formats: ['tfjs', 'onnx', 'packed'], outDir: dir, bnImages: bn });
        const ortAll = await onnxAccuracy(join(dir, 'model.onnx'), test, INPUT_NORMALIZATION, { optimization: 'all' });
        const ortNone = await onnxAccuracy(join(dir, 'model.onnx'), test, INPUT_NORMALIZATION, { optimization: 'disabled' });
        const int4Dir = join(dir, 'int4');
        let ortInt4: number | undefined;
        if (bits <= 4) {
          await exportSubnet({ net, spec, formats: ['onnx'], outDir: int4Dir, bnImages: bn, onnxInt4: true });
          ortInt4 = (await onnxAccuracy(join(int4Dir, 'model.onnx'), test, INPUT_NORMALIZATION)).top1;
        }
        const tfjs = await tfjsPredictions(join(dir, 'model.json'));
        const row: AccuracyRow = {
          subnet: which, bits, checkpoint, spec, app: top1(app), appEval, ortAll: ortAll.top1, ortNone: ortNone.top1,
          ...(ortInt4 !== undefined ? { ortInt4 } : {}), tfjs: top1(tfjs),
          agreeOrtAll: agree(app, ortAll.predictions), agreeOrtNone: agree(app, ortNone.predictions), agreeTfjs: agree(app, tfjs), ortSeconds: ortAll.seconds,
        };
        accuracy.push(row);
        log(`${which} ${bits}-bit: app ${pct(row.appEval)}% (recount ${pct(row.app)}%) | onnxruntime ${pct(row.ortAll)}% (same class ${pct(row.agreeOrtAll)}%), no opt. ${pct(row.ortNone)}% (${pct(row.agreeOrtNone)}%)${ortInt4 !== undefined ? `, int4 ${pct(ortInt4)}%` : ''} | tfjs ${pct(row.tfjs)}% (${pct(row.agreeTfjs)}%)`);
      }
      if (list(values['size-bits']!).includes(bits)) {
        const m = await exportSubnet({ net, spec, formats: ['packed'], outDir: join(dir, 'packed'), bnImages: bn });
        const f = m.figures;
        sizes.push({ subnet: which, bits, params: f.params, floatBytes: f.floatBytes, packedWeightsBytes: f.packedWeightsBytes, packedFloatBytes: f.packedFloatBytes, packedSpecBytes: f.packedSpecBytes, compression: f.compression });
        log(`${which} ${bits}-bit: ${f.params} params, float ${f.floatBytes} B, packed ${f.packedWeightsBytes} B + spec ${f.packedSpecBytes} B (x${f.compression.toFixed(2)})`);
      }
    }
  } finally {
    net.dispose();
  }
}
for (const t of bn) t.dispose();

console.log('\n| subnet | bits | in-app top-1 % | ONNX int8 QDQ, onnxruntime % | Δ points | same class as app % | onnxruntime, no graph opt. % | ONNX int4 QDQ (opset 21) % | tfjs graph model % | same class % |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of accuracy) {
  const d = (x: number): string => `${x - r.appEval >= 0 ? '+' : ''}${(100 * (x - r.appEval)).toFixed(2)}`;
  console.log(`| ${r.subnet} | ${r.bits} | ${pct(r.appEval)} | ${pct(r.ortAll)} | ${d(r.ortAll)} | ${pct(r.agreeOrtAll)} | ${pct(r.ortNone)} | ${r.ortInt4 !== undefined ? pct(r.ortInt4) : '–'} | ${pct(r.tfjs)} | ${pct(r.agreeTfjs)} |`);
}
console.log('\n| subnet | bits | params | float32 bytes | packed weights bytes | of which float32 (BN, biases) | spec JSON bytes | compression (float / packed weights) |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of sizes) console.log(`| ${r.subnet} | ${r.bits} | ${r.params} | ${r.floatBytes} | ${r.packedWeightsBytes} | ${r.packedFloatBytes} | ${r.packedSpecBytes} | ${r.compression.toFixed(2)} |`);
if (values.json) writeFileSync(values.json, JSON.stringify({ testImages: test.count, dataset: data.location.kind, accuracy, sizes }, null, 2));
log('done');
process.exit(0);
