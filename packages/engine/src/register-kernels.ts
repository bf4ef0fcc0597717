import { tf } from './tf';
import type { KernelConfig } from './tf';

/** Kernels this project adds to a backend, per backend name. */
const KERNELS: Record<string, KernelConfig[]> = {
  wasm: [],
};

const registered = new Set<string>();

export function registerEngineKernels(backend: string): void {
  for (const config of KERNELS[backend] ?? []) {
    const key = `${config.backendName}/${config.kernelName}`;
    if (registered.has(key)) continue;
    // A later tfjs that ships the kernel wins: ours only fills the gap.
    if (tf.getKernel(config.kernelName, config.backendName)) continue;
    tf.registerKernel(config);
    registered.add(key);
  }
}
