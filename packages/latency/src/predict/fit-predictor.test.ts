import { describe, expect, it } from 'vitest';
import { simulateNetwork } from '../devices/simulate-network';
import { DeviceMismatchError, MixedDevicesError, PredictorFormatError, PredictorRequiredError, LatencyKeyMissingError } from '../errors';
import type { LatencySample } from '../ir/layer-desc';
import { LutModel } from '../lut/lut-model';
import { createRng, derive } from '@oqat/core';
import { randomSubnetLayers } from '../space/random-subnet.test-support';
import { evaluatePredictor, fitPredictor } from './fit-predictor';
import { predictLatency } from './predict-latency';
import { predictorFromJson } from './predictor-json';

const FAST = { learned: { boost: { rounds: 40 }, networkRounds: 40, refineRounds: 20, select: false }, lut: { fallback: { boost: { rounds: 40 }, networkRounds: 40, refineRounds: 20, select: false }, rounds: 40 } };

function samples(device: 'xavier' | 'fpga', seed: number, n: number, perLayer: boolean): LatencySample[] {
  return Array.from({ length: n }, (_, i) => {
    const layers = randomSubnetLayers(createRng(derive(seed, i)));
    const s = simulateNetwork(device, layers);
    return perLayer ? { layers, device, latencyMs: s.latencyMs, layerLatencyMs: s.layerLatencyMs } : { layers, device, latencyMs: s.latencyMs };
  });
}

describe.each(['xavier', 'fpga'] as const)('predictors on %s', (device) => {
  const train = samples(device, 1, 100, true);
  const test = samples(device, 2, 60, false);
  const fitted = new Map<string, ReturnType<typeof fitPredictor>>();
  const fit = (model: 'lut' | 'learned' | 'flops') => {
    if (!fitted.has(model)) fitted.set(model, fitPredictor({ train, test, model, ...FAST }));
    return fitted.get(model)!;
  };
  const baseline = () => fit('flops').metrics;

  it.each(['lut', 'learned'] as const)('%s beats the MACs-proportional baseline on held-out networks', (model) => {
    const { metrics } = fit(model);
    const base = baseline();
    expect(metrics.n).toBe(60);
    expect(metrics.mape).toBeLessThan(base.mape / 3);
    expect(metrics.within10).toBeGreaterThan(Math.max(0.9, base.within10));
    expect(metrics.spearman).toBeGreaterThan(base.spearman);
  });

  it('fits from network totals alone', () => {
    const totals = train.map(({ layers, latencyMs }) => ({ layers, latencyMs, device }));
    const { predictor, metrics } = fitPredictor({ train: totals, test, model: 'learned', ...FAST });
    expect(predictor.toJSON()).toMatchObject({ fitMode: 'networks' });
    expect(metrics.mape).toBeLessThan(baseline().mape / 2);
  });

  it('refines a per-layer fit on network totals, and the refinement round-trips', () => {
    const { predictor, metrics } = fitPredictor({ train, test, model: 'learned', learned: { ...FAST.learned, refineRounds: 10 } });
    const json = predictor.toJSON() as import('./cost-model').LearnedModelJson;
    expect(Object.values(json.ops).every((m) => (m.correction?.trees.length ?? 0) > 0)).toBe(true);
    expect(metrics.mape).toBeLessThan(baseline().mape / 3);
    const back = predictorFromJson(JSON.parse(JSON.stringify(json)));
    for (const s of test.slice(0, 10)) expect(back.estimateMs(s.layers)).toBe(predictor.estimateMs(s.layers));
  });

  it.each(['lut', 'learned', 'flops'] as const)('%s round-trips through JSON with identical predictions', (model) => {
    const { predictor } = fit(model);
    const back = predictorFromJson(JSON.stringify(predictor.toJSON()));
    expect(back.kind).toBe(model);
    for (const s of test.slice(0, 20)) expect(back.estimateMs(s.layers)).toBe(predictor.estimateMs(s.layers));
  });
});

describe('configuration selection', () => {
  it('chooses the learned configuration on a validation split and records the choice', () => {
    const train = samples('fpga', 5, 40, false);
    const test = samples('fpga', 6, 20, false);
    const { predictor, metrics } = fitPredictor({ train, test, model: 'learned', learned: { boost: { rounds: 20 }, goodEnoughMape: 0 } });
    const json = predictor.toJSON() as import('./cost-model').LearnedModelJson;
    expect(json.selection!.candidates.map((c) => c.name)).toEqual(['networks-gbdt', 'networks-gbdt-60', 'networks-linear']);
    const best = json.selection!.candidates.reduce((a, b) => (b.validationMape < a.validationMape ? b : a));
    expect(json.selection!.chosen).toBe(best.name);
    expect(metrics.mape).toBeLessThan(0.2);
  });
});

describe('lookup table', () => {
  it('falls back to the learned model for unseen keys, never to zero, and says which key is missing', () => {
    const train = samples('fpga', 3, 30, true);
    const lut = fitPredictor({ train, test: train, model: 'lut', ...FAST }).predictor as LutModel;
    const unseen = { ...train[0]!.layers[3]!, inH: 999, inW: 999 };
    expect(lut.has(unseen)).toBe(false);
    expect(lut.layerMs(unseen)).toBeGreaterThan(lut.layerMs(train[0]!.layers[3]!));
    expect(() => lut.lookup(unseen)).toThrow(LatencyKeyMissingError);
    expect(() => lut.lookup(unseen)).toThrow(/device 'fpga' has no entry for layer key '.*999x999/);
    const strange = { ...unseen, op: 'upsample' as const, inC: 8, outC: 8, stride: 2 };
    expect(lut.layerMs(strange)).toBeGreaterThan(0);
    expect(lut.lookup(train[0]!.layers[0]!).n).toBeGreaterThan(0);
  });
});

describe('fitPredictor / predictLatency guards', () => {
  const x = samples('xavier', 4, 6, false);
  const f = samples('fpga', 4, 6, false);

  it('refuses mixed devices', () => {
    expect(() => fitPredictor({ train: [...x, ...f], test: x })).toThrow(MixedDevicesError);
    expect(() => fitPredictor({ train: x, test: f })).toThrow(/xavier, fpga/);
  });

  it('simulates without a predictor and checks the predictor device', () => {
    const { predictor } = fitPredictor({ train: x, test: x, model: 'flops' });
    expect(predictLatency('xavier', x[0]!.layers)).toBeCloseTo(x[0]!.latencyMs, 9);
    expect(predictLatency('xavier', x[0]!.layers, predictor)).toBeGreaterThan(0);
    expect(() => predictLatency('fpga', x[0]!.layers, predictor)).toThrow(DeviceMismatchError);
    expect(() => predictLatency('cpu', x[0]!.layers)).toThrow(PredictorRequiredError);
    expect(() => predictLatency('tpu', x[0]!.layers)).toThrow(/unknown latency device 'tpu'/);
    expect(() => predictLatency('xavier', [{ op: 'conv' }])).toThrow(/^layer 0 \(conv\): inH/);
  });

  it('reads only its own JSON', () => {
    expect(() => predictorFromJson('{')).toThrow(PredictorFormatError);
    expect(() => predictorFromJson({ format: 'other' })).toThrow(/format is "other"/);
    const json = fitPredictor({ train: x, test: x, model: 'learned', ...FAST }).predictor.toJSON();
    expect(() => predictorFromJson({ ...json, features: ['op'] })).toThrow(/feature list/);
    expect(() => predictorFromJson({ ...json, kind: 'svm' })).toThrow(/kind "svm"/);
  });

  it('evaluates a predictor with the metrics of the CLI line', () => {
    const { predictor } = fitPredictor({ train: x, test: x, model: 'flops' });
    expect(Object.keys(evaluatePredictor(predictor, x)).sort()).toEqual(['mape', 'n', 'rmseMs', 'spearman', 'within10']);
  });
});
