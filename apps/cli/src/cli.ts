// The run defaults' data-only module: help shows them without loading TensorFlow.js.
import { DEFAULT_RUN_CONFIG as D } from '@oqat/jobs/run-defaults';
import { jsonOption, type CommandSpec, type OptionSpec } from './command';
import { dbOption } from './open-studio';

const trainOptions: Record<string, OptionSpec> = {
  task: { type: 'string', description: 'classification (Fashion-MNIST) or segmentation (scenes of Fashion-MNIST items, mIoU)', choices: ['classification', 'segmentation'], default: D.task },
  config: { type: 'string', description: 'a JSON run config (the New run form of the app); flags override it' },
  dataset: { type: 'string', description: 'Fashion-MNIST copy', choices: ['auto', 'subset', 'full'], default: D.dataset },
  space: { type: 'string', description: 'search space', choices: ['fashion-mnist', 'ofa-mbv3'], default: D.space },
  bits: { type: 'string', description: 'bit chain, trained first then inherited down', default: D.bitsChain.join(',') },
  'epochs-float': { type: 'string', description: 'float warm-up epochs (the largest subnet alone)', default: String(D.epochs.float) },
  epochs: { type: 'string', description: 'epochs at the first bit width', default: String(D.epochs.first) },
  'epochs-inherited': { type: 'string', description: 'epochs at each inherited width', default: String(D.epochs.inherited) },
  'limit-train': { type: 'string', description: 'training images per epoch, 0 = all (quick runs)', default: String(D.limitTrainImages) },
  'eval-images': { type: 'string', description: 'test images evaluated at phase ends, 0 = all', default: String(D.evalImages) },
  batch: { type: 'string', description: 'images per training step', default: String(D.batchSize) },
  'random-subnets': { type: 'string', description: 'random subnets per sandwich step besides the largest and smallest', default: String(D.randomSubnets) },
  devices: { type: 'string', description: 'devices searched after training (cpu,cpu-ort,xavier,fpga)', default: D.devices.join(',') },
  'no-search': { type: 'boolean', description: 'train only' },
};
const searchOptions: Record<string, OptionSpec> = {
  'max-latency': { type: 'string', description: 'latency limit in ms on the searched device' },
  generations: { type: 'string', description: 'evolution generations per device', default: String(D.generations) },
  population: { type: 'string', description: 'candidates per generation', default: String(D.population) },
  'latency-samples': { type: 'string', description: 'subnets timed here to fit the cpu predictors (cached per space)', default: String(D.latencySamples) },
  'per-layer-bits': { type: 'boolean', description: 'mutate each layer\'s bits (mixed precision), not one width per subnet' },
};
const common: Record<string, OptionSpec> = {
  backend: { type: 'string', description: 'TensorFlow.js backend', choices: ['auto', 'tensorflow', 'wasm', 'cpu'], default: D.backend },
  seed: { type: 'string', description: 'the same seed gives the same run', default: String(D.seed) },
  db: dbOption,
  json: jsonOption,
};

/**
 * Every command, declared once: words, summary, options, examples. Each
 * implementation is imported only when its command runs, so `oqat --help`
 * stays instant and never loads TensorFlow.js.
 */
export const COMMANDS: readonly CommandSpec[] = [
  {
    path: ['train'],
    summary: 'train a quantized once-for-all supernet (4→3→2 bit by inheritance), then search the chosen devices',
    options: { ...trainOptions, ...searchOptions, ...common },
    examples: ['oqat train --dataset full --bits 4,3,2 --epochs 8', 'oqat train --dataset subset --limit-train 1024 --epochs 1 --no-search'],
    run: async (o, _p, io) => (await import('./commands/start-runs')).train(o, io),
  },
  {
    path: ['search'],
    summary: 'search a trained supernet for the accuracy/latency Pareto front of each device',
    options: {
      run: { type: 'string', description: 'the training run whose supernet is searched' },
      checkpoint: { type: 'string', description: 'or a supernet.ckpt file' },
      device: { type: 'string', description: 'devices, comma-separated', default: D.devices.join(',') },
      ...searchOptions,
      ...common,
    },
    examples: ['oqat search --run 20261123-101500-abc123 --device fpga --max-latency 0.5', 'oqat search --checkpoint supernet.ckpt --device xavier --json'],
    run: async (o, _p, io) => (await import('./commands/start-runs')).search(o, io),
  },
  {
    path: ['demo'],
    summary: 'the whole pipeline on the shipped data in minutes: train 4→3→2 bit, search cpu/xavier/fpga',
    options: { ...common },
    examples: ['oqat demo', 'oqat demo --db /tmp/demo.db --json'],
    run: async (o, _p, io) => (await import('./commands/demo')).demo(o, io),
  },
  {
    path: ['eval'],
    summary: 'measure one subnet of a trained supernet on the test split: top-1, loss, MACs, params, bytes, BitOPs',
    options: {
      checkpoint: { type: 'string', description: 'a supernet.ckpt file …' },
      run: { type: 'string', description: '… or the training run that wrote it' },
      subnet: { type: 'string', description: 'largest, middle, smallest, or a SubnetSpec JSON file', default: 'largest' },
      bits: { type: 'string', description: 'bit width (a trained one); default: the lowest trained' },
      'test-images': { type: 'string', description: 'test images measured, 0 = all', default: '0' },
      'bn-images': { type: 'string', description: 'training images for BN re-estimation', default: '2000' },
      backend: common.backend!,
      seed: common.seed!,
      db: dbOption,
      json: jsonOption,
    },
    examples: ['oqat eval --checkpoint supernet.ckpt --subnet smallest --bits 2', 'oqat eval --run 20261123-101500-abc123 --subnet subnet.json --json'],
    run: async (o, _p, io) => (await import('./commands/eval')).evalCommand(o, io),
  },
  {
    path: ['export'],
    summary: 'export a searched candidate (or any subnet) as a tfjs model, ONNX with QDQ and bit-packed weights',
    options: {
      run: { type: 'string', description: 'a search run' },
      candidate: { type: 'string', description: "a candidate id of that run (see 'oqat runs show RUN')" },
      subnet: { type: 'string', description: 'or a SubnetSpec JSON file …' },
      checkpoint: { type: 'string', description: '… of this supernet checkpoint' },
      format: { type: 'string', description: 'formats, comma-separated', default: 'tfjs,onnx,packed' },
      out: { type: 'string', description: 'output folder' },
      overwrite: { type: 'boolean', description: 'write into a folder that already holds files (refused otherwise)' },
      db: dbOption,
      json: jsonOption,
    },
    examples: ['oqat export --run 20261123-101500-abc123 --candidate 12 --out ./model', 'oqat export --subnet subnet.json --checkpoint supernet.ckpt --format onnx --out ./onnx'],
    run: async (o, _p, io) => (await import('./commands/export')).exportCommand(o, io),
  },
  {
    path: ['serve'],
    summary: 'serve the desktop app in a browser: its renderer and API over HTTP on loopback',
    options: {
      port: { type: 'string', description: 'TCP port (0 = any free one)', default: '4173' },
      host: { type: 'string', description: 'address to listen on', default: '127.0.0.1' },
      'allow-remote': { type: 'boolean', description: 'listen beyond loopback (the API still needs the printed token; Host/Origin must name this machine)' },
      'allow-host': { type: 'string', description: 'with --allow-remote: host names the page may be reached by, comma-separated' },
      db: dbOption,
    },
    examples: ['oqat serve', 'oqat serve --port 8080 --db ./runs.db'],
    run: async (o, _p, io) => (await import('./commands/serve')).serve(o, io),
  },
  {
    path: ['resume'],
    summary: 'continue an interrupted or cancelled run from its last checkpoint',
    positionals: ['run'],
    options: { db: dbOption, json: jsonOption },
    examples: ['oqat resume 20261123-101500-abc123'],
    run: async (o, p, io) => (await import('./commands/runs')).resume(o, p, io),
  },
  {
    path: ['runs', 'list'],
    summary: 'list every run in the store',
    options: { db: dbOption, json: jsonOption },
    examples: ['oqat runs list', 'oqat runs list --json | jq .status'],
    run: async (o, _p, io) => (await import('./commands/runs')).runsList(o, io),
  },
  {
    path: ['runs', 'show'],
    summary: "show a run: status, checkpoints, artifacts, and a search's fronts",
    positionals: ['run'],
    options: { db: dbOption, json: jsonOption },
    examples: ['oqat runs show 20261123-101500-abc123'],
    run: async (o, p, io) => (await import('./commands/runs')).runsShow(o, p, io),
  },
  {
    path: ['runs', 'rm'],
    summary: 'delete a run that is not running (its files are kept)',
    positionals: ['run'],
    options: { db: dbOption, json: jsonOption },
    examples: ['oqat runs rm 20261123-101500-abc123'],
    run: async (o, p, io) => (await import('./commands/runs')).runsRm(o, p, io),
  },
  {
    path: ['latency', 'profile'],
    summary: 'measure random subnets of a space on this machine (cpu: tfjs, cpu-ort: onnxruntime) into JSONL samples',
    options: {
      device: { type: 'string', description: 'device', choices: ['cpu', 'cpu-ort', 'xavier', 'fpga'] },
      space: { type: 'string', description: 'built-in space name or a space JSON file', default: 'fashion-mnist' },
      samples: { type: 'string', description: 'random subnets', default: '100' },
      out: { type: 'string', description: 'JSONL file of LatencySample rows' },
      backend: common.backend!,
      seed: common.seed!,
      json: jsonOption,
    },
    examples: ['oqat latency profile --device cpu --samples 400 --out cpu-train.jsonl'],
    run: async (o, _p, io) => (await import('./commands/latency')).latencyProfile(o, io),
  },
  {
    path: ['latency', 'fit'],
    summary: 'fit a latency predictor on samples and report its error on held-out samples',
    options: {
      train: { type: 'string', description: 'JSONL samples to fit on' },
      test: { type: 'string', description: 'JSONL samples to measure the error on' },
      model: { type: 'string', description: 'predictor', choices: ['lut', 'learned'], default: 'learned' },
      out: { type: 'string', description: 'write the fitted predictor (JSON) here' },
      json: jsonOption,
    },
    examples: ['oqat latency fit --train a.jsonl --test b.jsonl --model lut --json'],
    run: async (o, _p, io) => (await import('./commands/latency')).latencyFit(o, io),
  },
  {
    path: ['latency', 'predict'],
    summary: 'predict the latency of one subnet (SubnetSpec JSON or LayerDesc[] JSON) on a device',
    options: {
      device: { type: 'string', description: 'device', choices: ['cpu', 'cpu-ort', 'xavier', 'fpga'] },
      subnet: { type: 'string', description: 'a SubnetSpec JSON file (of --space) or a LayerDesc[] JSON file' },
      space: { type: 'string', description: 'built-in space name or a space JSON file', default: 'fashion-mnist' },
      predictor: { type: 'string', description: 'a fitted predictor (required for cpu and cpu-ort)' },
      json: jsonOption,
    },
    examples: ['oqat latency predict --device fpga --subnet subnet.json', 'oqat latency predict --device cpu --subnet net.json --predictor cpu.json'],
    run: async (o, _p, io) => (await import('./commands/latency')).latencyPredict(o, io),
  },
  {
    path: ['data', 'info'],
    summary: 'show which Fashion-MNIST copy is used and its counts per split and class',
    options: {
      source: { type: 'string', description: 'which copy', choices: ['auto', 'full', 'subset'], default: 'auto' },
      json: jsonOption,
    },
    examples: ['oqat data info', 'OQAT_DATA=~/fmnist oqat data info --json'],
    run: async (o, _p, io) => (await import('./commands/data-info')).dataInfo({ source: o.source as never, json: !!o.json }, io),
  },
  {
    path: ['data', 'fetch'],
    summary: "download the full Fashion-MNIST from the dataset's official host",
    options: {
      out: { type: 'string', description: 'folder to write the four IDX files to', default: '~/.cache/oqat/fashion-mnist' },
      json: jsonOption,
    },
    examples: ['oqat data fetch', 'oqat data fetch --out ./data && OQAT_DATA=./data oqat data info'],
    run: async (o, _p, io) => (await import('./commands/data-fetch')).dataFetch({ out: o.out as string | undefined, json: !!o.json }, io),
  },
  {
    path: ['bench', 'train-step'],
    summary: 'time training or inference of the reference net (32x32x1) on a backend',
    options: {
      backend: { type: 'string', description: 'TensorFlow.js backend', choices: ['auto', 'tensorflow', 'wasm', 'cpu'], default: D.backend },
      batch: { type: 'string', description: 'images per step', default: '64' },
      mode: { type: 'string', description: 'what to time', choices: ['train', 'infer'], default: 'train' },
      repeats: { type: 'string', description: 'timed steps (the median is reported)', default: '10' },
      threads: { type: 'string', description: 'wasm threads', default: 'all cores' },
      replicas: { type: 'string', description: 'train mode: data-parallel wasm replicas on worker threads', default: '1' },
      json: jsonOption,
    },
    examples: ['oqat bench train-step --backend wasm --mode train --json', 'oqat bench train-step --mode infer --batch 256'],
    run: async (o, _p, io) => (await import('./commands/bench-train-step')).benchTrainStep(o, io),
  },
];
