import { jsonOption, type CommandSpec } from './command';

/**
 * Every command, declared once: words, summary, options, examples. Each
 * implementation is imported only when its command runs, so `oqat --help`
 * stays instant and never loads TensorFlow.js.
 */
export const COMMANDS: readonly CommandSpec[] = [
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
      backend: { type: 'string', description: 'TensorFlow.js backend', choices: ['auto', 'tensorflow', 'wasm', 'cpu'], default: 'auto' },
      batch: { type: 'string', description: 'images per step', default: '64' },
      mode: { type: 'string', description: 'what to time', choices: ['train', 'infer'], default: 'train' },
      repeats: { type: 'string', description: 'timed steps (the median is reported)', default: '10' },
      threads: { type: 'string', description: 'wasm threads', default: 'all cores' },
      json: jsonOption,
    },
    examples: ['oqat bench train-step --backend wasm --mode train --json', 'oqat bench train-step --mode infer --batch 256'],
    run: async (o, _p, io) => (await import('./commands/bench-train-step')).benchTrainStep(o, io),
  },
];
