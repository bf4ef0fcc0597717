import { createRng, derive } from '@oqat/core';
import { tf, type Tensor, type Variable } from '@oqat/engine';
import {
  dropBitsKeep,
  dropBitsKeepProbabilities,
  dropBitsRates,
  expectedKeptLevels,
  learnedBits,
  lsqQuantize,
  Quantizer,
  quantRange,
  sampleDropBits,
  SRQ_MAX_DROPPED_LEVELS,
  srqQuantize,
} from '@oqat/quant';
import type { TrainConfig } from '../config/train-config';
import type { StaticQuantConfig } from '../static/static-layer';
import type { QuantFactory, QuantRole } from './layer-quant';
import { LsqLayerQuant } from './lsq-layer-quant';
import type { NamedParam } from './named-param';

/** DropBits' settings for a run. */
export interface DropBitsSettings {
  /** drop probability of the finest level; each coarser level drops rate times as often */
  rate: number;
}

/** The narrowest width whose levels have an inclusion logit (the 2-bit grid is never dropped). */
const FIRST_DROPPABLE_WIDTH = 3;
/** One inclusion logit per width 3..8. */
const INCLUSION_LOGITS = 6;
/** σ(2) ≈ 0.88: every level starts included, with room to learn either way. */
const INCLUSION_INIT = 2;

/** The coarsest width a b-bit layer can drop to (SRQ's window bounds how many levels can go). */
export function dropBitsMinBits(bits: number): number {
  return Math.max(2, bits - SRQ_MAX_DROPPED_LEVELS);
}

/**
 * Semi-Relaxed Quantization with DropBits for one elastic supernet layer:
 * one scalar step per bit width for the weights and one for the input
 * activations (as LsqLayerQuant, shared by every subnet), the weights
 * trained through SRQ's multi-class straight-through estimator; in a training pass, the
 * levels of the active width above its coarsest droppable grid are dropped
 * at random (DropBits) with probability (1 - dropRate)·σ(θ) of being kept,
 * θ the layer's trainable inclusion logits, one per level, shared by its
 * weights and inputs (a layer has one width). The width the layer learned is
 * its coarse grid plus the levels with σ(θ) >= 1/2 (learnedWidth).
 * Simplification: the input activations drop the same levels in a pass but
 * round on the kept grid with LSQ's straight-through gradient, not SRQ's:
 * SRQ's host pass costs ~1 µs per element on this CPU, and a batch's
 * activations are several times the weights (the inclusion logits learn
 * from the weights' gradient).
 * Outside a training pass (evaluation, BN re-estimation, a step's
 * initialisation) the layer quantizes at the width it is set to, rounding
 * to the nearest point of that grid: at a width below the one it trained,
 * with the trained width's step doubled per level dropped (the grid DropBits
 * trained it on), unless that width has a step of its own.
 */
export class DropBitsLayerQuant extends LsqLayerQuant {
  /** θ per droppable width 3..8 (index width - 3) */
  readonly inclusion: Variable;
  private sampling?: { seed: number; passes: Map<number, Tensor>; weightCalls: number; inputCalls: number };

  constructor(
    name: string,
    role: QuantRole,
    readonly settings: DropBitsSettings,
  ) {
    super(name, role);
    dropBitsRates(0, settings.rate);
    this.inclusion = tf.variable(tf.fill([INCLUSION_LOGITS], INCLUSION_INIT), true);
  }

  /**
   * Training passes from now on draw their level masks from `seed` (one
   * mask per layer per forward pass, from derive(seed, layer, pass)); undefined
   * ends them (the layer then quantizes deterministically).
   */
  setSampling(seed: number | undefined): void {
    this.sampling = seed === undefined ? undefined : { seed, passes: new Map(), weightCalls: 0, inputCalls: 0 };
  }

  override weight(w: Tensor): Tensor {
    const bits = this.weightQuantizer.bits;
    if (bits === 32) return w;
    const step = tf.maximum(this.stepOf(this.weightQuantizer, w), MIN_STEP);
    if (!this.sampling) return lsqQuantize(w, step, { bits, signed: true });
    const keep = this.passKeep(++this.sampling.weightCalls);
    return srqQuantize(w, step, keep, { bits, signed: true, minBits: dropBitsMinBits(bits) });
  }

  override input(x: Tensor): Tensor {
    const bits = this.inputQuantizer.bits;
    if (bits === 32) return x;
    const step = tf.maximum(this.stepOf(this.inputQuantizer, x), MIN_STEP);
    const signed = this.role.signedInput;
    // LSQ's N for activations: elements per example (as Quantizer does).
    const gradScale = (b: number) => 1 / Math.sqrt((x.size / Math.max(1, x.shape[0] ?? 1)) * quantRange(b, signed).qp);
    if (!this.sampling) return lsqQuantize(x, step, { bits, signed, gradScale: gradScale(bits) });
    // The pass's kept grid is the w-bit grid at step s·2^(b-w); activations round on it with LSQ's gradient (see the class comment).
    const kept = this.keptWidth(this.passKeep(++this.sampling.inputCalls));
    const keptStep = kept === bits ? step : tf.mul(step, 2 ** (bits - kept));
    return lsqQuantize(x, keptStep, { bits: kept, signed, gradScale: gradScale(kept) });
  }

  /** The width this layer learned at `bits` (its training width): the levels whose inclusion σ(θ) >= 1/2, nested. */
  learnedWidth(bits: number): number {
    return learnedBits(this.logitsOf(bits).dataSync(), dropBitsMinBits(bits));
  }

  /** DropBits' regulariser at `bits`: the expected number of kept levels (differentiable in θ). */
  expectedLevels(bits: number): Tensor {
    return expectedKeptLevels(this.logitsOf(bits));
  }

  override params(): NamedParam[] {
    return [...super.params(), { name: `${this.name}.dropbits.inclusion`, variable: this.inclusion, decay: false }];
  }

  override frozen(): { weight?: StaticQuantConfig; input?: StaticQuantConfig } {
    const bits = this.weightQuantizer.bits;
    if (bits === 32) return {};
    const freeze = (q: Quantizer): StaticQuantConfig => ({ bits, signed: q.signed, step: q.step(bits) ? q.stepValues(bits)[0]! : this.widerStep(q, bits) });
    return { weight: freeze(this.weightQuantizer), input: freeze(this.inputQuantizer) };
  }

  override dispose(): void {
    super.dispose();
    this.inclusion.dispose();
  }

  /** θ of the droppable levels at `bits`, coarse to fine (a slice of the inclusion variable, so gradients land in it). */
  private logitsOf(bits: number): Tensor {
    const first = dropBitsMinBits(bits) + 1 - FIRST_DROPPABLE_WIDTH;
    return tf.slice(this.inclusion, [first], [bits - dropBitsMinBits(bits)]);
  }

  /**
   * One pass's keep values (shared by the layer's weights and inputs): the
   * pass is the n-th call of weight() or input() in this sampling session.
   */
  private passKeep(pass: number): Tensor {
    const sampling = this.sampling!;
    const known = sampling.passes.get(pass);
    if (known && !known.isDisposed) return known;
    const logits = this.logitsOf(this.weightQuantizer.bits);
    const probabilities = dropBitsKeepProbabilities(dropBitsRates(logits.size, this.settings.rate), logits.dataSync());
    const keep = dropBitsKeep(logits, sampleDropBits(createRng(derive(sampling.seed, this.name, pass)), probabilities));
    sampling.passes.delete(pass - 2);
    sampling.passes.set(pass, keep);
    return keep;
  }

  /** The width a pass's keep values leave: the coarse grid plus the leading kept levels. */
  private keptWidth(keep: Tensor): number {
    const values = keep.dataSync();
    let levels = 0;
    while (levels < values.length && values[levels] === 1) levels++;
    return dropBitsMinBits(this.weightQuantizer.bits) + levels;
  }

  /** The step at the active width: its own, or a wider trained width's on the nested grid, or a new one from x. */
  private stepOf(q: Quantizer, x: Tensor): Tensor {
    const bits = q.bits;
    if (!q.step(bits)) {
      const wider = q.initialisedBits().some((b) => b > bits);
      if (wider) q.setStep(bits, Float32Array.of(this.widerStep(q, bits)));
      else q.initStep(x, bits);
    }
    return q.step(bits)!;
  }

  /** The step of a narrower width on the grid of the nearest wider trained one: doubled per level dropped. */
  private widerStep(q: Quantizer, bits: number): number {
    const wider = q.initialisedBits().find((b) => b > bits);
    if (wider === undefined) return q.stepValues(bits)[0]!;
    return q.stepValues(wider)[0]! * 2 ** (wider - bits);
  }
}

/** Smallest step used in the forward pass (as the Quantizer's), so an update through zero cannot divide by zero. */
const MIN_STEP = 1e-8;

/**
 * The QuantFactory of a DropBits supernet: SRQ with DropBits on the elastic
 * layers (the ones whose width is learned), LSQ on the fixed-precision ones
 * (stem, squeeze-excite, classifier: 8 bit or float, not searched).
 */
export function dropBitsQuantFactory(settings: DropBitsSettings): QuantFactory {
  return (name, role) => (role.precision === 'elastic' ? new DropBitsLayerQuant(name, role, settings) : new LsqLayerQuant(name, role));
}

/**
 * The widths a phase of `bits` trains: its own, and with DropBits every
 * narrower one its layers can drop to (each pass that drops levels trains the
 * coarser grid), so a learned subnet's per-layer widths count as trained.
 */
export function phaseWidths(config: Partial<Pick<TrainConfig, 'quantizer'>>, bits: number): number[] {
  if (config.quantizer !== 'dropbits' || bits === 32) return [bits];
  return Array.from({ length: bits - dropBitsMinBits(bits) + 1 }, (_, i) => dropBitsMinBits(bits) + i);
}
