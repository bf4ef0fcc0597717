/** The Emscripten module as the package's BackendWasm expects it. */
export interface EmscriptenWasmModule {
  cwrap: (name: string, returnType: string | null, argTypes: string[]) => (...args: number[]) => number;
  PThread?: { runningWorkers: Array<{ unref(): void }> };
  tfjs?: Record<string, (...args: number[]) => number>;
}

/**
 * Wraps the exported C functions under `module.tfjs`, exactly as the
 * package's private init() does before it constructs BackendWasm. Why: we
 * build the threaded module ourselves, so we must also build this bridge.
 */
export function attachTfjsBridge<M extends EmscriptenWasmModule>(module: M): M {
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return module;
}
