import { oqatPhases } from '@oqat/search';

/**
 * Training configs of the supernet benchmarks (JSON values for
 * parseTrainConfig). quick: a 1,536-image subset so a run ends in under 10
 * minutes on the 2-core CPU; scratch2 / scratch2-budget: float then 2 bit
 * directly (no inheritance) for as many 2-bit epochs as quick / for quick's
 * whole quantized budget; full: the whole training set with OQAT-like
 * phase lengths.
 */
const QUICK = {
  seed: 1,
  space: 'fashion-mnist',
  data: { source: 'full', trainLimit: 1536, testLimit: 1000, augment: false, bnImages: 256 },
  batchSize: 48,
  phases: [
    { bits: 32, epochs: 2, lr: 0.2, warmupEpochs: 0.25 },
    { bits: 4, epochs: 1, lr: 0.05, warmupEpochs: 0.25 },
    { bits: 3, epochs: 1, lr: 0.02 },
    { bits: 2, epochs: 1, lr: 0.02 },
  ],
  eval: { subnets: ['largest', 'middle', 'smallest'], batchSize: 500 },
};

/** Segmentation scenes (64x64, 1-4 items): float then 4 -> 3 -> 2 bit, in minutes on the 2-core CPU. */
const SEG_QUICK = {
  seed: 1,
  task: 'segmentation',
  space: 'segmentation-scenes',
  data: { source: 'auto', augment: false, bnImages: 192 },
  segmentation: { canvasSize: 64, trainScenes: 960, testScenes: 300, seed: 1 },
  batchSize: 32,
  phases: [
    // The per-pixel loss is class-balanced (losses.ts); the float phase still needs a higher lr than quick's to learn item classes in 90 steps.
    { bits: 32, epochs: 3, lr: 0.4, warmupEpochs: 0.25 },
    { bits: 4, epochs: 2, lr: 0.08, warmupEpochs: 0.25 },
    { bits: 3, epochs: 1, lr: 0.02 },
    { bits: 2, epochs: 1, lr: 0.02 },
  ],
  optimizer: { labelSmoothing: 0 },
  eval: { subnets: ['largest', 'smallest'], batchSize: 50 },
};

/**
 * seg-quick with ten times the scenes and steps (9,600 scenes from the full
 * training set, 2,100 steps; about 2 hours on the shared 2-core CPU): item
 * recognition, not masks, limits mIoU (after 150 float steps of the largest
 * alone, 46 % of item pixels get a wrong item class, 3 % background), and it
 * rises with steps (largest alone: 29, 38, 53 % mIoU after 90, 150, 600 float
 * steps), not with more scenes at equal steps. lr 0.4 is near the float
 * phase's limit (0.8 diverges).
 */
const SEG_MEDIUM = {
  ...SEG_QUICK,
  data: { ...SEG_QUICK.data, bnImages: 480 },
  segmentation: { ...SEG_QUICK.segmentation, trainScenes: 9600, testScenes: 1000 },
  checkpoint: { everySteps: 300 },
};

/** seg-quick's recipe with 5x the scenes, float 3 epochs then 4 bit 1 (450 + 150 steps): how mIoU grows with steps. */
const SEG_600 = {
  ...SEG_QUICK,
  segmentation: { ...SEG_QUICK.segmentation, trainScenes: 4800 },
  phases: [SEG_QUICK.phases[0], { bits: 4, epochs: 1, lr: 0.08, warmupEpochs: 0.1 }],
};

/**
 * Segmentation under the product's recipe (oqatPhases, as `oqat train --task
 * segmentation` runs it): the largest alone in float, then a sandwich per
 * width taught by the float supernet; 4,800 scenes, 900 float steps.
 */
const SEG_RECIPE = {
  ...SEG_QUICK,
  segmentation: { ...SEG_QUICK.segmentation, trainScenes: 4800 },
  sandwich: { randomSubnets: 1, distill: true },
  phases: oqatPhases([4, 3, 2], { float: 6, first: 1, inherited: 1 }),
  checkpoint: { everySteps: 150 },
};

// docs/benchmarks-supernet.md's main table: 6,000 images of the full set, all 10,000 test images.
const MEDIUM = {
  seed: 1,
  space: 'fashion-mnist',
  data: { source: 'full', trainLimit: 6000, testLimit: 0, augment: false, bnImages: 1000 },
  batchSize: 32,
  phases: [
    { bits: 32, epochs: 3, lr: 0.1, warmupEpochs: 0.25 },
    { bits: 4, epochs: 2, lr: 0.03, warmupEpochs: 0.1 },
    { bits: 3, epochs: 1, lr: 0.01 },
    { bits: 2, epochs: 1, lr: 0.01 },
  ],
  eval: { subnets: ['largest', 'middle', 'smallest'], batchSize: 500 },
};

/** The 2-bit phase every arm of the inheritance comparison shares (docs/benchmarks-supernet.md), for `epochs` epochs. */
const mediumTwoBit = (epochs: number) => ({ bits: 2, epochs, lr: 0.03, warmupEpochs: 0.1 });

/**
 * The recipe comparison of docs/benchmarks-supernet.md: the shipped subset
 * (6,000 training, 1,000 test images), the largest subnet alone in float,
 * then one sandwich epoch (largest, smallest, one random) per width.
 * subset-recipe varies one thing at a time: the float lr, the first width's
 * epochs, its lr, the float teacher, or the largest trained alone at 4 bit.
 */
const SUBSET_RECIPE = {
  seed: 1,
  space: 'fashion-mnist',
  data: { source: 'subset', trainLimit: 0, testLimit: 0, augment: false, bnImages: 500 },
  batchSize: 32,
  sandwich: { randomSubnets: 1, distill: true },
  phases: [
    { bits: 32, epochs: 3, lr: 0.2, warmupEpochs: 0.1, subnets: 'largest' },
    { bits: 4, epochs: 1, lr: 0.03, warmupEpochs: 0.1 },
    { bits: 3, epochs: 1, lr: 0.03, warmupEpochs: 0.1 },
    { bits: 2, epochs: 1, lr: 0.03, warmupEpochs: 0.1 },
  ],
  eval: { subnets: ['largest', 'smallest'], batchSize: 500 },
};
/** SUBSET_RECIPE with its float phase and a 4-bit phase changed as given (branches from one float checkpoint). */
const subsetRecipe = (float: object, fourBit: object = {}, later = true) => ({
  ...SUBSET_RECIPE,
  phases: [{ ...SUBSET_RECIPE.phases[0], ...float }, { ...SUBSET_RECIPE.phases[1], ...fourBit }, ...(later ? SUBSET_RECIPE.phases.slice(2) : [])],
});

/** The recipe on all 60,000 Fashion-MNIST training images in under an hour here: float 2 epochs, then 1 per width. */
const FULL_HOUR = {
  ...SUBSET_RECIPE,
  data: { source: 'full', trainLimit: 0, testLimit: 0, augment: false, bnImages: 1000 },
  // The product's recipe (what `oqat train`'s defaults run).
  phases: oqatPhases([4, 3, 2], { float: 2, first: 1, inherited: 1 }),
  checkpoint: { everySteps: 500 },
  eval: { subnets: ['largest', 'middle', 'smallest'], batchSize: 500 },
};

/**
 * DropBits against uniform LSQ (docs/benchmarks-mixed-precision.md, "DropBits"):
 * the shipped subset, one float epoch, then one 4-bit epoch with SRQ + DropBits
 * (each layer learns its width, 2-4 bit) or one epoch of LSQ at a uniform 4, 3
 * or 2 bits; the same network (run with --alone largest), data, steps and
 * seed. The quantized arms branch from dropbits-float's after-float.ckpt.
 */
const DROPBITS_FLOAT = {
  ...SUBSET_RECIPE,
  data: { ...SUBSET_RECIPE.data, trainLimit: 3000, bnImages: 300 },
  quantizer: 'dropbits',
  phases: [{ bits: 32, epochs: 1, lr: 0.2, warmupEpochs: 0.1, subnets: 'largest' }],
  eval: { subnets: ['largest'], batchSize: 500 },
};
const dropBitsArm = (bits: number, quantizer: 'lsq' | 'dropbits', dropBits?: object) => ({
  ...DROPBITS_FLOAT,
  quantizer,
  ...(dropBits ? { dropBits } : {}),
  phases: [...DROPBITS_FLOAT.phases, { bits, epochs: 1, lr: 0.03, warmupEpochs: 0.1, subnets: 'largest' }],
});

/**
 * SQ against plain LSQ (docs/benchmarks-quant.md, "SQ"): the largest subnet
 * (run with --alone largest) branching from dropbits-float's
 * after-float.ckpt, then LSQ 4 -> 3 -> 2 bit by inheritance, one epoch each,
 * without or with SQ's schedule (50 -> 75 -> 87.5 -> 100 % of each elastic
 * layer's filters quantized, one equal stage per ratio in each phase): the
 * same network, data, steps, learning rates and seed.
 */
const sqChain = (sq: boolean) => ({
  ...DROPBITS_FLOAT,
  quantizer: 'lsq',
  ...(sq ? { sq: { ratios: [0.5, 0.75, 0.875, 1] } } : {}),
  phases: [...DROPBITS_FLOAT.phases, ...[4, 3, 2].map((bits) => ({ bits, epochs: 1, lr: 0.03, warmupEpochs: 0.1, subnets: 'largest' }))],
});

/**
 * ABFP (docs/benchmarks-quant.md, "ABFP and the analog device"): the largest
 * subnet (run with --alone largest) branching from dropbits-float's
 * after-float.ckpt, then one 4-bit epoch with the abfp format on the elastic
 * layers' weights and inputs (blocks of the analog tile's 128 values, the
 * device's gain 8): dropbits-lsq4's network, data, steps, learning rate and seed.
 */
const ABFP4 = {
  ...DROPBITS_FLOAT,
  quantizer: 'abfp',
  abfp: { blockSize: 128, gain: 8 },
  phases: [...DROPBITS_FLOAT.phases, { bits: 4, epochs: 1, lr: 0.03, warmupEpochs: 0.1, subnets: 'largest' }],
};

/**
 * ESB against LSQ (docs/benchmarks-quant.md, "ESB"): sq-off's chain (the
 * largest alone from dropbits-float's after-float.ckpt, 4 -> 3 -> 2 bit, one
 * epoch each, same data, steps, learning rates and seed) with ESB weights and
 * inputs: DDA-initialised alphas, k the paper's default per width (two
 * exponent bits) or `significantBits` at every width (capped per width).
 */
const esbChain = (esb?: object) => ({ ...sqChain(false), quantizer: 'esb', ...(esb ? { esb } : {}) });

const PRESETS: Record<string, unknown> = {
  abfp4: ABFP4,
  'sq-off': sqChain(false),
  'esb-chain': esbChain(),
  'esb-chain-k2': esbChain({ significantBits: 2 }),
  'sq-on': sqChain(true),
  // SQ at 50 % for the first half of each phase, then fully quantized.
  'sq-half': { ...sqChain(true), sq: { ratios: [0.5, 1] } },
  // The 2-bit phase 4 epochs long (branch from sq-off's after-3bit.ckpt): SQ's four stages one epoch each, as the
  // authors' code gives each stage a full training run; LSQ the same 4 epochs.
  'sq-on-2bit-4ep': { ...sqChain(true), phases: sqChain(true).phases.map((p, i) => (i === 3 ? { ...p, epochs: 4 } : p)) },
  'sq-off-2bit-4ep': { ...sqChain(false), phases: sqChain(false).phases.map((p, i) => (i === 3 ? { ...p, epochs: 4 } : p)) },
  'dropbits-float': DROPBITS_FLOAT,
  dropbits: dropBitsArm(4, 'dropbits', { rate: 0.3, penalty: 0.5 }),
  'dropbits-p2': dropBitsArm(4, 'dropbits', { rate: 0.3, penalty: 2 }),
  'dropbits-p06': dropBitsArm(4, 'dropbits', { rate: 0.3, penalty: 0.6 }),
  'dropbits-p075': dropBitsArm(4, 'dropbits', { rate: 0.3, penalty: 0.75 }),
  'dropbits-p1': dropBitsArm(4, 'dropbits', { rate: 0.3, penalty: 1 }),
  'dropbits-p125': dropBitsArm(4, 'dropbits', { rate: 0.3, penalty: 1.25 }),
  'dropbits-lsq4': dropBitsArm(4, 'lsq'),
  'dropbits-lsq3': dropBitsArm(3, 'lsq'),
  'dropbits-lsq2': dropBitsArm(2, 'lsq'),
  'subset-recipe': SUBSET_RECIPE,
  'full-hour': FULL_HOUR,
  'subset-recipe-lr01': subsetRecipe({ lr: 0.1 }),
  'subset-recipe-batch16': { ...subsetRecipe({ lr: 0.1 }), batchSize: 16 },
  'subset-recipe-4bit-alone': subsetRecipe({ lr: 0.1 }, { subnets: 'largest' }, false),
  'subset-recipe-4bit-alone-lr001': subsetRecipe({ lr: 0.1 }, { subnets: 'largest', lr: 0.01 }, false),
  'subset-recipe-4bit-2ep': subsetRecipe({}, { epochs: 2 }, false),
  'subset-recipe-teacher': subsetRecipe({}, { teacher: 'float' }, false),
  // The largest alone in float, then one float sandwich epoch (the smallest and random subnets learn in float too) before the taught 4-bit sandwich.
  'subset-recipe-float-sandwich': {
    ...SUBSET_RECIPE,
    phases: [SUBSET_RECIPE.phases[0], { bits: 32, epochs: 1, lr: 0.1, warmupEpochs: 0.1 }, { ...SUBSET_RECIPE.phases[1], teacher: 'float' }],
  },
  // Float straight to 2 bit (no inheritance): as many 2-bit epochs as subset-recipe, and its whole quantized budget (3 epochs).
  'subset-recipe-scratch2': subsetRecipe({}, { bits: 2 }, false),
  'subset-recipe-scratch2-budget': subsetRecipe({}, { bits: 2, epochs: 3 }, false),
  quick: QUICK,
  medium: MEDIUM,
  // medium's float phase, then one 2-bit epoch from LSQ's data initialisation (no inheritance).
  'medium-scratch2': { ...MEDIUM, phases: [MEDIUM.phases[0], mediumTwoBit(1)] },
  // medium with its inherited 2-bit phase at medium-scratch2's lr: the inheritance arm of the comparison.
  'medium-lr2': { ...MEDIUM, phases: [...MEDIUM.phases.slice(0, 3), mediumTwoBit(1)] },
  // From scratch with the inherited arm's whole quantized budget (2 + 1 + 1 epochs) at 2 bit; branches from medium-lr2's after-float.ckpt.
  'medium-scratch2-budget': { ...MEDIUM, phases: [MEDIUM.phases[0], mediumTwoBit(4)] },
  // medium-lr2 with scratch2-budget's 4 epochs at 2 bit: branches from medium-lr2's after-3bit.ckpt.
  'medium-lr2-4ep': { ...MEDIUM, phases: [...MEDIUM.phases.slice(0, 3), mediumTwoBit(4)] },
  'seg-quick': SEG_QUICK,
  'seg-600': SEG_600,
  'seg-medium': SEG_MEDIUM,
  'seg-recipe': SEG_RECIPE,
  // The 2-bit supernet without inheritance: as many 2-bit epochs as quick's inherited 2-bit phase ...
  scratch2: { ...QUICK, phases: [QUICK.phases[0], { bits: 2, epochs: 1, lr: 0.05, warmupEpochs: 0.25 }] },
  // ... and with quick's whole quantized budget (4 + 3 + 2 bit epochs) spent at 2 bit.
  'scratch2-budget': { ...QUICK, phases: [QUICK.phases[0], { bits: 2, epochs: 3, lr: 0.05, warmupEpochs: 0.25 }] },
  // OQAT-like phase lengths (5 + 20 + 8 + 8 epochs of all 60,000 images) with full-hour's recipe; its time is extrapolated from full-hour's per-phase speed.
  full: {
    ...FULL_HOUR,
    data: { ...FULL_HOUR.data, bnImages: 2000 },
    phases: [
      { ...FULL_HOUR.phases[0], epochs: 5 },
      { ...FULL_HOUR.phases[1], epochs: 20, warmupEpochs: 1 },
      { ...FULL_HOUR.phases[2], epochs: 8 },
      { ...FULL_HOUR.phases[3], epochs: 8 },
    ],
    checkpoint: { everySteps: 1000 },
  },
};

export function supernetPreset(name: string): Record<string, unknown> {
  const preset = PRESETS[name];
  if (!preset) throw new Error(`unknown preset '${name}' (known: ${Object.keys(PRESETS).join(', ')})`);
  return JSON.parse(JSON.stringify(preset)) as Record<string, unknown>;
}
