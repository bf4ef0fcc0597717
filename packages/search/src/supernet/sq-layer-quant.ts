import { createRng, derive } from '@oqat/core';
import type { Tensor } from '@oqat/engine';
import { sqErrors, sqHybridWeight, sqProbabilities, sqSelect } from '@oqat/quant';
import type { StaticQuantConfig } from '../static/static-layer';
import type { LayerQuant, QuantFactory } from './layer-quant';
import type { NamedParam } from './named-param';

/** One training step's SQ partition of a layer (the first weight slice of the step), for the run's events. */
export interface SqLayerDraw {
  filters: number;
  quantizedFilters: number;
  weights: number;
  quantizedWeights: number;
  /** Σ e_i over all the slice's filters */
  errorSum: number;
  /** Σ e_i over the quantized filters */
  quantizedErrorSum: number;
}

/** A step's SQ setting: the ratio of filters to quantize and the seed the partitions come from. */
export interface SqSampling {
  seed: number;
  ratio: number;
}

/**
 * The filter (output-channel) axis of a supernet weight: the layer role's
 * outChannelAxis when it names one (-2: depthwise), else tfjs conv
 * [k, k, in, out] and dense [in, out] weights hold their filters last, a
 * depthwise filter [k, k, C, 1] on axis 2.
 */
export function filterAxis(shape: readonly number[], roleAxis?: -1 | -2): number {
  if (roleAxis !== undefined) return shape.length + roleAxis;
  return shape.length === 4 && shape[3] === 1 ? 2 : shape.length - 1;
}

/**
 * Stochastic quantization (SQ, Dong et al. 2017) over any LayerQuant: in a
 * training step, only a share `ratio` of the layer's filters is quantized
 * (the inner quantizer's Q(w)), chosen stochastically with probability
 * inversely proportional to each filter's quantization error (sqSelect); the
 * others pass in full precision: ŵ = mask·Q(w) + (1 - mask)·w. The partition
 * is drawn once per step from derive(seed, layer) on the step's first weight
 * slice (the largest subnet's: the sandwich trains it first), and every
 * other subnet of the step uses the same mask on its own slice (its leading
 * filters). Outside a step with SQ (evaluation, BN re-estimation, export,
 * the last stage at ratio 1) the layer is the inner quantizer unchanged.
 * Activations are the inner quantizer's (SQ partitions weights).
 */
export class SqLayerQuant implements LayerQuant {
  private bits = 32;
  private sampling?: SqSampling & { mask?: Uint8Array; draw?: SqLayerDraw };

  constructor(
    readonly name: string,
    readonly inner: LayerQuant,
  ) {}

  get role() {
    return this.inner.role;
  }

  /** Steps from now on partition with `sampling` (a new step: a new draw); undefined: fully quantized again. */
  setSampling(sampling: SqSampling | undefined): void {
    this.sampling = sampling && { ...sampling };
  }

  /** The current step's partition, once the layer has run in it. */
  lastDraw(): SqLayerDraw | undefined {
    return this.sampling?.draw;
  }

  setBits(bits: number): void {
    this.bits = bits;
    this.inner.setBits(bits);
  }

  weight(w: Tensor): Tensor {
    const q = this.inner.weight(w);
    const s = this.sampling;
    if (!s || this.bits === 32 || s.ratio >= 1) return q;
    const axis = filterAxis(w.shape, this.role.outChannelAxis);
    const filters = w.shape[axis]!;
    if (!s.mask || s.mask.length < filters) this.drawMask(s, w, q, axis);
    return sqHybridWeight(w, q, s.mask!.length === filters ? s.mask! : s.mask!.subarray(0, filters), axis);
  }

  input(x: Tensor): Tensor {
    return this.inner.input(x);
  }

  params(): NamedParam[] {
    return this.inner.params();
  }

  frozen(): { weight?: StaticQuantConfig; input?: StaticQuantConfig } {
    return this.inner.frozen();
  }

  inherit(fromBits: number, toBits: number): void {
    this.inner.inherit(fromBits, toBits);
  }

  restoreStep(part: 'wq' | 'aq', bits: number, value: Float32Array): void {
    this.inner.restoreStep(part, bits, value);
  }

  permuteOutChannels(order: Tensor): void {
    this.inner.permuteOutChannels?.(order);
  }

  dispose(): void {
    this.inner.dispose();
  }

  private drawMask(s: SqSampling & { mask?: Uint8Array; draw?: SqLayerDraw }, w: Tensor, q: Tensor, axis: number): void {
    const errors = sqErrors(w.dataSync(), q.dataSync(), w.shape, axis);
    const mask = sqSelect(createRng(derive(s.seed, this.name)), sqProbabilities(errors), s.ratio);
    const perFilter = w.size / errors.length;
    let quantized = 0;
    let quantizedErrorSum = 0;
    let errorSum = 0;
    errors.forEach((e, i) => {
      errorSum += e;
      if (mask[i]) {
        quantized++;
        quantizedErrorSum += e;
      }
    });
    s.mask = mask;
    s.draw = { filters: errors.length, quantizedFilters: quantized, weights: w.size, quantizedWeights: quantized * perFilter, errorSum, quantizedErrorSum };
  }
}

/** The layer quantization SQ partitions (the layer itself when it is not an SqLayerQuant). */
export function innerLayerQuant(q: LayerQuant): LayerQuant {
  return q instanceof SqLayerQuant ? q.inner : q;
}

/** Wraps a QuantFactory's elastic layers in SQ (fixed-precision ones, stem, SE and classifier, stay as built). */
export function sqQuantFactory(base: QuantFactory): QuantFactory {
  return (name, role) => {
    const q = base(name, role);
    return q && role.precision === 'elastic' ? new SqLayerQuant(name, q) : q;
  };
}
