import { RuntimeUnavailableError } from '../errors';
import type { LayerDesc } from '../ir/layer-desc';
import type { Rng } from '@oqat/core';
import type { LayerRuntime, PreparedNetwork } from './layer-runtime';
import { buildOnnxNetwork } from './onnx-network';

export interface OrtRuntimeOptions {
  /** intra-op threads; default 1 (stable timings on a shared machine) */
  threads?: number;
  /** device whose precision rule applies (float above 8 bits, int8 QDQ at or below); default 'cpu-ort' */
  device?: string;
  /** write each optimised model here (debugging which kernels onnxruntime fused) */
  optimizedModelPath?: string;
}

type Ort = typeof import('onnxruntime-node');

/** Loads onnxruntime-node (an optional dependency) or explains how to get it. */
export async function loadOnnxRuntime(): Promise<Ort> {
  try {
    const mod = (await import('onnxruntime-node')) as Ort & { default?: Ort };
    const ort = mod.InferenceSession ? mod : mod.default!;
    if (!ort?.InferenceSession) throw new Error('the module has no InferenceSession');
    return ort;
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 200);
    throw new RuntimeUnavailableError(
      'onnxruntime-node',
      reason,
      "install it (ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node, CPU binaries ship in the package) or profile device 'cpu' instead",
    );
  }
}

/**
 * Times layer lists as ONNX graphs (built with @oqat/onnx) on onnxruntime's
 * CPU execution provider with all graph optimisations, which fuse the QDQ
 * layers into integer kernels.
 */
export async function createOrtRuntime(options: OrtRuntimeOptions = {}): Promise<LayerRuntime> {
  const ort = await loadOnnxRuntime();
  const threads = Math.max(1, Math.floor(options.threads ?? 1));
  return {
    name: `onnxruntime-node-cpu-${threads}t`,
    threads,
    async prepare(layers: readonly LayerDesc[], rng: Rng): Promise<PreparedNetwork> {
      const net = buildOnnxNetwork(layers, rng, { device: options.device ?? 'cpu-ort' });
      const session = await ort.InferenceSession.create(net.bytes, {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        ...(options.optimizedModelPath ? { optimizedModelFilePath: options.optimizedModelPath } : {}),
      });
      const feeds: Record<string, InstanceType<Ort['Tensor']>> = {};
      for (const f of net.feeds) {
        const n = f.dims.reduce((a, b) => a * b, 1);
        const data = new Float32Array(n);
        for (let i = 0; i < n; i++) data[i] = rng.normal();
        feeds[f.name] = new ort.Tensor('float32', data, f.dims);
      }
      return {
        run: async () => {
          await session.run(feeds);
        },
        dispose: () => session.release(),
      };
    },
  };
}
