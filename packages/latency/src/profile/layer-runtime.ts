import type { LayerDesc } from '../ir/layer-desc';
import type { Rng } from '@oqat/core';

/** A network built on a runtime, with its weights and inputs in place. */
export interface PreparedNetwork {
  /** one forward pass, finished when it returns/resolves */
  run(): void | Promise<void>;
  dispose(): void | Promise<void>;
}

/**
 * What the profiler needs from an execution runtime: build a layer list
 * (random weights from `rng`) into something it can run. The latency package
 * implements it for TensorFlow.js (given the caller's `tf`) and for
 * onnxruntime-node; it never imports either itself.
 */
export interface LayerRuntime {
  /** e.g. 'tfjs-wasm', 'onnxruntime-node' */
  readonly name: string;
  /** threads a run uses (the CPU-time clock needs 1) */
  readonly threads: number;
  prepare(layers: readonly LayerDesc[], rng: Rng): Promise<PreparedNetwork>;
}
