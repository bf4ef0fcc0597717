import type { SearchSpace } from '@oqat/latency';
import type { RunPreset } from './run-preset';
import { FASHION_MNIST_STATS } from '@oqat/data';
import { ANALOG_DEFAULTS } from '@oqat/quant';
import { InvalidTrainConfigError } from '../errors';

/** One training phase: a bit width trained for some epochs with its own cosine schedule. */
export interface PhaseConfig {
  /** 32 = float warm-up; 2..8 quantized. A quantized phase after a wider one inherits its steps (doubled per bit). */
  bits: number;
  epochs: number;
  /** peak learning rate of the phase */
  lr: number;
  /** linear warm-up length, in epochs (fractions allowed) */
  warmupEpochs: number;
  /**
   * What a step trains: 'sandwich' (largest, smallest and random subnets,
   * the default) or 'largest' alone. Once-for-all trains the full network
   * first and shrinks after: a float phase of the largest alone learns
   * several times more per second than a sandwich from scratch.
   */
  subnets?: PhaseSubnets;
  /**
   * Where a sandwich step's soft targets come from: 'largest', the step's
   * own largest subnet (in-place distillation; the largest learns from the
   * labels), or 'float', the float phase's largest kept as it ended, which
   * every subnet of a quantized step then learns from (the largest too).
   */
  teacher?: PhaseTeacher;
}

export type PhaseSubnets = 'sandwich' | 'largest';
export type PhaseTeacher = 'largest' | 'float';

/** What the supernet predicts: one class per image, or one class per pixel. */
export type Task = 'classification' | 'segmentation';

/** Where segmentation images and masks come from (read only when task is 'segmentation'). */
export interface SegmentationDataConfig {
  /**
   * a folder of image/mask PNGs with train/ and test/ subfolders (and val/
   * for search), each holding images/ and masks/ (CamVid-like); empty:
   * scenes of Fashion-MNIST items (data.source picks the copy)
   */
  folder: string;
  /** scene canvas side in pixels (items are 28x28) */
  canvasSize: number;
  /** scenes built from the training items, and from the test items */
  trainScenes: number;
  testScenes: number;
  /** seeds the scene layouts (independent of the run seed, so runs can share scenes) */
  seed: number;
}

export interface TrainConfig {
  seed: number;
  task: Task;
  /** a built-in space name ('fashion-mnist', 'ofa-mbv3', 'segmentation-scenes') or a space object */
  space: string | SearchSpace;
  /** classification data; for segmentation, source and augment apply to the scenes' items, bnImages to scenes */
  data: {
    /** which Fashion-MNIST copy: auto (full if present, else the shipped subset), subset or full */
    source: 'auto' | 'subset' | 'full';
    /** use only the first n training images (quick runs); 0 = all */
    trainLimit: number;
    /** evaluate on the first n test images; 0 = all */
    testLimit: number;
    /** pad-and-crop and horizontal flip */
    augment: boolean;
    /** training images used to re-estimate BN statistics before evaluation (OQAT: 2,000) */
    bnImages: number;
    /** a dataset folder (class folders of PNG/JPEG, or IDX files) instead of Fashion-MNIST; '' = Fashion-MNIST from `source` */
    folder: string;
    /** leave a folder's bad files out (and report them) instead of failing on the first */
    skipBadFiles: boolean;
    /** a class folder's images of another size than its most common one are resized to it (@oqat/data's resizeToCover), not bad files */
    resizeImages: boolean;
    /** input scaling (x/255 - mean) / std of every batch, kept in checkpoints and exports; a folder's own pixel statistics */
    normalization: { mean: number; std: number };
  };
  segmentation: SegmentationDataConfig;
  batchSize: number;
  /** stop each epoch after this many steps (quick runs); 0 = full epochs */
  stepsPerEpoch: number;
  /** stem, squeeze-excite and classifier precision */
  fixedBits: 8 | 32;
  phases: PhaseConfig[];
  optimizer: {
    momentum: number;
    nesterov: boolean;
    /** L2 on conv/linear weights only (not BN, biases, kernel transforms, step sizes) */
    weightDecay: number;
    labelSmoothing: number;
    /** clip gradients (summed over the sandwich) to this global L2 norm; 0 = off */
    gradClipNorm: number;
  };
  sandwich: {
    /** random subnets per step besides the largest and smallest (OFA/BigNAS: 2) */
    randomSubnets: number;
    /** smaller subnets learn from the largest's outputs (in-place distillation) */
    distill: boolean;
  };
  checkpoint: {
    /** directory for `supernet.ckpt`; empty = no checkpoints */
    dir: string;
    /** also write every n steps; 0 = only at phase ends */
    everySteps: number;
  };
  eval: {
    /** subnets evaluated at each phase end */
    subnets: Array<'largest' | 'middle' | 'smallest'>;
    batchSize: number;
  };
  /**
   * How the elastic layers quantize: 'lsq' (LSQ steps on the uniform grid,
   * OQAT's), 'dropbits' (Semi-Relaxed Quantization with DropBits, which also
   * learns a width per layer: reported at each quantized phase's end), or a
   * learned step on another number format of @oqat/quant: 'esb' (elastic
   * significant bits), 'abfp' (adaptive block floating point), 'pow2'
   * (power-of-two steps). Absent in older checkpoints: 'lsq'.
   */
  quantizer: QuantizerKind;
  /** DropBits' settings (read when quantizer is 'dropbits') */
  dropBits: {
    /** drop probability of a layer's finest level per forward pass; each coarser level drops rate times as often */
    rate: number;
    /** weight of the regulariser Σ_layers E[kept levels] (0: levels are dropped at random, none is learned away) */
    penalty: number;
  };
  /**
   * SQ, stochastic quantization (Dong et al. 2017), over whichever quantizer:
   * in each quantized phase, a training step quantizes only `ratios[stage]`
   * of each elastic layer's filters (chosen with probability inversely
   * proportional to their quantization error), the others run in float; the
   * phase's steps split into one equal stage per ratio, the last 1 (the
   * phase ends fully quantized). Empty: off. The paper's schedule:
   * SQ_DEFAULT_RATIOS (50 → 75 → 87.5 → 100 %). Absent in older checkpoints: off.
   */
  sq: { ratios: number[] };
  /**
   * ABFP's settings (the abfp quantizer, and the analog device a run targets;
   * Basumallik et al. 2022): `blockSize` values share a block's scale (the
   * format's blocks in training, the tile width n of the analog device in
   * `oqat eval --device analog`), `gain` is the device's G before its ADC.
   * Absent in older checkpoints: the defaults (the device's, @oqat/quant ANALOG_DEFAULTS).
   */
  abfp: { blockSize: number; gain: number };
  /**
   * ESB's settings (the esb quantizer; Gong et al., TPDS 2022): at most
   * `significantBits` (k) significant bits per value, capped at each width's
   * magnitude bits (so one k serves 4 -> 3 -> 2); 0: the paper's default per
   * width, two exponent bits (k = 2 at 4-bit weights, 1 at 3 and 2).
   * Absent in older checkpoints: 0.
   */
  esb: { significantBits: number };
  /**
   * A deployment preset (@oqat/quant's PRESET_NAMES: tensorrt, onnxruntime,
   * vitis, openvino, fpga-esb) whose constraints the quantizers train under
   * (per-channel weight steps, power-of-two steps, signed activations after
   * ReLU) and the export is checked against; 'none': the academic setting.
   * Absent in older checkpoints: 'none'.
   */
  preset: RunPreset;
}

export const QUANTIZER_KINDS = ['lsq', 'dropbits', 'esb', 'abfp', 'pow2'] as const;
export type QuantizerKind = (typeof QUANTIZER_KINDS)[number];

/** The space a task trains when the config names none. */
export const DEFAULT_SPACE: Record<Task, string> = { classification: 'fashion-mnist', segmentation: 'segmentation-scenes' };

/** Epochs of each kind of OQAT phase. */
export interface PhaseEpochs {
  /** full precision, before the first quantized width (0 = none) */
  float: number;
  /** the first (widest) quantized width */
  first: number;
  /** each inherited width after it (0 = train the first width only) */
  inherited: number;
}

/**
 * OQAT's schedule for a chain of widths (e.g. 4, 3, 2), with the recipe
 * measured in docs/benchmarks-supernet.md: the float phase trains the
 * largest subnet alone at lr 0.2 (once-for-all's order: the full network
 * first, then the sandwich distils it into the smaller ones; 0.2 beat 0.1
 * on the subset); each quantized phase warms up for a tenth of an epoch at
 * most, the inherited ones at the first width's learning rate of 0.03 (a
 * lower one left the 2-bit supernet far behind; 0.01 was no better at 4);
 * after a float phase every quantized subnet learns from the float
 * supernet's largest (+0.6 points for the 4-bit largest, +1.3 smallest).
 */
export function oqatPhases(bitsChain: readonly number[], epochs: PhaseEpochs): PhaseConfig[] {
  const [first, ...inherited] = bitsChain;
  if (first === undefined) throw new InvalidTrainConfigError('phases', 'the bit-width chain is empty');
  const phase = (bits: number, n: number, lr: number): PhaseConfig => ({
    bits,
    epochs: n,
    lr,
    warmupEpochs: Math.min(0.1, n),
    subnets: bits === 32 ? 'largest' : 'sandwich',
    teacher: bits !== 32 && epochs.float > 0 ? 'float' : 'largest',
  });
  return [
    ...(epochs.float > 0 ? [phase(32, epochs.float, 0.2)] : []),
    phase(first, epochs.first, 0.03),
    ...(epochs.inherited > 0 ? inherited.map((bits) => phase(bits, epochs.inherited, 0.03)) : []),
  ];
}

/**
 * The defaults of a training config file; a file overrides any part of it
 * and must name its phases (a run's come from jobs' DEFAULT_RUN_CONFIG
 * through oqatPhases: the schedule has one owner).
 */
export const DEFAULT_TRAIN_CONFIG: Readonly<Omit<TrainConfig, 'phases'>> = {
  seed: 0,
  task: 'classification',
  space: 'fashion-mnist',
  // Augmentation off: at the budgets a 2-core machine trains, pad-and-crop and flips cost ~12 points (issue 13's measurement).
  data: { source: 'auto', trainLimit: 0, testLimit: 0, augment: false, bnImages: 2000, folder: '', skipBadFiles: false, resizeImages: false, normalization: FASHION_MNIST_STATS },
  segmentation: { folder: '', canvasSize: 64, trainScenes: 4000, testScenes: 500, seed: 1 },
  batchSize: 128,
  stepsPerEpoch: 0,
  fixedBits: 8,
  optimizer: { momentum: 0.9, nesterov: true, weightDecay: 3e-5, labelSmoothing: 0.1, gradClipNorm: 5 },
  sandwich: { randomSubnets: 2, distill: true },
  checkpoint: { dir: '', everySteps: 0 },
  eval: { subnets: ['largest', 'middle', 'smallest'], batchSize: 500 },
  quantizer: 'lsq',
  // As DEFAULT_RUN_CONFIG's (docs/benchmarks-mixed-precision.md, "DropBits").
  dropBits: { rate: 0.3, penalty: 0.6 },
  sq: { ratios: [] },
  // The analog device's tile width and gain (@oqat/quant ANALOG_DEFAULTS, from the ABFP paper).
  abfp: { blockSize: ANALOG_DEFAULTS.blockSize, gain: ANALOG_DEFAULTS.gain },
  // 0: ESB's default k per width (@oqat/quant esbDefaultSignificantBits).
  esb: { significantBits: 0 },
  preset: 'none',
};
