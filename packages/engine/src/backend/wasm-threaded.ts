import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tf } from '../tf';
import { webAssembly } from '../kernels/simd/web-assembly';
import { pthreadWorkerClass } from './pthread-worker-class';
import { writePthreadWorkerFile } from './pthread-worker-file';
import { withReportedCores } from './reported-cores';
import { attachTfjsBridge, type EmscriptenWasmModule } from './wasm-module-bridge';

// The threaded SIMD build of tfjs-backend-wasm, run in Node (where the
// package itself always picks its single-thread build: tfjs issue #3830).
//
// NOTE for callers: once the pool has run, its worker threads can keep Node
// alive; a CLI or script that used the wasm backend must end with an explicit
// process.exit(). (We unref the pool's workers after start-up, which lets
// most scripts end on their own, but Emscripten re-refs a worker whenever it
// hands it a new pthread.)

const require = createRequire(import.meta.url);
const MAX_THREADS = 8; // the binary pre-creates 8 workers and caps its pool there
const START_TIMEOUT_MS = 30_000;

interface WasmPackage {
  BackendWasm: new (module: unknown) => tf.KernelBackend;
  setThreadsCount(threads: number): void;
  getThreadsCount(): number;
}

export interface ThreadedWasmStatus {
  /** threads asked of the threaded build (0: it was not registered). */
  requested: number;
  /** why the single-thread build is used instead, if it is. */
  fallbackReason?: string;
}

let status: ThreadedWasmStatus = { requested: 0 };

/** What registerThreadedWasmBackend did, and why it fell back if it did. */
export function threadedWasmStatus(): ThreadedWasmStatus {
  return status;
}

/** Threads the active wasm backend really runs with (1 for the single-thread build). */
export function wasmThreadsInUse(): number {
  const pkg = require('@tensorflow/tfjs-backend-wasm') as WasmPackage;
  try {
    return Math.max(1, pkg.getThreadsCount());
  } catch {
    return 1; // not initialised yet
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 200);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not start within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Loads the Emscripten factory, starts its pthread pool and constructs BackendWasm. */
async function startThreaded(pkg: WasmPackage, wasmOut: string, workerFile: string, threads: number) {
  const factory = require(join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js')) as (
    config: object,
  ) => Promise<EmscriptenWasmModule>;
  // A worker that fails to start rejects at once (instead of the timeout).
  let startupError: unknown;
  let failStartup: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (failStartup = reject));
  failed.catch(() => {});
  const workers = pthreadWorkerClass((error) => {
    startupError ??= error;
    failStartup(error);
  });
  try {
    const module = await withReportedCores(2 * threads, async () => {
      const loaded = factory({
        locateFile: (path: string, prefix: string) => {
          if (!path.endsWith('.worker.js')) return prefix + path;
          // Emscripten assigns globalThis.Worker just before it asks for the
          // worker's path and creates the worker right after: swap in ours.
          (globalThis as { Worker?: unknown }).Worker = workers.WorkerClass;
          return workerFile;
        },
      });
      const started = await withTimeout(Promise.race([loaded, failed]), START_TIMEOUT_MS, 'the threaded wasm module');
      pkg.setThreadsCount(threads);
      return started;
    });
    const backend = new pkg.BackendWasm(attachTfjsBridge(module));
    if (startupError) throw startupError;
    workers.started();
    for (const worker of module.PThread?.runningWorkers ?? []) worker.unref();
    return backend;
  } catch (err) {
    workers.terminateAll();
    throw err;
  }
}

/**
 * Registers a 'wasm' backend factory that runs the threaded SIMD build with
 * `threads` threads, and returns the thread count it will ask for (capped at
 * 8), or 1 when it could not register (then the package's single-thread
 * factory stays). If the threaded build fails while starting, the factory
 * falls back to the package's single-thread build: see threadedWasmStatus()
 * and wasmThreadsInUse() for what happened. `options.workerFile` replaces
 * the pthread worker script (tests use it to force that fallback).
 */
export function registerThreadedWasmBackend(threads: number, options: { workerFile?: string } = {}): number {
  if (threads <= 1) return 1;
  if (status.requested > 0) return status.requested;
  const wanted = Math.min(MAX_THREADS, Math.floor(threads));
  let pkg: WasmPackage;
  let wasmOut: string;
  let workerFile: string;
  try {
    // The package registers its kernels and its single-thread factory.
    pkg = require('@tensorflow/tfjs-backend-wasm') as WasmPackage;
    wasmOut = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
    const { wasmWorkerContents } = require(join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
      wasmWorkerContents: string;
    };
    workerFile = options.workerFile ?? writePthreadWorkerFile(wasmWorkerContents);
    // Threads need shared wasm memory (SharedArrayBuffer).
    new webAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch (err) {
    status = { requested: 0, fallbackReason: `threaded wasm unavailable: ${firstLine(err)}` };
    return 1;
  }
  const singleThread = tf.findBackendFactory('wasm');
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      try {
        return await startThreaded(pkg, wasmOut, workerFile, wanted);
      } catch (err) {
        status = { requested: wanted, fallbackReason: `threaded wasm failed to start: ${firstLine(err)}` };
        pkg.setThreadsCount(1);
        if (!singleThread) throw err;
        return singleThread();
      }
    },
    2,
  );
  status = { requested: wanted };
  return wanted;
}
