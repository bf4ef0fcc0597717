import os from 'node:os';

/**
 * Runs `body` while os.cpus() reports at least `cores` entries. Why: the
 * threaded tfjs wasm binary sizes its thread pool from
 * emscripten_num_logical_cores() / 2 (it assumes hyper-threading), which in
 * Node is os.cpus().length, read once while the module starts. On a 2-core
 * machine that caps the pool at 1 thread.
 */
export async function withReportedCores<T>(cores: number, body: () => Promise<T>): Promise<T> {
  const original = os.cpus;
  os.cpus = () => {
    const cpus = original();
    while (cpus.length > 0 && cpus.length < cores) cpus.push(cpus[0]!);
    return cpus;
  };
  try {
    return await body();
  } finally {
    os.cpus = original;
  }
}
