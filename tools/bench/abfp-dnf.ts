// DNF (Differential Noise Finetuning, ABFP paper) against plain finetuning
// of the same quantized subnet on the same budget, both measured on the
// analog device (packages/quant/src/analog). The subnet of a supernet
// checkpoint is extracted as a static network (BN re-estimated), measured
// before, then finetuned twice from the same weights for --steps steps:
// plain (QAT at its frozen quantizer steps, float products) and DNF (float
// products plus the device's per-channel differential noise, re-measured
// every --refresh steps). Prints a markdown table.
//
//   node --import tsx tools/bench/abfp-dnf.ts --checkpoint supernet.ckpt [--subnet largest] [--bits 4]
//     [--steps 100] [--lr 0.005] [--batch 32] [--test-images 1000] [--calib-images 64] [--refresh 25]
//     [--device "adc=8,gain=8,noise=0.01"] [--seed 1]
import { floatBatches, takeItems, type ImageDataset, type Normalization } from '@oqat/data';
import { initEngine, tf } from '@oqat/engine';
import { NAMED_SUBNETS, type NamedSubnet } from '@oqat/jobs';
import { analogDevice, type AnalogDevice } from '@oqat/quant';
import {
  bnBatches, classifyOnDevice, finetuneStatic, inputNormalization, loadClassificationData, loadSupernet, MobileNetV3Supernet, staticSubnet, type StaticMobileNet,
} from '@oqat/search';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const num = (name: string, fallback: number): number => Number(arg(name, String(fallback)));

const KEYS: Record<string, keyof AnalogDevice> = { adc: 'adcBits', dac: 'inputBits', w: 'weightBits', gain: 'gain', noise: 'noise', n: 'blockSize' };
function parseDevice(text: string): AnalogDevice {
  return analogDevice(Object.fromEntries(text.split(',').map((kv) => {
    const [k, v] = kv.split('=');
    if (!KEYS[k!.trim()]) throw new Error(`unknown device setting '${k}' (${Object.keys(KEYS).join(', ')})`);
    return [KEYS[k!.trim()]!, Number(v)];
  })));
}

const started = performance.now();
const engine = await initEngine({ backend: 'auto' });
const checkpoint = arg('checkpoint', '');
const { net, config } = loadSupernet(checkpoint);
if (!(net instanceof MobileNetV3Supernet)) throw new Error('a classification checkpoint is needed');
const spec = NAMED_SUBNETS[arg('subnet', 'largest') as NamedSubnet](net.space, num('bits', 4));
const data = await loadClassificationData(config.data);
const normalization: Normalization = inputNormalization(config);
const testCount = Math.min(num('test-images', 1000), data.test.count);
const test: ImageDataset = takeItems(data.test, Int32Array.from({ length: testCount }, (_, i) => i));
const bn = bnBatches(data.train, config.data.bnImages, 250, 0, normalization);
const stat = staticSubnet(net, spec, { bnImages: bn });
net.dispose();
for (const t of bn) t.dispose();

const device = parseDevice(arg('device', 'adc=8,gain=8,noise=0.01'));
const seed = num('seed', 1);
const evalData = { test, batchSize: 500, normalization };
/** Top-1 on tf's float kernels (the network's own fake quantizers only). */
function digitalTop1(s: StaticMobileNet): number {
  let correct = 0;
  for (const b of floatBatches(test, { batchSize: 250, seed: 0, shuffle: false, normalize: normalization })) {
    correct += tf.tidy(() => {
      const logits = s.forward(tf.tensor4d(b.images, [b.size, b.height, b.width, b.channels]));
      return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.tensor1d(b.labels, 'int32')), 'int32')).dataSync()[0]!;
    });
  }
  return correct / test.count;
}
const measure = (s: StaticMobileNet): { digital: number; analog: number } => ({
  digital: digitalTop1(s),
  analog: classifyOnDevice(s, evalData, device, seed).top1,
});
const rows: string[] = [];
const row = (name: string, m: { digital: number; analog: number }, extra: string): void => {
  rows.push(`| ${name} | ${(100 * m.digital).toFixed(2)} % | ${(100 * m.analog).toFixed(2)} % | ${extra} |`);
  process.stderr.write(`${rows.at(-1)}\n`);
};
row('before finetuning', measure(stat), '');
const steps = num('steps', 100);
const common = { steps, lr: num('lr', 0.005), batchSize: num('batch', 32), seed };
const plain = await finetuneStatic(stat, data.train, normalization, common);
row(`plain finetuning (QAT at the frozen steps), ${steps} steps`, measure(plain.net), `${plain.seconds.steps.toFixed(0)} s training, last-10 loss ${(plain.losses.slice(-10).reduce((a, b) => a + b, 0) / 10).toFixed(3)}`);
plain.net.dispose();
const refresh = num('refresh', 25);
const dnf = await finetuneStatic(stat, data.train, normalization, { ...common, dnf: { device, calibrationImages: num('calib-images', 64), refreshSteps: refresh } });
row(`DNF, ${steps} steps (noise re-measured every ${refresh})`, measure(dnf.net), `${dnf.seconds.steps.toFixed(0)} s training + ${dnf.seconds.calibration.toFixed(0)} s measuring, last-10 loss ${(dnf.losses.slice(-10).reduce((a, b) => a + b, 0) / 10).toFixed(3)}`);
dnf.net.dispose();
stat.dispose();
const d = device;
process.stdout.write(`${checkpoint}: ${arg('subnet', 'largest')} subnet at ${spec.bits} bit, ${testCount} test images; device: tile ${d.blockSize}, DAC ${d.inputBits} / weights ${d.weightBits} / ADC ${d.adcBits} bits, gain ${d.gain}, noise ${d.noise}\n\n`);
process.stdout.write(`| network | digital top-1 | analog top-1 | cost |\n|---|---:|---:|---|\n${rows.join('\n')}\n\n${engine.backend}, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
