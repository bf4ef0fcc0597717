/**
 * The quantizer x deployment-preset table of docs/benchmarks-quant.md (issue
 * 17, MQBench's table on this project's pipeline): rows are the methods (lsq,
 * sq, dropbits, esb, abfp, pow2, mmse-ptq), columns each preset at 4 and 2
 * bits, cells the top-1 of ONE architecture (the default space's largest or
 * smallest subnet, trained alone as supernet-train.ts --alone does) after the
 * same budget: a float phase trained once per subnet, then, branching from
 * its checkpoint, one 4-bit epoch and one inherited 2-bit epoch of the
 * method under the preset's constraints (mmse-ptq: post-training, MSE-optimal
 * steps of the float subnet, no training). Then model bytes, and each
 * preset's latency device (tensorrt: xavier, vitis and fpga-esb: fpga, both
 * simulated; onnxruntime: cpu-ort, measured here). A cell the preset forbids
 * says why; a cell not run says why. Every finished run is kept as JSON in
 * --dir, so a rerun only does what is missing, and --render-only rewrites the
 * doc section from those files.
 *
 *   node --import tsx tools/bench/quant-table.ts --dir /tmp/quant-table
 *        [--subnets largest,smallest] [--cells default|all] [--render-only] [--doc docs/benchmarks-quant.md]
 *        [--train-images 1536 --test-images 500] [--runs lsq@none,abfp@none] [--float-only] [--until 09:20]
 *        [--why-not 'pow2@onnxruntime=the reason its cells were not run;...']
 *
 * The table sits between the markers below in the doc; the other sections of
 * the page are left as they are.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadFashionMnist, takeItems } from '@oqat/data';
import { initEngine } from '@oqat/engine';
import { lowerSubnet, profileNetworks, simulateNetwork, type SearchSpace } from '@oqat/latency';
import { ANALOG_DEFAULTS, getPreset, SQ_DEFAULT_RATIOS } from '@oqat/quant';
import {
  bnBatches, calibrateSubject, CHECKPOINT_FILE, largestSubnet, loadSupernet, parseTrainConfig, presetQuantizerProblem, ptqNetwork, ptqSubject,
  resolveSearchSpace, singleSubnetSpace, smallestSubnet, staticTop1, staticWeightBytes, train, type QuantizerKind, type RunPreset, type TrainEvent,
} from '@oqat/search';
import { derive } from '@oqat/core';

const START = '<!-- quant-table:start (tools/bench/quant-table.ts writes this section; edit the tool, not the text) -->';
const END = '<!-- quant-table:end -->';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '/tmp/quant-table' },
    subnets: { type: 'string', default: 'largest,smallest' },
    cells: { type: 'string', default: 'default' },
    'render-only': { type: 'boolean', default: false },
    'float-only': { type: 'boolean', default: false },
    // only these runs (method@preset, mmse-tensor, mmse-channel), e.g. to time one method
    runs: { type: 'string' },
    // start no run after this UTC time (HH:MM): the runs left say so in their cells
    until: { type: 'string' },
    // why a run without a result was not run, when it is not the time limit: 'run=reason;run=reason'
    'why-not': { type: 'string' },
    doc: { type: 'string', default: 'docs/benchmarks-quant.md' },
    backend: { type: 'string', default: 'wasm' },
    // The budget's data (a smoke test of the tool takes a few images: --train-images 64 --test-images 50).
    'train-images': { type: 'string', default: '1536' },
    'test-images': { type: 'string', default: '500' },
  },
});
const DIR = values.dir!;
const SUBNETS = values.subnets!.split(',') as Array<'largest' | 'smallest'>;
const BITS = [4, 2] as const;
const COLUMNS: RunPreset[] = ['none', 'tensorrt', 'onnxruntime', 'vitis', 'openvino', 'fpga-esb'];

/**
 * The budget, the same for every cell: the shipped subset's first 1,536
 * training images (48 steps of 32), 500 test images, 200 BN images; float 2
 * epochs (lr 0.2), then 4 bit 1 epoch (lr 0.03) and 2 bit 1 epoch inherited
 * from it (lr 0.03), the subnet alone.
 */
function baseConfig(which: 'largest' | 'smallest'): Record<string, unknown> {
  const space = resolveSearchSpace('fashion-mnist');
  return {
    seed: 1,
    space: singleSubnetSpace(space, (which === 'largest' ? largestSubnet : smallestSubnet)(space, 32)),
    data: { source: 'subset', trainLimit: Number(values['train-images']), testLimit: Number(values['test-images']), augment: false, bnImages: 200 },
    batchSize: 32,
    sandwich: { randomSubnets: 0, distill: false },
    phases: [{ bits: 32, epochs: 2, lr: 0.2, warmupEpochs: 0.1, subnets: 'largest' }],
    eval: { subnets: ['largest'], batchSize: 500 },
  };
}
const QUANTIZED_PHASES = [
  { bits: 4, epochs: 1, lr: 0.03, warmupEpochs: 0.1, subnets: 'largest' },
  { bits: 2, epochs: 1, lr: 0.03, subnets: 'largest' },
];

type Method = 'lsq' | 'sq' | 'dropbits' | 'esb' | 'abfp' | 'pow2' | 'mmse-ptq';
const METHODS: Method[] = ['lsq', 'sq', 'dropbits', 'esb', 'abfp', 'pow2', 'mmse-ptq'];
/** What each trained method sets in the training config (the rest: DEFAULT_TRAIN_CONFIG, its paper's defaults). */
const TRAINED: Record<Exclude<Method, 'mmse-ptq'>, { quantizer: QuantizerKind; sq?: { ratios: number[] } }> = {
  lsq: { quantizer: 'lsq' },
  sq: { quantizer: 'lsq', sq: { ratios: [...SQ_DEFAULT_RATIOS] } },
  dropbits: { quantizer: 'dropbits' },
  esb: { quantizer: 'esb' },
  abfp: { quantizer: 'abfp' },
  pow2: { quantizer: 'pow2' },
};
/** The runs of the default budget (method@preset); --cells all runs every allowed one. */
const DEFAULT_RUNS = new Set(['lsq@none', 'sq@none', 'dropbits@none', 'esb@none', 'abfp@none', 'pow2@none', 'lsq@tensorrt', 'lsq@onnxruntime', 'lsq@vitis', 'mmse-tensor', 'mmse-channel']);

/** What a table cell holds: the run whose figures it shows (and why it is shared), or why it is empty. */
type CellSource = { run: string; note?: string } | { forbidden: string } | { notRun: string };

function cellSource(method: Method, preset: RunPreset): CellSource {
  if (method === 'mmse-ptq') {
    if (preset === 'vitis') return { notRun: "MMSE's calibration (h17-mmse) takes no power-of-two constraint" };
    const channel = preset === 'tensorrt' || preset === 'onnxruntime' || preset === 'openvino';
    return { run: channel ? 'mmse-channel' : 'mmse-tensor', note: channel ? 'mmse-ptq with per-channel weight steps (the backend has them)' : 'mmse-ptq with per-tensor weight steps' };
  }
  const problem = presetQuantizerProblem(preset, TRAINED[method].quantizer);
  if (problem) return { forbidden: problem };
  // Presets whose training constraints equal another's share its runs (the export and device differ).
  if (preset === 'openvino') return { run: `${method}@tensorrt`, note: "tensorrt's run: the same training constraints" };
  if (preset === 'fpga-esb') return { run: `${method}@none`, note: "none's run: the same training constraints (per-tensor steps, unsigned after ReLU); the export (packed) differs" };
  if (preset === 'vitis' && method === 'pow2') return { run: 'lsq@vitis', note: "lsq@vitis's run: under vitis, lsq trains power-of-two steps" };
  return { run: `${method}@${preset}` };
}

interface RunResult {
  run: string;
  subnet: string;
  top1: Record<number, number>;
  modelBytes: Record<number, number>;
  trainSeconds: number;
  /** dropbits: the mean width the layers learned at each phase end */
  learnedBits?: Record<number, number>;
  /** the error that ended the run early (its widths without a figure say so) */
  error?: string;
  /** the run's wall time, step init and evaluations included */
  wallSeconds?: number;
}

const log = (s: string): void => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
const resultPath = (subnet: string, run: string): string => join(DIR, subnet, `${run}.json`);

/** Trains and returns its events; an error ends the run with the events so far and the error's message. */
function runTraining(config: Record<string, unknown>, dir: string, resumeFrom?: string): Promise<TrainEvent[] & { error?: string }> {
  mkdirSync(dir, { recursive: true });
  const parsed = parseTrainConfig({ ...config, checkpoint: { dir, everySteps: 0 } });
  if (resumeFrom) copyFileSync(resumeFrom, join(dir, CHECKPOINT_FILE));
  const events: TrainEvent[] & { error?: string } = [];
  return new Promise((resolve) => {
    train(parsed, { backend: values.backend as 'wasm', ...(resumeFrom ? { resumeFrom: join(dir, CHECKPOINT_FILE) } : {}) }).subscribe({
      next: (e) => {
        events.push(e);
        if (e.kind === 'eval') log(`  eval ${e.phase}: top-1 ${(100 * e.result.top1).toFixed(1)} %`);
        if (e.kind === 'phase-end') log(`  phase ${e.phase}: ${e.trainSeconds.toFixed(0)} s`);
      },
      error: (err: unknown) => {
        events.error = (err as Error).message;
        log(`  FAILED: ${events.error}`);
        resolve(events);
      },
      complete: () => resolve(events),
    });
  });
}

/** The subnet's float phase, once: its end state is every run's branch point. */
async function floatCheckpoint(subnet: 'largest' | 'smallest'): Promise<string> {
  const path = join(DIR, subnet, 'after-float.ckpt');
  if (existsSync(path)) return path;
  log(`${subnet}: float phase`);
  const dir = join(DIR, subnet, 'float');
  // Written by a DropBits supernet (its float phase trains the same weights as LSQ's): its checkpoint also holds the
  // DropBits layers' tensors, so a dropbits run branches from it too; the other quantizers ignore them.
  const events = await runTraining({ ...baseConfig(subnet), quantizer: 'dropbits' }, dir);
  if (events.error) throw new Error(`the float phase failed: ${events.error}`);
  const evalEvent = events.find((e) => e.kind === 'eval');
  copyFileSync(join(dir, CHECKPOINT_FILE), path);
  if (evalEvent?.kind === 'eval') writeFileSync(resultPath(subnet, 'float'), JSON.stringify({ run: 'float', subnet, top1: { 32: evalEvent.result.top1 }, modelBytes: { 32: evalEvent.result.modelBytes }, trainSeconds: 0 }));
  return path;
}

async function trainedRun(subnet: 'largest' | 'smallest', run: string): Promise<RunResult> {
  const [method, preset] = run.split('@') as [Exclude<Method, 'mmse-ptq'>, RunPreset];
  const from = await floatCheckpoint(subnet);
  log(`${subnet}: ${run}`);
  const base = baseConfig(subnet);
  const config = { ...base, ...TRAINED[method], preset, phases: [...(base.phases as object[]), ...QUANTIZED_PHASES] };
  const events = await runTraining(config, join(DIR, subnet, run.replace('@', '-')), from);
  const result: RunResult = { run, subnet, top1: {}, modelBytes: {}, trainSeconds: 0, ...(events.error ? { error: events.error } : {}) };
  for (const e of events) {
    if (e.kind === 'eval') {
      const bits = e.result.subnet.bits;
      result.top1[bits] = e.result.top1;
      result.modelBytes[bits] = e.result.modelBytes;
    }
    if (e.kind === 'phase-end') result.trainSeconds += e.trainSeconds;
    if (e.kind === 'learned-bits') (result.learnedBits ??= {})[Number(e.phase.replace('bit', ''))] = e.averageBits;
  }
  return result;
}

/** MMSE post-training quantization of the float subnet at 4 and 2 bits (MSE-optimal ranges, one tensor per layer). */
async function mmseRun(subnet: 'largest' | 'smallest', run: 'mmse-tensor' | 'mmse-channel'): Promise<RunResult> {
  const from = await floatCheckpoint(subnet);
  log(`${subnet}: ${run}`);
  const loaded = loadSupernet(from);
  if (loaded.task !== 'classification') throw new Error('quant-table: a classification checkpoint was expected');
  const { net, config } = loaded;
  const data = await loadFashionMnist({ source: config.data.source });
  const train = takeItems(data.train, Int32Array.from({ length: config.data.trainLimit }, (_, i) => i));
  const test = takeItems(data.test, Int32Array.from({ length: config.data.testLimit }, (_, i) => i));
  const normalization = config.data.normalization;
  const bn = bnBatches(train, config.data.bnImages, config.batchSize, derive(config.seed, 'bn'), normalization);
  const calibration = bnBatches(train, 256, 64, derive(config.seed, 'calibration'), normalization);
  const t0 = performance.now();
  const subject = ptqSubject(net, largestSubnet(net.space, 32), bn, calibration);
  const result: RunResult = { run, subnet, top1: {}, modelBytes: {}, trainSeconds: 0 };
  try {
    for (const bits of BITS) {
      const calibrated = calibrateSubject(subject, { bits, fixedBits: config.fixedBits, granularity: run === 'mmse-channel' ? 'channel' : 'tensor', calibration: 'mse' });
      const q = ptqNetwork(subject.float, calibrated.config);
      result.top1[bits] = staticTop1(q, test, normalization);
      result.modelBytes[bits] = staticWeightBytes(q);
      q.dispose();
      log(`  ${bits} bit: top-1 ${(100 * result.top1[bits]!).toFixed(1)} %`);
    }
  } finally {
    subject.dispose();
    [...bn, ...calibration].forEach((t) => t.dispose());
    net.dispose();
  }
  result.trainSeconds = (performance.now() - t0) / 1000;
  return result;
}

/** onnxruntime's latency of the subnet on this CPU (int8 QDQ kernels at <= 8 bits: the same at 4 and 2). */
async function ortLatency(subnet: 'largest' | 'smallest', space: SearchSpace): Promise<number> {
  const path = join(DIR, subnet, 'cpu-ort.json');
  if (existsSync(path)) return (JSON.parse(readFileSync(path, 'utf8')) as { latencyMs: number }).latencyMs;
  const [sample] = await profileNetworks({ device: 'cpu-ort', networks: [lowerSubnet(space, largestSubnet(space, 4))], perLayer: false });
  writeFileSync(path, JSON.stringify({ latencyMs: sample!.latencyMs }));
  return sample!.latencyMs;
}

function runsToDo(): Array<{ subnet: 'largest' | 'smallest'; run: string }> {
  const runs = new Set<string>();
  for (const method of METHODS) for (const preset of COLUMNS) {
    const s = cellSource(method, preset);
    if ('run' in s && (values.cells === 'all' || DEFAULT_RUNS.has(s.run)) && (!values.runs || values.runs.split(',').includes(s.run))) runs.add(s.run);
  }
  // The cheap smallest subnet first, whole; then the largest, its slow quantizers (ESB and ABFP grids on the host, SRQ:
  // several times LSQ's step and step-init time) last, so that a run cut short by --until keeps the rest.
  const slow = (run: string): boolean => /^(abfp|dropbits|esb)@/.test(run);
  const order = [...SUBNETS].sort((a, b) => (a === 'smallest' ? -1 : b === 'smallest' ? 1 : 0));
  return order.flatMap((subnet) => [false, true].flatMap((late) => [...runs].filter((r) => slow(r) === late).map((run) => ({ subnet, run }))));
}

function readResult(subnet: string, run: string): RunResult | undefined {
  const path = resultPath(subnet, run);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RunResult) : undefined;
}

const pct = (x: number): string => (100 * x).toFixed(1);
const whyNot = new Map((values['why-not'] ?? '').split(';').filter((e) => e.includes('=')).map((e) => [e.slice(0, e.indexOf('=')).trim(), e.slice(e.indexOf('=') + 1).trim()] as const));

function render(latency: Record<string, Record<string, number | undefined>>, spaces: Record<string, SearchSpace>): string {
  const out: string[] = [START, '', '## Every quantizer under every deployment preset (the table)', ''];
  out.push(
    'MQBench\'s question on this pipeline: each method trained on the same architecture with the same budget under each backend\'s',
    'constraints (`oqat train --preset`, `packages/quant/src/presets/`). Made by one command (its runs are kept in `--dir`; a rerun does what is missing):',
    '',
    '```sh',
    'nice -n 19 node --import tsx tools/bench/quant-table.ts --dir /tmp/quant-table --cells all',
    '```',
    '',
    'Without `--cells all` it runs the default budget\'s runs only (each method under none, lsq under tensorrt, onnxruntime and',
    'vitis, mmse-ptq); `--runs method@preset,...` and `--subnets largest` run a few, `--render-only` rewrites this section from `--dir`.',
    '',
    'Budget, the same for every cell: the shipped subset\'s first 1,536 training images (48 steps of 32), 500 test images, 200 BN',
    'images; each subnet (the default space\'s largest and smallest, trained alone) has ONE float phase (2 epochs, lr 0.2), and every',
    'trained cell branches from its checkpoint: 1 epoch at 4 bit (lr 0.03), then 1 epoch at 2 bit inherited from it (steps ×4,',
    'lr 0.03). So a cell has 48 quantized steps at 4 bit and 96 by 2 bit; a paper\'s figure needs hundreds of epochs, these only rank',
    'the methods on one budget (one seed: differences of a point or two are noise at 500 test images, ±2 points at 95 %).',
    'mmse-ptq is post-training: MSE-optimal steps of the float subnet (one tensor per layer, inputs per tensor), no training.',
    '',
    'Columns whose training constraints equal another\'s share its runs: openvino = tensorrt\'s (MQBench gives both the same',
    'schemes); fpga-esb = none\'s (per-tensor steps, unsigned after ReLU), vitis\' pow2 = vitis\' lsq (under vitis, lsq trains',
    'power-of-two steps).',
    '',
    ...presetSection(),
  );
  const notes = new Map<string, string>();
  const mark = (text: string): string => {
    if (!notes.has(text)) notes.set(text, String.fromCharCode(97 + notes.size));
    return notes.get(text)!;
  };
  for (const subnet of SUBNETS) {
    const float = readResult(subnet, 'float');
    out.push(`### ${subnet} subnet${float ? ` (float: ${pct(float.top1[32]!)} %)` : ''}`, '');
    out.push(`| top-1 % | ${COLUMNS.flatMap((c) => BITS.map((b) => `${c} ${b}b`)).join(' | ')} |`);
    out.push(`|---|${COLUMNS.flatMap(() => BITS.map(() => '---')).join('|')}|`);
    for (const method of METHODS) {
      const cells = COLUMNS.flatMap((preset) => {
        const s = cellSource(method, preset);
        if ('forbidden' in s) return BITS.map(() => `forbidden (${mark(`forbidden: ${s.forbidden}`)})`);
        if ('notRun' in s) return BITS.map(() => `not run (${mark(`not run: ${s.notRun}`)})`);
        const r = readResult(subnet, s.run);
        const why = whyNot.get(s.run);
        if (!r && why) return BITS.map(() => `not run (${mark(`not run: ${why}`)})`);
        if (!r) return BITS.map(() => `not run (${mark(values.cells === 'all' || DEFAULT_RUNS.has(s.run) ? `not run: the table run's time limit${values.until ? ` (${values.until} UTC)` : ''} came first (slow quantizers run last)` : 'not run: outside the default budget (--cells all runs it)')})`);
        return BITS.map((b) => {
          if (r.top1[b] === undefined) return r.error ? `failed (${mark(`failed: ${r.error}`)})` : 'n/a';
          const learned = r.learnedBits?.[b] !== undefined ? `DropBits' layers learned ${r.learnedBits[b]!.toFixed(2)} bits on average at ${b} bit; the cell is the subnet at a uniform ${b} bits` : undefined;
          const note = [s.note, learned].filter(Boolean).join('; ');
          return `${pct(r.top1[b]!)}${note ? ` (${mark(note)})` : ''}`;
        });
      });
      out.push(`| ${method} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  out.push(...[...notes].map(([text, key]) => `(${key}) ${text}`), '');
  out.push('### Model bytes and each preset\'s device latency', '');
  const abfpBlock = ANALOG_DEFAULTS.blockSize;
  out.push('Bytes: the subnet at that width as `subnetCosts` counts it: the elastic layers\' weights at the width, the fixed layers\' at 8 bit,');
  out.push('one 32-bit bias per output channel (BN\'s shift once folded); steps and scales are not counted. That is every method\'s size but');
  out.push(`abfp's: lsq, sq, pow2, dropbits (the cells are at a uniform width) and esb (b-bit sign-magnitude codes, one alpha per tensor)`);
  out.push(`store the same codes; abfp adds one 8-bit exponent per block of ${abfpBlock} weights (the run's block size), the "abfp bytes" column`);
  out.push('(the elastic weights counted from the 4- and 2-bit sizes\' difference). mmse-ptq\'s own count is in its section.');
  out.push('Latency: tensorrt on the simulated Xavier-like GPU (int8 kernels at 4 and 2 bits alike), vitis and fpga-esb on the simulated');
  out.push('bit-flexible FPGA (uniform codes; an esb run\'s weights, k = 2 at 4 bit and 1 at 2 bit, price the same on this space: the');
  out.push('layers are bound by memory traffic, see the ESB section), onnxruntime measured here with onnxruntime (int8 QDQ kernels at 4 and');
  out.push('2 bits alike; measured once per subnet, 08:12 UTC at load ~15); openvino: no runtime here.', '');
  out.push(`| subnet | bits | model bytes | abfp bytes | ${COLUMNS.filter((c) => c !== 'none').map((c) => `${c} ms`).join(' | ')} |`);
  out.push(`|---|---|---|---|${COLUMNS.filter((c) => c !== 'none').map(() => '---').join('|')}|`);
  for (const subnet of SUBNETS) {
    for (const bits of BITS) {
      const bytes = readResult(subnet, 'lsq@none')?.modelBytes[bits];
      const ms = COLUMNS.filter((c) => c !== 'none').map((c) => {
        const device = getPreset(c).device;
        const v = device === 'cpu-ort' ? latency[subnet]?.['cpu-ort'] : device ? latency[subnet]?.[`${device}@${bits}`] : undefined;
        return v === undefined ? (device ? 'not measured' : 'no device') : v.toFixed(3);
      });
      const b4 = readResult(subnet, 'lsq@none')?.modelBytes[4];
      const b2 = readResult(subnet, 'lsq@none')?.modelBytes[2];
      const abfp = bytes === undefined || b4 === undefined || b2 === undefined ? undefined : bytes + ((b4 - b2) * 8) / (4 - 2) / abfpBlock;
      const kib = (b: number | undefined): string => (b === undefined ? 'not run' : (b / 1024).toFixed(0) + ' KiB');
      out.push(`| ${subnet} | ${bits} | ${kib(bytes)} | ${kib(abfp)} | ${ms.join(' | ')} |`);
    }
  }
  const meta = existsSync(join(DIR, 'meta.json')) ? (JSON.parse(readFileSync(join(DIR, 'meta.json'), 'utf8')) as { started: string; ended?: string; loadStart: number; loadEnd?: number }) : undefined;
  const wall = SUBNETS.flatMap((subnet) => [...new Set(runsToDo().map((r) => r.run)), 'float'].map((run) => readResult(subnet, run)?.wallSeconds ?? 0));
  if (meta) {
    out.push('', `Measured ${meta.started.slice(0, 16).replace('T', ' ')}${meta.ended ? ` to ${meta.ended.slice(11, 16)}` : ''} UTC on the shared 2-core machine (load average ${meta.loadStart.toFixed(0)} at the start${meta.loadEnd !== undefined ? `, ${meta.loadEnd.toFixed(0)} at the end` : ''}; the runs' wall time ${(wall.reduce((a, b) => a + b, 0) / 60).toFixed(0)} min, each quantized run's step init, the MSE search of every layer's steps on one batch, included).`);
  }
  out.push('', END);
  void spaces;
  return out.join('\n');
}

/** The presets as the registry holds them (packages/quant/src/presets/registry.ts, their one owner). */
function presetSection(): string[] {
  const scheme = (x: { granularity: string; symmetric: boolean; scale: string }): string =>
    `${x.granularity}, ${x.symmetric ? 'symmetric' : 'asymmetric'}, ${x.scale === 'pow2' ? 'power-of-two' : 'float'} step`;
  const out = [
    '### The deployment presets (`oqat train --preset NAME`)',
    '',
    'Each preset fixes the quantizers\' constraints in training (through the supernet\'s quantizer factory: per-channel weight',
    'steps shared by every subnet, power-of-two steps, signed codes after ReLU) and the export refuses, in one line, files its',
    'backend would not run. Generated from `packages/quant/src/presets/registry.ts`.',
    '',
    '| preset | backend | weights | activations | weight formats | export | latency device |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const name of COLUMNS.filter((c): c is Exclude<RunPreset, 'none'> => c !== 'none')) {
    const p = getPreset(name);
    const act = `${scheme(p.activations)}, ${p.activations.signed === 'always' ? 'signed even after ReLU' : 'unsigned after ReLU'}`;
    out.push(`| ${name} | ${p.target} | ${scheme(p.weights)} | ${act} | ${p.formats.join(', ')} | ${p.exportFormats.join(', ')} | ${p.device ?? 'none here'} |`);
  }
  out.push('', 'Against MQBench (Li et al. 2021: its hardware table and `prepare_by_platform`), and what is not enforced yet:', '');
  for (const name of COLUMNS.filter((c): c is Exclude<RunPreset, 'none'> => c !== 'none')) {
    const p = getPreset(name);
    out.push(`- **${name}**: ${p.mqbench} Not enforced: ${p.notEnforced.length ? p.notEnforced.join('; ') : 'nothing known'}.`);
  }
  out.push('');
  return out;
}

function writeDoc(section: string): void {
  const doc = existsSync(values.doc!) ? readFileSync(values.doc!, 'utf8') : '# Quantizers\n';
  const at = doc.indexOf(START);
  const end = doc.indexOf(END);
  const next = at >= 0 && end > at ? doc.slice(0, at) + section + doc.slice(end + END.length) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(values.doc!, next);
  log(`wrote the table section of ${values.doc}`);
}

const spaces: Record<string, SearchSpace> = {};
const latency: Record<string, Record<string, number | undefined>> = {};
const t0 = performance.now();
const META = join(DIR, 'meta.json');
if (!values['render-only']) {
  await initEngine({ backend: values.backend as 'wasm' });
  mkdirSync(DIR, { recursive: true });
  if (!existsSync(META)) writeFileSync(META, JSON.stringify({ started: new Date().toISOString(), loadStart: loadavg()[0] }));
  if (values['float-only']) for (const subnet of SUBNETS) await floatCheckpoint(subnet);
  for (const { subnet, run } of values['float-only'] ? [] : runsToDo()) {
    if (readResult(subnet, run)) continue;
    if (values.until && new Date().toISOString().slice(11, 16) >= values.until) {
      log(`${values.until} UTC reached: ${subnet} ${run} and the runs after it are left out`);
      break;
    }
    mkdirSync(join(DIR, subnet), { recursive: true });
    try {
      const started = performance.now();
      const result = run.startsWith('mmse') ? await mmseRun(subnet, run as 'mmse-tensor') : await trainedRun(subnet, run);
      result.wallSeconds = (performance.now() - started) / 1000;
      writeFileSync(resultPath(subnet, run), JSON.stringify(result, null, 1));
    } catch (err) {
      // One failing method must not cost the others' cells: its cells say "not run".
      log(`${subnet} ${run} FAILED: ${(err as Error).message}`);
    }
    writeDoc(render(latency, spaces));
  }
}
for (const subnet of SUBNETS) {
  const base = baseConfig(subnet);
  const space = base.space as SearchSpace;
  spaces[subnet] = space;
  const spec = (b: number) => largestSubnet(space, b);
  latency[subnet] = {};
  for (const bits of BITS) {
    for (const device of ['xavier', 'fpga'] as const) latency[subnet]![`${device}@${bits}`] = simulateNetwork(device, lowerSubnet(space, spec(bits))).latencyMs;
  }
  try {
    latency[subnet]!['cpu-ort'] = values['render-only'] && !existsSync(join(DIR, subnet, 'cpu-ort.json')) ? undefined : await ortLatency(subnet, space);
  } catch (err) {
    log(`cpu-ort latency of ${subnet}: ${(err as Error).message}`);
  }
}
if (!values['render-only'] && existsSync(META)) {
  writeFileSync(META, JSON.stringify({ ...JSON.parse(readFileSync(META, 'utf8')), ended: new Date().toISOString(), loadEnd: loadavg()[0] }));
}
writeDoc(render(latency, spaces));
log(`done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
process.exit(0);
