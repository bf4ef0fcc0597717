// A plain convnet (conv16-pool-conv32-pool-fc64-fc10, no batch norm) on Fashion-MNIST: float,
// then LSQ quantization-aware fine-tuning from the float weights at each bit
// width (weights and activations; first and last layer 8 bit), against the
// float net fine-tuned for the same number of epochs. Prints a markdown table.
//
//   npx tsx tools/bench/quant-convnet.ts [--train 12000] [--epochs 3] [--qepochs 2]
//     [--batch 64] [--lr 0.001] [--qlr 0.0005] [--bits 8,4,3,2] [--seed 1] [--backend wasm]
import { initEngine, tf, type Tensor, type Variable } from '@oqat/engine';
import { loadFashionMnist, selectBalanced, takeItems, tensorBatches, type ImageDataset } from '@oqat/data';
import { createRng, derive } from '@oqat/core';
import { Quantizer } from '@oqat/quant';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const trainCount = Number(arg('train', '12000'));
const floatEpochs = Number(arg('epochs', '3'));
const quantEpochs = Number(arg('qepochs', '2'));
const batchSize = Number(arg('batch', '64'));
const lr = Number(arg('lr', '0.001'));
const qlr = Number(arg('qlr', '0.0005'));
const bitList = arg('bits', '8,4,3,2').split(',').map(Number);
const seed = Number(arg('seed', '1'));
const backend = arg('backend', 'wasm') as 'wasm' | 'cpu';

type Params = Record<'w1' | 'b1' | 'w2' | 'b2' | 'w3' | 'b3' | 'wd' | 'bd', Variable>;

function initParams(s: number): Params {
  const he = (shape: number[], fanIn: number, i: number) =>
    tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', derive(s, 'init', i)));
  return tf.tidy(() => ({
    w1: he([3, 3, 1, 16], 9, 1),
    b1: tf.variable(tf.zeros([16])),
    w2: he([3, 3, 16, 32], 144, 2),
    b2: tf.variable(tf.zeros([32])),
    w3: he([7 * 7 * 32, 64], 7 * 7 * 32, 3),
    b3: tf.variable(tf.zeros([64])),
    wd: he([64, 10], 64, 4),
    bd: tf.variable(tf.zeros([10])),
  }));
}

function copyParams(p: Params): Params {
  return tf.tidy(() => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, tf.variable(v.clone())])) as Params);
}

/** One quantizer per weight and per layer input; first and last layer at 8 bits. */
interface Quantizers {
  w1: Quantizer; a1: Quantizer; w2: Quantizer; a2: Quantizer; w3: Quantizer; a3: Quantizer; wd: Quantizer; ad: Quantizer;
}

function makeQuantizers(bits: number): Quantizers {
  const w = (b: number) => new Quantizer({ bits: b, signed: true });
  const a = (b: number) => new Quantizer({ bits: b, signed: false, role: 'activation' });
  return { w1: w(8), a1: a(8), w2: w(bits), a2: a(bits), w3: w(bits), a3: a(bits), wd: w(8), ad: a(8) };
}

function forward(p: Params, x: Tensor, q?: Quantizers): Tensor {
  const qz = (t: Tensor, k: keyof Quantizers) => (q ? q[k].quantize(t) : t);
  let h = tf.relu(tf.add(tf.conv2d(qz(x, 'a1') as tf.Tensor4D, qz(p.w1, 'w1') as tf.Tensor4D, 1, 'same'), p.b1));
  h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
  h = tf.relu(tf.add(tf.conv2d(qz(h, 'a2') as tf.Tensor4D, qz(p.w2, 'w2') as tf.Tensor4D, 1, 'same'), p.b2));
  h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
  const flat = tf.reshape(h, [h.shape[0]!, 7 * 7 * 32]);
  const fc = tf.relu(tf.add(tf.matMul(qz(flat, 'a3') as tf.Tensor2D, qz(p.w3, 'w3') as tf.Tensor2D), p.b3));
  return tf.add(tf.matMul(qz(fc, 'ad') as tf.Tensor2D, qz(p.wd, 'wd') as tf.Tensor2D), p.bd);
}

function train(p: Params, data: ImageDataset, epochs: number, rate: number, phase: string, q?: Quantizers): void {
  const vars = [...Object.values(p), ...(q ? Object.values(q).flatMap((x) => x.variables()) : [])];
  const optimizer = tf.train.adam(rate);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const batch of tensorBatches(data, { batchSize, seed: derive(seed, phase), epoch, dropLast: true })) {
      optimizer.minimize(
        () =>
          tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(batch.labels, 10), forward(p, batch.images, q)) as tf.Scalar),
        false,
        vars,
      );
      tf.dispose([batch.images, batch.labels]);
    }
  }
  optimizer.dispose();
}

function accuracy(p: Params, data: ImageDataset, q?: Quantizers): number {
  let correct = 0;
  for (const batch of tensorBatches(data, { batchSize: 500, seed, shuffle: false })) {
    correct += tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(forward(p, batch.images, q), 1), batch.labels), 'int32')).dataSync()[0]!);
    tf.dispose([batch.images, batch.labels]);
  }
  return (100 * correct) / data.count;
}

const t0 = Date.now();
const info = await initEngine({ backend });
const fm = await loadFashionMnist({ source: 'full' });
const perClass = Math.floor(trainCount / 10);
const trainSet = takeItems(fm.train, selectBalanced(fm.train.labels, 10, perClass, createRng(derive(seed, 'subset'))));
const testSet = fm.test;
const seconds = () => ((Date.now() - t0) / 1000).toFixed(0);
const log = (m: string) => process.stderr.write(`[${seconds()} s] ${m}\n`);
log(`backend ${info.backend} (${info.threads} threads), train ${trainSet.count}, test ${testSet.count}`);

const base = initParams(seed);
train(base, trainSet, floatEpochs, lr, 'float');
const floatAcc = accuracy(base, testSet);
log(`float after ${floatEpochs} epochs: ${floatAcc.toFixed(2)} %`);

const rows: Array<[string, number, number]> = [];
const floatTuned = copyParams(base);
let t = Date.now();
train(floatTuned, trainSet, quantEpochs, qlr, 'finetune');
rows.push(['float (32)', accuracy(floatTuned, testSet), (Date.now() - t) / 1000]);
log(`float +${quantEpochs} epochs: ${rows[0]![1].toFixed(2)} %`);
tf.dispose(Object.values(floatTuned));

for (const bits of bitList) {
  t = Date.now();
  const p = copyParams(base);
  const q = makeQuantizers(bits);
  // First forward pass initialises every step (LSQ: 2·mean|x|/sqrt(Qp)) before the var list is built.
  const [first] = tensorBatches(trainSet, { batchSize: 256, seed, shuffle: false });
  tf.dispose(tf.tidy(() => forward(p, first!.images, q)));
  tf.dispose([first!.images, first!.labels]);
  const ptq = accuracy(p, testSet, q);
  train(p, trainSet, quantEpochs, qlr, 'finetune', q);
  const acc = accuracy(p, testSet, q);
  rows.push([`LSQ W${bits}/A${bits}`, acc, (Date.now() - t) / 1000]);
  log(`${bits} bit: LSQ-init only ${ptq.toFixed(2)} %, after ${quantEpochs} epochs ${acc.toFixed(2)} %`);
  tf.dispose(Object.values(p));
  Object.values(q).forEach((x) => x.dispose());
}

const ref = rows[0]![1];
const lines = [
  '| network | test accuracy % | vs float (pts) | fine-tune time s |',
  '|---|---:|---:|---:|',
  ...rows.map(([name, acc, secs]) => `| ${name} | ${acc.toFixed(2)} | ${name.startsWith('float') ? '—' : (acc - ref).toFixed(2)} | ${secs.toFixed(0)} |`),
];
process.stdout.write(
  `${lines.join('\n')}\n\nfloat pre-training: ${floatEpochs} epochs (${floatAcc.toFixed(2)} %); every row then fine-tunes ${quantEpochs} epochs from it. ` +
    `train ${trainSet.count} balanced images, test ${testSet.count}, batch ${batchSize}, Adam ${lr} / ${qlr}, seed ${seed}, ` +
    `backend ${info.backend} (${info.threads} threads), total ${seconds()} s\n`,
);
tf.dispose(Object.values(base));
process.exit(0);
