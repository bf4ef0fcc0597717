import { createRng, derive } from '@oqat/core';
import { describe, expect, it } from 'vitest';
import { simulateNetwork } from '../devices/simulate-network';
import type { LayerDesc, LatencySample } from '../ir/layer-desc';
import { latencyMetrics, spearman } from '../metrics/latency-metrics';
import { randomSubnetLayers, SMALL_OFA_SPACE } from '../space/random-subnet.test-support';
import { NotEnoughSamplesError } from '../errors';
import type { FewShotModelJson } from './cost-model';
import { layerWorkFeatures, priorSource } from './fewshot-model';
import { fitDevicePredictor } from './fit-device';
import { fitFewShot, smallNnls } from './fit-fewshot';
import { predictorFromJson } from './predictor-json';

const networks = (seed: number, n: number): LayerDesc[][] => Array.from({ length: n }, (_, i) => randomSubnetLayers(createRng(derive(seed, i)), SMALL_OFA_SPACE));
const SOURCES = [priorSource({ name: 'xavier', simulator: 'xavier' }), priorSource({ name: 'fpga', simulator: 'fpga' })];
const REFERENCE = networks(7, 40);
const TEST = networks(9, 60);
const samplesOf = (nets: LayerDesc[][], latency: (l: LayerDesc[]) => number): LatencySample[] => nets.map((layers) => ({ layers, latencyMs: latency(layers), device: 'board' }));
const metricsOn = (model: { estimateMs(l: readonly LayerDesc[]): number }, latency: (l: LayerDesc[]) => number) =>
  latencyMetrics(TEST.map((l) => model.estimateMs(l)), TEST.map((l) => latency(l)));

describe('fitFewShot', () => {
  // the prior: mean of the sources' latencies, each normalised to mean 1 on the reference networks
  const prior = fitFewShot([], SOURCES, { reference: REFERENCE });

  it('with no samples is the prior itself: the mean of the normalised sources', () => {
    const json = prior.toJSON();
    const mean = (d: 'xavier' | 'fpga') => REFERENCE.reduce((a, l) => a + simulateNetwork(d, l).layerLatencyMs.reduce((x, y) => x + y, 0), 0) / REFERENCE.length;
    const expected = (l: LayerDesc[]) => (0.5 * simulateNetwork('xavier', l).layerLatencyMs.reduce((a, b) => a + b, 0)) / mean('xavier')
      + (0.5 * simulateNetwork('fpga', l).layerLatencyMs.reduce((a, b) => a + b, 0)) / mean('fpga');
    for (const l of TEST.slice(0, 10)) expect(prior.estimateMs(l)).toBeCloseTo(expected(l), 9);
    expect(json.fit.samples).toBe(0);
    expect(json.workCoef.flat().every((c) => c === 0)).toBe(true);
  });

  it('recovers a device that is an exact scaled copy of the prior from 10 samples', () => {
    const device = (l: LayerDesc[]) => 0.2 + 3 * prior.estimateMs(l);
    const model = fitFewShot(samplesOf(networks(11, 10), device), SOURCES, { reference: REFERENCE });
    const m = metricsOn(model, device);
    expect(m.mape).toBeLessThan(1e-3);
    expect(m.spearman).toBeGreaterThan(0.999);
  });

  it('with many samples follows a device unlike the prior (its corrections take over); the mixture of the sources alone does not', () => {
    // cost only in depthwise work (MACs and element ops) and a per-layer launch: neither simulator ranks networks like this
    const device = (l: LayerDesc[]) => 0.05 + l.reduce((a, x) => a + (x.op === 'dwconv' ? layerWorkFeatures(x)[0]! * 10 : 0) + 0.01, 0);
    const many = fitFewShot(samplesOf(networks(13, 150), device), SOURCES);
    const mixtureOnly = fitFewShot(samplesOf(networks(13, 150), device), SOURCES, { lambda: Infinity });
    expect(metricsOn(many, device).mape).toBeLessThan(0.01);
    expect(metricsOn(many, device).spearman).toBeGreaterThan(0.99);
    expect(metricsOn(mixtureOnly, device).mape).toBeGreaterThan(0.05);
    expect(many.toJSON().fit.lambda).toBeLessThan(Infinity);
  });

  it('fits only the scale below 3 samples, and round-trips through JSON', () => {
    const device = (l: LayerDesc[]) => 4 * simulateNetwork('xavier', l).latencyMs;
    const two = fitFewShot(samplesOf(networks(15, 2), device), SOURCES, { reference: REFERENCE });
    expect(two.toJSON().constantMs).toBe(0);
    expect(spearman(TEST.map((l) => two.estimateMs(l)), TEST.map((l) => prior.estimateMs(l)))).toBeGreaterThan(0.999);
    const ten = fitFewShot(samplesOf(networks(15, 10), device), SOURCES);
    const back = predictorFromJson(JSON.parse(JSON.stringify(ten.toJSON())));
    expect(back.kind).toBe('fewshot');
    for (const l of TEST.slice(0, 5)) expect(back.estimateMs(l)).toBeCloseTo(ten.estimateMs(l), 10);
    // a layer's share is exact: the network is the constant, the layers and the precision conversions
    const j = ten.toJSON() as FewShotModelJson;
    if (!j.convertMsPerMelem) expect(TEST[0]!.reduce((a, l) => a + ten.layerMs(l), j.constantMs)).toBeCloseTo(ten.estimateMs(TEST[0]!), 9);
  });

  it('fitDevicePredictor names the predictor after the device and refuses fewer than 3 samples', () => {
    const device = (l: LayerDesc[]) => simulateNetwork('xavier', l).latencyMs;
    expect(fitDevicePredictor('pi4', samplesOf(networks(17, 5), device)).device).toBe('pi4');
    expect(() => fitDevicePredictor('pi4', samplesOf(networks(17, 2), device))).toThrow(NotEnoughSamplesError);
  });

  it('smallNnls is exact: collinear columns, and a coefficient held at 0 where least squares would go negative', () => {
    const xs = [0, 1, 2, 3, 4];
    const ones = Float64Array.from(xs, () => 1);
    // y = 1 + 2x, with a third column almost equal to x
    const exact = smallNnls(xs.map((x) => Float64Array.of(1, x, x + 1e-3 * x * x)), Float64Array.from(xs, (x) => 1 + 2 * x), ones);
    expect(exact[0]).toBeCloseTo(1, 9);
    expect(exact[1]).toBeCloseTo(2, 9);
    expect(exact[2]).toBeCloseTo(0, 9);
    // y = 3 - x: the slope would be -1, so it stays 0 and the constant is the mean
    const held = smallNnls(xs.map((x) => Float64Array.of(1, x)), Float64Array.from(xs, (x) => 3 - x), ones);
    expect(held[1]).toBe(0);
    expect(held[0]).toBeCloseTo(1, 12);
  });
});
