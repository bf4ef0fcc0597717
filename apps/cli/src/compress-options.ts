// `oqat compress`'s method flags: each maps to one field of ALQ's or VQ's settings (@oqat/search's
// AlqSettings, VqSettings). Data only, so help shows them without loading TensorFlow.js; the defaults
// shown are ALQ_DEFAULTS' and VQ_DEFAULTS' (compress-options.test.ts holds them equal), the sources
// are the papers'.
import type { AlqSettings, VqSettings } from '@oqat/search';
import type { OptionSpec, ParsedOptions } from './command';
import { UsageError } from './errors';

interface SettingFlag<S> {
  setting: keyof S;
  /** a number, or on/off for a boolean setting */
  default: number | boolean;
  description: string;
}

/** ALQ (Qu et al., "Adaptive Loss-aware Quantization for Multi-bit Networks", CVPR 2020). */
export const ALQ_FLAGS: Record<string, SettingFlag<AlqSettings>> = {
  'average-bits': { setting: 'averageBits', default: 1, description: "alq: the average bitwidth to reach over the compressed layers, Σ_g I_g·n_g / Σ weights (sign bits; the float32 coefficients are counted in the bytes); the paper reports 0.4-2 bits. Simplified: steps stand in for the paper's epochs (~2-3 epochs here vs ~150); no STE post-training (the authors' optional 80 epochs); BN statistics stay the float subnet's while BN γ/β and biases learn with Adam alongside; activations float" },
  'max-bases': { setting: 'maxBases', default: 6, description: 'alq: I_max, binary bases per group at the start (the greedy init, then pruned); the paper\'s CIFAR-10 setting' },
  'prune-ratio': { setting: 'pruneRatio', default: 0.4, description: 'alq: share of the remaining coefficients α one pruning stage removes at most (the paper\'s pr, 0.4 in its CIFAR-10 script)' },
  'basis-steps': { setting: 'basisSteps', default: 40, description: 'alq: steps optimising the binary bases per outer iteration (each followed by a coefficient refit); stands in for the paper\'s 20 epochs (a shortening)' },
  'coordinate-steps': { setting: 'coordinateSteps', default: 20, description: 'alq: steps optimising the coefficients per outer iteration; stands in for the paper\'s 10 epochs (a shortening)' },
  'prune-steps': { setting: 'pruneSteps', default: 4, description: 'alq: batches one pruning stage is spread over (fresh gradients for each share)' },
  'alq-lr': { setting: 'lr', default: 1e-3, description: "alq: Adam's (AMSGrad) step size at the start of each outer iteration, the paper's 1e-3" },
  'basis-decay': { setting: 'basisDecay', default: 0.8, description: 'alq: learning-rate decay per paper epoch over the basis phase (the paper\'s 0.8)' },
  'coordinate-decay': { setting: 'coordinateDecay', default: 0.8, description: 'alq: learning-rate decay per paper epoch over the coordinate phase (the paper\'s 0.8)' },
  'alq-batch': { setting: 'batchSize', default: 64, description: 'alq: labelled training images per step (the paper: 128)' },
};

/** VQ (Stock et al., "And the Bit Goes Down: Revisiting the Quantization of Neural Networks", ICLR 2020). */
export const VQ_FLAGS: Record<string, SettingFlag<VqSettings>> = {
  'block-size': { setting: 'pointwiseBlockSize', default: 8, description: 'vq: d, weights per sub-vector of 1x1 convs and linear layers: the paper\'s 4 ("small blocks") or 8 ("large blocks")' },
  'kernels-per-block': { setting: 'kernelsPerBlock', default: 2, description: 'vq: whole k x k kernels per sub-vector of a (not depthwise) k x k conv: the paper\'s 1 (3x3: d = 9, small blocks) or 2 (d = 18, large blocks)' },
  'depthwise-rows': { setting: 'depthwiseRows', default: 1, description: 'vq: kernel rows per sub-vector of a depthwise k x k conv (d = rows·k); 0 keeps depthwise layers float32 (ours: the paper\'s ResNets have no depthwise conv, and whole kernels left these thin layers a handful of codewords)' },
  codewords: { setting: 'codewords', default: 256, description: 'vq: codewords of a conv layer at most: the paper\'s 256 (one-byte indices)' },
  'classifier-codewords': { setting: 'classifierCodewords', default: 2048, description: 'vq: codewords of the classifier at most: the paper\'s 2048' },
  'sub-vectors-per-codeword': { setting: 'subVectorsPerCodeword', default: 4, description: 'vq: k ≤ the largest power of two below (sub-vectors / this): the authors\' clamp for small layers, 4' },
  iterations: { setting: 'iterations', default: 100, description: 'vq: EM iterations per layer at most (the paper\'s 100; a layer stops once no assignment changes)' },
  'calibration-images': { setting: 'calibrationImages', default: 256, description: 'vq: unlabelled training images (labels unused) whose activations define each layer\'s output-reconstruction objective (the paper: 1024; the rows are sampled to --activation-rows anyway)' },
  'activation-rows': { setting: 'activationRows', default: 65536, description: 'vq: rows of the unrolled layer input (patch positions x blocks) sampled per layer at most, seeded (the authors sample 1,000 to 25,000 per layer)' },
  'layer-finetune-steps': { setting: 'layerFinetuneSteps', default: 0, description: 'vq: distillation steps on each layer\'s codebook right after it is compressed (the paper: 2500 per layer on ImageNet; off by default here)' },
  'finetune-steps': { setting: 'finetuneSteps', default: 200, description: 'vq: global finetuning of all codebooks at the end, distilled from the float subnet on unlabelled training images (the paper: 9 x 10,000 steps; scaled down)' },
  'finetune-batch': { setting: 'finetuneBatch', default: 32, description: 'vq: images per finetuning step (the paper: 128)' },
  'reestimate-bn': { setting: 'reestimateBn', default: true, description: 'vq: on: BN statistics re-estimated on the calibration images after the layers are compressed and after the finetuning (the authors finetune with BN in training mode); off: the float subnet\'s statistics throughout' },
  'layer-lr': { setting: 'layerLearningRate', default: 0.05, description: 'vq: SGD step size of the per-layer finetuning (the paper\'s 0.05)' },
  'vq-lr': { setting: 'learningRate', default: 0.1, description: 'vq: SGD step size of the global finetuning, ÷10 at each third (the paper: 0.01 over 90,000 steps; 0.1 over our 200)' },
  momentum: { setting: 'momentum', default: 0.9, description: 'vq: SGD momentum of the finetuning (the paper\'s 0.9)' },
  'weight-decay': { setting: 'weightDecay', default: 1e-4, description: 'vq: weight decay of the finetuning (the paper\'s 1e-4)' },
};

/** The paper's two regimes of VQ block sizes, as --blocks sets them (VQ_BLOCK_PRESETS). */
export const VQ_BLOCKS = { small: { 'block-size': 4, 'kernels-per-block': 1 }, large: { 'block-size': 8, 'kernels-per-block': 2 } } as const;

const asOptions = <S>(flags: Record<string, SettingFlag<S>>): Record<string, OptionSpec> =>
  Object.fromEntries(Object.entries(flags).map(([name, f]) => [name, typeof f.default === 'boolean'
    ? { type: 'string', description: f.description, choices: ['on', 'off'], default: f.default ? 'on' : 'off' }
    : { type: 'string', description: f.description, default: String(f.default) }]));

/** The compress command's method flags, for cli.ts. */
export const COMPRESS_METHOD_OPTIONS: Record<string, OptionSpec> = {
  ...asOptions(ALQ_FLAGS),
  blocks: { type: 'string', description: 'vq: the paper\'s block sizes: small (d = 4 for 1x1/linear, one 3x3 kernel) or large (d = 8, two kernels); --block-size and --kernels-per-block override it', choices: ['small', 'large'], default: 'large' },
  ...asOptions(VQ_FLAGS),
};

/** The settings a method's flags ask for (absent flags: absent, the method's defaults apply); the other method's flags are refused. */
export function methodSettings(method: 'alq' | 'vq', o: ParsedOptions): { alq?: Partial<AlqSettings>; vq?: Partial<VqSettings> } {
  const own = method === 'alq' ? ALQ_FLAGS : VQ_FLAGS;
  const other = method === 'alq' ? { ...VQ_FLAGS, blocks: undefined } : ALQ_FLAGS;
  for (const name of Object.keys(other)) if (o[name] !== undefined) throw new UsageError(`--${name} is a setting of ${method === 'alq' ? 'vq' : 'alq'}, not of --method ${method}`);
  const settings: Record<string, number | boolean> = {};
  if (method === 'vq' && o.blocks !== undefined) {
    const preset = VQ_BLOCKS[o.blocks as keyof typeof VQ_BLOCKS];
    if (!preset) throw new UsageError(`--blocks must be small or large, got '${String(o.blocks)}'`);
    for (const [name, v] of Object.entries(preset)) settings[String((own as Record<string, SettingFlag<unknown>>)[name]!.setting)] = v;
  }
  for (const [name, f] of Object.entries(own as Record<string, SettingFlag<unknown>>)) {
    const v = o[name];
    if (v === undefined) continue;
    if (typeof f.default === 'boolean') {
      if (v !== 'on' && v !== 'off') throw new UsageError(`--${name} must be on or off, got '${String(v)}'`);
      settings[String(f.setting)] = v === 'on';
      continue;
    }
    const n = Number(v);
    if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${String(v)}'`);
    settings[String(f.setting)] = n;
  }
  return method === 'alq' ? { alq: settings as Partial<AlqSettings> } : { vq: settings as Partial<VqSettings> };
}
