// Top-1 of one subnet of a supernet checkpoint on the ABFP analog device
// (packages/quant/src/analog) at several ADC bits / gain / noise settings,
// beside its digital top-1. BN is re-estimated once; every device setting
// runs the same static subnet over the same test images. Prints a markdown table.
//
//   npx tsx tools/bench/analog-sweep.ts --checkpoint supernet.ckpt [--subnet largest] [--bits 4]
//     [--test-images 1000] [--bn-images 2000] [--settings "adc=8,gain=1;adc=8,gain=8,noise=0.004"] [--seeds 1]
import { initEngine } from '@oqat/engine';
import { loadCheckpointEvalData, NAMED_SUBNETS, type NamedSubnet } from '@oqat/jobs';
import { analogDevice, type AnalogDevice } from '@oqat/quant';
import { classifyOnDevice, evaluateSubnet, loadSupernet, MobileNetV3Supernet, staticSubnet } from '@oqat/search';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const KEYS: Record<string, keyof AnalogDevice> = { adc: 'adcBits', dac: 'inputBits', w: 'weightBits', gain: 'gain', noise: 'noise', n: 'blockSize' };
const DEFAULT_SETTINGS = [
  'adc=32,dac=32,w=32,gain=1', 'adc=8,gain=1', 'adc=8,gain=2', 'adc=8,gain=4', 'adc=8,gain=8', 'adc=8,gain=16',
  'adc=6,gain=1', 'adc=6,gain=8', 'adc=8,gain=8,noise=0.002', 'adc=8,gain=8,noise=0.004', 'adc=8,gain=8,noise=0.01', 'adc=8,gain=1,noise=0.004',
].join(';');

function parseSetting(text: string): Partial<AnalogDevice> {
  return Object.fromEntries(text.split(',').map((kv) => {
    const [k, v] = kv.split('=');
    const key = KEYS[k!.trim()];
    if (!key) throw new Error(`unknown setting '${k}' (${Object.keys(KEYS).join(', ')})`);
    return [key, Number(v)];
  }));
}

const started = performance.now();
const engine = await initEngine({ backend: 'auto' });
const checkpoint = arg('checkpoint', '');
const { net, config } = loadSupernet(checkpoint);
if (!(net instanceof MobileNetV3Supernet)) throw new Error('a classification checkpoint is needed');
const subnetName = arg('subnet', 'largest') as NamedSubnet;
const spec = NAMED_SUBNETS[subnetName](net.space, Number(arg('bits', '4')));
const { test, bn, normalization } = await loadCheckpointEvalData(config, Number(arg('test-images', '1000')), Number(arg('bn-images', '2000')), 0);
const digital = evaluateSubnet(net, spec, { bn, test, batchSize: 500, normalization });
const stat = staticSubnet(net, spec);
const seeds = Number(arg('seeds', '1'));
const rows: string[] = [
  `| device | tile n | DAC / weight / ADC bits | gain G | noise (share of n) | top-1 | Δ vs digital |`,
  '|---|---:|---|---:|---:|---:|---:|',
];
for (const text of arg('settings', DEFAULT_SETTINGS).split(';')) {
  const d = analogDevice(parseSetting(text));
  const runs = Array.from({ length: d.noise > 0 ? seeds : 1 }, (_, s) => classifyOnDevice(stat, { test, batchSize: 500, normalization }, d, s).top1);
  const top1 = runs.reduce((a, b) => a + b, 0) / runs.length;
  const spread = runs.length > 1 ? ` (${runs.map((r) => (100 * r).toFixed(1)).join(' / ')})` : '';
  rows.push(`| analog | ${d.blockSize} | ${d.inputBits} / ${d.weightBits} / ${d.adcBits} | ${d.gain} | ${d.noise} | ${(100 * top1).toFixed(2)} %${spread} | ${(100 * (top1 - digital.top1)).toFixed(2)} |`);
  process.stderr.write(`${rows.at(-1)}\n`);
}
const header = `${checkpoint}: ${subnetName} subnet at ${spec.bits} bit, digital top-1 ${(100 * digital.top1).toFixed(2)} % on ${digital.images} test images`;
process.stdout.write(`${header}\n\n${rows.join('\n')}\n\n${engine.backend}, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
stat.dispose();
net.dispose();
for (const t of bn) t.dispose();
