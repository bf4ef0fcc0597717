import { Worker, type WorkerOptions } from 'node:worker_threads';

type ErrorHandler = (error: unknown) => void;

/**
 * The Worker class the Emscripten runtime instantiates for its pthreads.
 * - execArgv is emptied: workers otherwise inherit the parent's loader flags
 *   (tsx, vitest), which try to transform the plain CommonJS worker script
 *   and fail on it.
 * - Errors during start-up go to `onStartupError` instead of Emscripten's
 *   handler, which rethrows them as an uncaught exception (killing the
 *   process where we want to fall back to one thread), including errors
 *   raised before Emscripten attaches its listener.
 * - Every instance is remembered so a failed start can terminate them all.
 */
export function pthreadWorkerClass(onStartupError: ErrorHandler): {
  WorkerClass: typeof Worker;
  started: () => void;
  terminateAll: () => void;
} {
  const instances: Worker[] = [];
  let starting = true;
  class PthreadWorker extends Worker {
    #emscriptenOnError: ErrorHandler | undefined;
    constructor(filename: string | URL, options: WorkerOptions = {}) {
      super(filename, { ...options, execArgv: [] });
      instances.push(this);
      // Emscripten listens for 'error' only once the module has compiled; a worker that fails before that would
      // otherwise emit an 'error' nobody handles, which Node throws as uncaught (a flaky crash, not a fallback).
      this.on('error', (error) => {
        if (starting) onStartupError(error);
      });
    }
    get onerror(): ErrorHandler {
      return (error) => (starting ? onStartupError(error) : this.#emscriptenOnError?.(error));
    }
    set onerror(handler: ErrorHandler) {
      this.#emscriptenOnError = handler;
    }
  }
  return {
    WorkerClass: PthreadWorker,
    started: () => {
      starting = false;
    },
    terminateAll: () => {
      for (const worker of instances) void worker.terminate();
    },
  };
}
