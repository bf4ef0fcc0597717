/**
 * The onnxruntime preset's integer-graph requantizations in the app
 * (docs/benchmarks-export.md, "Training and evaluating what the integer graph
 * computes"): one subnet of a checkpoint at each --bits, its top-1 on the
 * test split
 *   - in the app as the b-bit network (the requantizations off, BN
 *     re-estimated without them) and the integer graph of that export;
 *   - in the app with the requantizations on (setIntegerRequant: what a
 *     network trained under `--preset onnxruntime` computes; BN re-estimated
 *     with them), and its integer ONNX export in the app's integer evaluator
 *     and in onnxruntime;
 *   - with --finetune-steps N: after N SGD steps of that subnet alone with the
 *     requantizations on (lr --lr, batch --batch, Nesterov 0.9, no decay,
 *     the checkpoint's label smoothing; the checkpoint is not
 *     written), the same three figures again.
 *
 *   node --import tsx tools/bench/integer-requant.ts --ckpt supernet.ckpt --spec SPEC.json
 *        [--bits 2,3,4] [--test-images 0] [--bn-images 1000] [--finetune-steps 0] [--lr 0.005] [--batch 64]
 *        [--out /tmp/oqat-integer-requant] [--json FILE]
 *
 * --spec: a SubnetSpec JSON file, or an export-report.json (its `subnet`).
 * A checkpoint trained without the preset is evaluated as if it had been
 * (its layers marked): the requantizations read its learned steps.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { floatBatches } from '@oqat/data';
import { initEngine, tf } from '@oqat/engine';
import { loadCheckpointEvalData } from '@oqat/jobs';
import { exportSubnet, integerSubnetAccuracy, onnxAccuracy } from '@oqat/export';
import {
  evaluateSubnet, labelLoss, loadSupernet, parseSubnetSpec, setIntegerRequant, SgdNesterov,
  staticSubnet, EVAL, TRAIN, type MobileNetV3Supernet, type SubnetSpec,
} from '@oqat/search';

const { values } = parseArgs({
  options: {
    ckpt: { type: 'string' },
    spec: { type: 'string' },
    bits: { type: 'string', default: '2,3,4' },
    'test-images': { type: 'string', default: '0' },
    'bn-images': { type: 'string', default: '1000' },
    'finetune-steps': { type: 'string', default: '0' },
    lr: { type: 'string', default: '0.005' },
    batch: { type: 'string', default: '64' },
    out: { type: 'string', default: '/tmp/oqat-integer-requant' },
    json: { type: 'string' },
  },
});
if (!values.ckpt || !values.spec) {
  console.error('integer-requant: pass --ckpt supernet.ckpt and --spec SPEC.json (a SubnetSpec or an export-report.json)');
  process.exit(2);
}
const t0 = performance.now();
const log = (s: string): void => console.error(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(5)}s] ${s}`);
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');
const loadAtStart = load();
await initEngine({ backend: 'wasm' });

const first = loadSupernet(values.ckpt);
const { test, bn, normalization, train } = await loadCheckpointEvalData(first.config, Number(values['test-images']), Number(values['bn-images']), 1);
const specJson = JSON.parse(readFileSync(values.spec, 'utf8')) as { subnet?: unknown };
first.net.dispose();

interface Figures {
  /** the app with the requantizations on */
  app: number;
  /** the integer graph of the export made after that evaluation, in the app's integer evaluator and in onnxruntime */
  integer: number;
  onnx: number;
  /** share of images where the app's class is the integer graph's */
  sameClass: number;
}
interface Row {
  bits: number;
  /** the b-bit app (requantizations off) and the integer graph of its export */
  plain: { app: number; integer: number };
  hook: Figures;
  finetuned?: Figures & { steps: number; lr: number; batch: number; plainApp: number; seconds: number };
}
const rows: Row[] = [];

async function figures(net: MobileNetV3Supernet, spec: SubnetSpec, dir: string): Promise<Figures> {
  // evaluateSubnet leaves the subnet active with its re-estimated BN: the export and the agreement below read that state
  const app = evaluateSubnet(net, spec, { bn, test, batchSize: 500, normalization }).top1;
  const sub = staticSubnet(net, spec); // BN as that evaluation re-estimated it
  try {
    await exportSubnet({ net: sub, spec, formats: ['onnx'], outDir: dir, normalization, onnxMode: 'integer' });
    const integer = integerSubnetAccuracy(sub, test, normalization);
    const onnx = (await onnxAccuracy(join(dir, 'model.onnx'), test, normalization)).top1;
    // the share of test images on which the app (the subnet still active, its BN as evaluated) predicts the integer graph's class
    let same = 0;
    let seen = 0;
    for (const b of floatBatches(test, { batchSize: 250, seed: 0, shuffle: false, normalize: normalization })) {
      const best = tf.tidy(() => tf.argMax(net.forward(tf.tensor4d(b.images, [b.size, b.height, b.width, b.channels]), EVAL), 1).dataSync());
      for (let i = 0; i < b.size; i++) if (best[i] === integer.predictions[seen + i]) same++;
      seen += b.size;
    }
    return { app, integer: integer.top1, onnx, sameClass: same / seen };
  } finally {
    sub.dispose();
  }
}

/** N SGD steps of one subnet (BN in training mode, the requantizations on). */
function finetune(net: MobileNetV3Supernet, spec: SubnetSpec, steps: number, lr: number, batch: number, smoothing: number): void {
  const params = net.params();
  const vars = params.map((p) => p.variable);
  const sgd = new SgdNesterov({ momentum: 0.9, nesterov: true, weightDecay: 0 });
  net.setActive(spec);
  let step = 0;
  for (let epoch = 0; step < steps; epoch++) {
    for (const b of floatBatches(train, { batchSize: batch, seed: 7, epoch, normalize: normalization })) {
      if (step >= steps) break;
      const loss = tf.tidy(() => {
        const images = tf.tensor4d(b.images, [b.size, b.height, b.width, b.channels]);
        const labels = tf.tensor1d(b.labels, 'int32');
        const { value, grads } = tf.variableGrads(() => labelLoss(net.forward(images, TRAIN), labels, smoothing) as tf.Scalar, vars);
        const byName = new Map(params.flatMap((p) => (grads[p.variable.name] ? [[p.name, grads[p.variable.name]!] as const] : [])));
        sgd.apply(params.filter((p) => byName.has(p.name)), byName, lr);
        return value.dataSync()[0]!;
      });
      step++;
      if (step % 25 === 0 || step === steps) log(`finetune step ${step}/${steps}: loss ${loss.toFixed(4)}`);
    }
  }
}

mkdirSync(values.out!, { recursive: true });
for (const bits of values.bits!.split(',').map(Number)) {
  const loaded = loadSupernet(values.ckpt); // a fresh copy per width: the finetune changes the weights
  const net = loaded.net as MobileNetV3Supernet;
  const spec = { ...parseSubnetSpec(net.space, specJson.subnet ?? specJson), bits, bitsByLayer: undefined } as SubnetSpec;
  const layers = [...net.layerQuants.values()];
  try {
    setIntegerRequant(layers, false);
    const plainApp = evaluateSubnet(net, spec, { bn, test, batchSize: 500, normalization }).top1;
    const plainSub = staticSubnet(net, spec);
    const plainInteger = integerSubnetAccuracy(plainSub, test, normalization).top1;
    plainSub.dispose();
    log(`${bits} bit: b-bit app ${(plainApp * 100).toFixed(1)} %, its integer graph ${(plainInteger * 100).toFixed(1)} %`);
    setIntegerRequant(layers, true);
    const hook = await figures(net, spec, join(values.out!, `${bits}-bit`));
    log(`${bits} bit, requantizations on: app ${(hook.app * 100).toFixed(1)} %, integer graph ${(hook.integer * 100).toFixed(1)} %, onnxruntime ${(hook.onnx * 100).toFixed(1)} %, same class as the integer graph ${(hook.sameClass * 100).toFixed(1)} %`);
    const row: Row = { bits, plain: { app: plainApp, integer: plainInteger }, hook };
    const steps = Number(values['finetune-steps']);
    if (steps > 0) {
      const start = performance.now();
      const lr = Number(values.lr);
      const batch = Number(values.batch);
      finetune(net, spec, steps, lr, batch, loaded.config.optimizer.labelSmoothing);
      const seconds = (performance.now() - start) / 1000;
      const after = await figures(net, spec, join(values.out!, `${bits}-bit-finetuned`));
      setIntegerRequant(layers, false);
      const plainAfter = evaluateSubnet(net, spec, { bn, test, batchSize: 500, normalization }).top1;
      row.finetuned = { ...after, steps, lr, batch, plainApp: plainAfter, seconds };
      log(`${bits} bit after ${steps} steps (${seconds.toFixed(0)} s): app ${(after.app * 100).toFixed(1)} %, integer ${(after.integer * 100).toFixed(1)} %, onnxruntime ${(after.onnx * 100).toFixed(1)} % (b-bit app ${(plainAfter * 100).toFixed(1)} %)`);
    }
    rows.push(row);
  } finally {
    net.dispose();
  }
}

const pct = (v: number): string => (v * 100).toFixed(1);
console.log(`test images ${test.count}; load ${loadAtStart} at start, ${load()} at end; ${((performance.now() - t0) / 1000).toFixed(0)} s`);
console.log('| bits | b-bit app % | its integer graph % | app with the requantizations % | integer graph (evaluator) % | onnxruntime % | app − onnxruntime | same class app / integer graph % |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.bits} | ${pct(r.plain.app)} | ${pct(r.plain.integer)} | ${pct(r.hook.app)} | ${pct(r.hook.integer)} | ${pct(r.hook.onnx)} | ${((r.hook.app - r.hook.onnx) * 100).toFixed(1)} | ${pct(r.hook.sameClass)} |`);
}
if (rows.some((r) => r.finetuned)) {
  console.log('\n| bits | finetune | app with the requantizations % | integer graph % | onnxruntime % | b-bit app % |');
  console.log('|---:|---|---:|---:|---:|---:|');
  for (const r of rows) {
    const f = r.finetuned;
    if (f) console.log(`| ${r.bits} | ${f.steps} steps, batch ${f.batch}, lr ${f.lr} (${f.seconds.toFixed(0)} s) | ${pct(f.app)} | ${pct(f.integer)} | ${pct(f.onnx)} | ${pct(f.plainApp)} |`);
  }
}
if (values.json) writeFileSync(values.json, JSON.stringify({ load: { start: loadAtStart, end: load() }, images: test.count, rows }, null, 2));
