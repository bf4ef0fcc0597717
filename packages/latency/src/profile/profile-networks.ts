import { deviceInfo, type DeviceName } from '../devices/device-names';
import { simulateNetwork, type SimulatorParams } from '../devices/simulate-network';
import { ClockThreadsError, ProfileAbortedError, RuntimeRequiredError } from '../errors';
import type { LayerDesc, LatencySample } from '../ir/layer-desc';
import { validateLayers } from '../ir/validate-layers';
import { LayerKeyBuilder } from '../lut/layer-key';
import { createRng, derive } from '@oqat/core';
import type { LayerRuntime, PreparedNetwork } from './layer-runtime';
import { DEFAULT_LAYER_TIMING, DEFAULT_TIMING, measureLatency, type TimingOptions } from './measure-latency';
import { createOrtRuntime } from './ort-runtime';

/** A layer that does nothing (identity on one value): its run time is the runtime's own overhead. */
const IDLE_LAYER: LayerDesc = { op: 'activation', inH: 1, inW: 1, inC: 1, outC: 1, kernel: 1, stride: 1, groups: 1, act: 'none', wBits: 32, aBits: 32 };

export interface ProfileProgress {
  device: DeviceName;
  runtime: string;
  /** networks finished so far, of `total` */
  done: number;
  total: number;
  /** latency of the network just finished */
  latencyMs: number;
  /** distinct layers timed so far (per-layer timing) */
  layersTimed: number;
  elapsedMs: number;
}

export interface ProfileNetworksOptions {
  device: DeviceName;
  networks: ReadonlyArray<readonly LayerDesc[]>;
  /** 'cpu': required (createTfjsRuntime(tf) with the engine's tf); 'cpu-ort': default createOrtRuntime() */
  runtime?: LayerRuntime;
  /** timing of whole networks (defaults: DEFAULT_TIMING) */
  timing?: Partial<TimingOptions>;
  /** timing of single layers (defaults: DEFAULT_LAYER_TIMING) */
  layerTiming?: Partial<TimingOptions>;
  /** also time each distinct layer on its own (once per key) into `layerLatencyMs`; default true */
  perLayer?: boolean;
  /**
   * reference network of timing.normalize 'reference' (run between samples);
   * default the first network
   */
  reference?: readonly LayerDesc[];
  /** seed of the random weights and inputs; default 0 */
  seed?: number;
  /** simulator parameter overrides (xavier, fpga) */
  simulator?: SimulatorParams;
  onProgress?: (progress: ProfileProgress) => void;
  /** each sample as soon as it is measured (write JSONL rows as you go) */
  onSample?: (sample: LatencySample, index: number) => void;
  signal?: AbortSignal;
}

/**
 * Measures (cpu, cpu-ort) or simulates (xavier, fpga) each network and
 * returns one LatencySample per network, in order. Measured networks are
 * timed whole (warm-up, repeats, robust median); with `perLayer`, every
 * distinct layer key is also timed alone once and reused, as a lookup table
 * is built, less the runtime's per-run overhead (timed on a do-nothing
 * layer; it is paid once per network, not once per layer). Validates every
 * network first.
 */
export async function profileNetworks(options: ProfileNetworksOptions): Promise<LatencySample[]> {
  const info = deviceInfo(options.device);
  const networks = options.networks.map((n) => validateLayers(n));
  const total = networks.length;
  const started = performance.now();
  const samples: LatencySample[] = [];
  const emit = (sample: LatencySample, runtime: string, layersTimed: number) => {
    samples.push(sample);
    options.onSample?.(sample, samples.length - 1);
    options.onProgress?.({
      device: info.name,
      runtime,
      done: samples.length,
      total,
      latencyMs: sample.latencyMs,
      layersTimed,
      elapsedMs: performance.now() - started,
    });
  };

  if (info.kind === 'simulated') {
    for (const layers of networks) {
      if (options.signal?.aborted) throw new ProfileAbortedError(samples.length, total);
      const s = simulateNetwork(info.name as 'xavier' | 'fpga', layers, options.simulator);
      emit({ layers, latencyMs: s.latencyMs, device: info.name, layerLatencyMs: s.layerLatencyMs }, `${info.name}-simulator`, 0);
    }
    return samples;
  }

  let runtime = options.runtime;
  if (!runtime) {
    if (info.name === 'cpu') {
      throw new RuntimeRequiredError('cpu', "pass runtime: createTfjsRuntime(tf) with @oqat/engine's tf after initEngine()");
    }
    runtime = await createOrtRuntime();
  }
  const timing = { ...DEFAULT_TIMING, ...options.timing };
  const layerTiming = { ...DEFAULT_LAYER_TIMING, clock: timing.clock, normalize: timing.normalize, ...options.layerTiming };
  if (timing.clock === 'cpu' && runtime.threads > 1) throw new ClockThreadsError(runtime.name, runtime.threads);
  const perLayer = options.perLayer ?? true;
  const seed = options.seed ?? 0;
  const keys = new LayerKeyBuilder(info.name);
  const layerCache = new Map<string, number>();

  // the reference network: its latency is the fastest of many warm runs, as uncontended as this machine gets
  let reference: PreparedNetwork | undefined;
  let referenceMs = 1;
  if (timing.normalize === 'reference') {
    reference = await runtime.prepare(options.reference ? validateLayers(options.reference) : networks[0]!, createRng(derive(seed, 2)));
    referenceMs = (await measureLatency(() => reference!.run(), { ...timing, normalize: 'none', repeats: Math.max(30, timing.repeats), minSampleMs: 0 })).minMs;
  }
  const refRun = reference ? () => reference!.run() : undefined;

  // per-run cost of the runtime itself (call, dispatch, input/output handling), timed on a
  // do-nothing network and taken off each single-layer timing: a layer's entry is its own work
  let runOverheadMs = 0;
  if (options.perLayer ?? true) {
    const idle = await runtime.prepare([IDLE_LAYER], createRng(derive(seed, 3)));
    runOverheadMs = (await measureLatency(() => idle.run(), layerTiming, refRun)).medianMs * referenceMs;
    await idle.dispose();
  }

  const timeLayers = async (layers: readonly LayerDesc[], rngSeed: number, t: TimingOptions): Promise<number> => {
    const net = await runtime.prepare(layers, createRng(rngSeed));
    try {
      return (await measureLatency(() => net.run(), t, refRun)).medianMs * referenceMs;
    } finally {
      await net.dispose();
    }
  };

  for (let n = 0; n < total; n++) {
    if (options.signal?.aborted) throw new ProfileAbortedError(samples.length, total);
    const layers = networks[n]!;
    const latencyMs = await timeLayers(layers, derive(seed, 0, n), timing);
    const sample: LatencySample = { layers, latencyMs, device: info.name };
    if (perLayer) {
      const per: number[] = [];
      for (let l = 0; l < layers.length; l++) {
        const key = keys.key(layers[l]!);
        let ms = layerCache.get(key);
        if (ms === undefined) {
          if (options.signal?.aborted) throw new ProfileAbortedError(samples.length, total);
          const raw = await timeLayers([layers[l]!], derive(seed, 1, layerCache.size), layerTiming);
          ms = Math.max(raw - runOverheadMs, raw * 0.05);
          layerCache.set(key, ms);
        }
        per.push(ms);
      }
      sample.layerLatencyMs = per;
    }
    emit(sample, runtime.name, layerCache.size);
  }
  await reference?.dispose();
  return samples;
}
