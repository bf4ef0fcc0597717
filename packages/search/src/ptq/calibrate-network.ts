import { calibrate, multiTensorApproximation, poorlyApproximated, type UniformParams } from '@oqat/quant';
import type { StaticConv2dConfig } from '../static/static-conv2d';
import type { StaticQuantConfig } from '../static/static-layer';
import type { StaticLinearConfig } from '../static/static-linear';
import type { StaticMobileNetConfig } from '../static/static-mobilenet';
import type { InputSample } from './layer-inputs';
import type { PtqLayer } from './ptq-layers';
import type { PtqSettings } from './ptq-settings';

/** What calibration did to one layer. */
export interface PtqLayerReport {
  name: string;
  /** weight and input bits (32: left in float) */
  bits: number;
  /** weight steps: 1 per tensor, or the output channels */
  steps: number;
  /** ‖W − Ŵ‖²/‖W‖² with one low-precision tensor */
  weightError: number;
  /** low-precision tensors the weight is the sum of (1 unless multi-tensor picked the layer) */
  terms: number;
  /** the relative error of that sum */
  weightErrorAfter: number;
  /** the input's step, and whether its codes are signed */
  inputStep?: number;
  inputSigned?: boolean;
}

export interface PtqCalibrationResult {
  /** the float network's config with every layer's StaticQuantConfig set */
  config: StaticMobileNetConfig;
  layers: PtqLayerReport[];
  /** layers whose weights are a sum of several low-precision tensors */
  multiTensorLayers: string[];
}

/** A StaticQuantConfig (one term) from @oqat/quant's calibrated parameters. */
function quantConfig(bits: number, signed: boolean, p: UniformParams): StaticQuantConfig {
  const steps = Array.from(p.scales);
  if (steps.length === 1) return { bits, signed, step: steps[0]! };
  return { bits, signed, step: steps.reduce((a, s) => a + s, 0) / steps.length, channelSteps: steps };
}

/** Nested configs of a sum of terms: each next term quantizes what the ones before it left. */
function chain(terms: StaticQuantConfig[]): StaticQuantConfig {
  return terms.reduceRight<StaticQuantConfig | undefined>((next, t) => (next ? { ...t, residual: next } : t), undefined)!;
}

/**
 * Post-training calibration of a float static subnet (MMSE, Choukroun et
 * al. 2019): every conv and linear layer's weights (signed, per tensor or per
 * output channel) and inputs (per tensor, signed where the supernet's layer
 * takes signed inputs) get the steps `settings.calibration` chooses: the
 * extremes, a percentile, or the least squared error ‖x − Q(x)‖² on the
 * weights and on the sampled calibration inputs. With `multiTensor`, the
 * weights of the layers the criterion picks become sums of low-precision
 * tensors (the residual quantized again). Pure host arithmetic: the caller
 * builds the network from the returned config and the float weights.
 */
export function calibrateNetwork(
  config: StaticMobileNetConfig, layers: readonly PtqLayer[], weights: ReadonlyMap<string, Float32Array>, inputs: ReadonlyMap<string, InputSample>, settings: PtqSettings,
): PtqCalibrationResult {
  const method = settings.calibration;
  const pct = settings.percentile !== undefined ? { percentile: settings.percentile } : {};
  const plan = layers.map((l) => {
    const bits = l.role.precision === 'fixed' ? settings.fixedBits : settings.bits;
    const w = weights.get(l.name)!;
    const shape = l.layer.weight.shape;
    const channels = settings.granularity === 'channel' ? (shape.length === 4 && shape[3] === 1 ? shape[2]! : shape[shape.length - 1]!) : 1;
    const one = bits === 32 ? undefined : multiTensorApproximation(w, { bits, signed: true, channels, terms: 1, method, ...pct });
    return { l, bits, w, channels, one };
  });
  const quantized = plan.filter((p) => p.one);
  const multi = settings.multiTensor && settings.multiTensor.terms > 1
    ? new Set(poorlyApproximated(quantized.map((p) => ({ name: p.l.name, relativeError: p.one!.relativeErrors[0]! })), settings.multiTensor.factor))
    : new Set<string>();

  const quants = new Map<string, { weightQuant?: StaticQuantConfig; inputQuant?: StaticQuantConfig }>();
  const reports: PtqLayerReport[] = plan.map(({ l, bits, w, channels, one }) => {
    if (!one) {
      quants.set(l.name, {});
      return { name: l.name, bits: 32, steps: 0, weightError: 0, terms: 1, weightErrorAfter: 0 };
    }
    const terms = multi.has(l.name) ? settings.multiTensor!.terms : 1;
    const fit = terms > 1 ? multiTensorApproximation(w, { bits, signed: true, channels, terms, method, ...pct }) : one;
    const weightQuant = chain(fit.terms.map((t) => quantConfig(bits, true, t.params)));
    // Signed codes where the supernet's layer takes signed inputs, or where the float network's inputs dip below 0
    // (h-swish down to -0.375: QAT learned to live without them, a float network did not).
    const sample = inputs.get(l.name)!.values;
    const signed = l.role.signedInput || sample.some((v) => v < 0);
    const input = calibrate(sample, { method, bits, signed, ...pct });
    const inputQuant = quantConfig(bits, signed, input);
    quants.set(l.name, { weightQuant, inputQuant });
    return {
      name: l.name, bits, steps: channels, weightError: one.relativeErrors[0]!, terms, weightErrorAfter: fit.relativeErrors[fit.relativeErrors.length - 1]!,
      inputStep: inputQuant.step, inputSigned: signed,
    };
  });
  return { config: withQuants(config, quants), layers: reports, multiTensorLayers: [...multi] };
}

type LayerConfig = StaticConv2dConfig | StaticLinearConfig;

/** The config with each named layer's quantization replaced (absent parts: float). */
function withQuants(config: StaticMobileNetConfig, quants: ReadonlyMap<string, { weightQuant?: StaticQuantConfig; inputQuant?: StaticQuantConfig }>): StaticMobileNetConfig {
  const set = <C extends LayerConfig>(name: string, c: C): C => {
    const { weightQuant: _w, inputQuant: _i, ...rest } = c;
    const q = quants.get(name) ?? {};
    return { ...rest, ...(q.weightQuant ? { weightQuant: q.weightQuant } : {}), ...(q.inputQuant ? { inputQuant: q.inputQuant } : {}) } as C;
  };
  return {
    ...config,
    stem: { ...config.stem, conv: set('stem', config.stem.conv) },
    blocks: config.blocks.map((b, i) => ({
      ...b,
      ...(b.expand ? { expand: set(`blocks.${i}.expand`, b.expand) } : {}),
      dw: set(`blocks.${i}.dw`, b.dw),
      ...(b.se ? { se: { ...b.se, reduce: set(`blocks.${i}.se.reduce`, b.se.reduce), expand: set(`blocks.${i}.se.expand`, b.se.expand) } } : {}),
      project: set(`blocks.${i}.project`, b.project),
    })),
    head: {
      ...config.head,
      expand: set('head.expand', config.head.expand),
      ...(config.head.mix ? { mix: set('head.mix', config.head.mix) } : {}),
      classifier: set('head.classifier', config.head.classifier),
    },
  };
}
