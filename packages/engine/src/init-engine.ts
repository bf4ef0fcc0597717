import { tf } from './tf';
import { effectiveRequest, selectBackend, type EngineInfo, type EngineOptions } from './backend/select-backend';
import { registerEngineKernels } from './register-kernels';

let current: EngineInfo | undefined;

/**
 * Picks and activates a backend, then registers the kernels this project
 * adds (gradients wasm lacks, fake quantization). Safe to call again: a
 * second call with the same request returns the first result.
 */
export async function initEngine(options: EngineOptions = {}): Promise<EngineInfo> {
  const requested = effectiveRequest(options);
  if (current && (current.requested === requested || requested === 'auto')) {
    if (tf.getBackend() === current.backend) return current;
  }
  const info = await selectBackend(options);
  registerEngineKernels(info.backend);
  await tf.ready();
  current = info;
  return info;
}

/** The engine chosen by the last initEngine call, if any. */
export function engineInfo(): EngineInfo | undefined {
  return current;
}
