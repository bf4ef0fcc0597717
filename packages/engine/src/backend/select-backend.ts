import { createRequire } from 'node:module';
import { tf } from '../tf';
import { BackendUnavailableError, UnknownBackendError } from '../errors';
import { registerThreadedWasmBackend, wasmThreadsInUse } from './wasm-threaded';

export type BackendRequest = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export interface EngineOptions {
  backend?: BackendRequest;
  /** wasm threads; default: all cores (2 here). 1 uses the package's own single-thread build. */
  threads?: number;
}

export interface EngineInfo {
  /** tfjs backend name that is active: 'tensorflow', 'wasm' or 'cpu'. */
  backend: string;
  requested: BackendRequest;
  /** which package provided it (e.g. '@tensorflow/tfjs-node-gpu'). */
  provider: string;
  threads: number;
  /** one sentence saying why this backend was chosen. */
  reason: string;
  tried: Array<{ backend: string; error: string }>;
}

interface Candidate {
  name: string;
  provider: string;
  load: (opts: Required<EngineOptions>) => Promise<number>;
}

const require = createRequire(import.meta.url);

/** tfjs-node(-gpu) register the 'tensorflow' backend as a side effect of being required. */
function loadTensorflow(pkg: string): Candidate['load'] {
  return async () => {
    require(pkg);
    if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but setBackend('tensorflow') failed`);
    return 0;
  };
}

async function loadWasm(opts: Required<EngineOptions>): Promise<number> {
  const threads = opts.threads > 1 ? registerThreadedWasmBackend(opts.threads) : 1;
  if (threads === 1) await import('@tensorflow/tfjs-backend-wasm');
  // setBackend resolves false (and getBackend may still say 'wasm') when init fails.
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm module failed to initialise');
  // The threaded factory may fall back to one thread after registering: report what runs.
  return threads > 1 ? wasmThreadsInUse() : 1;
}

async function loadCpu(): Promise<number> {
  // The cpu backend prints a multi-line "install tfjs-node" banner when it is
  // constructed in Node; IS_TEST hides it. The flag is restored at once because
  // it also turns on a per-kernel leak check that misfires on wasm.
  const wasTest = tf.env().getBool('IS_TEST');
  tf.env().set('IS_TEST', true);
  try {
    if (!(await tf.setBackend('cpu'))) throw new Error("setBackend('cpu') failed");
  } finally {
    tf.env().set('IS_TEST', wasTest);
  }
  return 1;
}

const CANDIDATES: Record<Exclude<BackendRequest, 'auto'>, Candidate[]> = {
  tensorflow: [
    { name: 'tensorflow', provider: '@tensorflow/tfjs-node-gpu', load: loadTensorflow('@tensorflow/tfjs-node-gpu') },
    { name: 'tensorflow', provider: '@tensorflow/tfjs-node', load: loadTensorflow('@tensorflow/tfjs-node') },
  ],
  wasm: [{ name: 'wasm', provider: '@tensorflow/tfjs-backend-wasm', load: loadWasm }],
  cpu: [{ name: 'cpu', provider: '@tensorflow/tfjs-backend-cpu', load: loadCpu }],
};

/**
 * OQAT_BACKEND (tensorflow, wasm or cpu), when set, replaces every request,
 * an explicit one included: it runs a whole test suite or tool on one
 * backend (CI runs the engine, quant, supernet and export tests this way on
 * `tensorflow`). No fallback: an unavailable forced backend fails.
 */
export function forcedBackend(): Exclude<BackendRequest, 'auto'> | undefined {
  const value = process.env.OQAT_BACKEND?.trim();
  if (!value || value === 'auto') return undefined;
  if (!BACKEND_REQUESTS.includes(value as BackendRequest)) throw new UnknownBackendError(value, 'OQAT_BACKEND');
  return value as Exclude<BackendRequest, 'auto'>;
}

/** The backend initEngine will look for: OQAT_BACKEND if set, else the request, else auto. */
export function effectiveRequest(options: EngineOptions = {}): BackendRequest {
  return forcedBackend() ?? options.backend ?? 'auto';
}

function candidatesFor(request: BackendRequest): Candidate[] {
  if (request === 'auto') return [...CANDIDATES.tensorflow, ...CANDIDATES.wasm, ...CANDIDATES.cpu];
  return CANDIDATES[request];
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.slice(0, 200);
}

/**
 * Tries backends in a fixed preference order (tfjs-node-gpu > tfjs-node >
 * wasm > cpu for 'auto') and activates the first that works.
 */
export async function selectBackend(options: EngineOptions = {}): Promise<EngineInfo> {
  const requested = effectiveRequest(options);
  if (!BACKEND_REQUESTS.includes(requested)) throw new UnknownBackendError(String(requested));
  const forced = forcedBackend() !== undefined && options.backend !== requested;
  const opts: Required<EngineOptions> = {
    backend: requested,
    threads: Math.max(1, Math.floor(options.threads ?? defaultThreads())),
  };
  const tried: EngineInfo['tried'] = [];
  for (const candidate of candidatesFor(requested)) {
    try {
      const threads = await candidate.load(opts);
      const skipped = tried.length ? ` (${tried.map((t) => `${t.backend} unavailable: ${t.error}`).join('; ')})` : '';
      const reason = forced
        ? `OQAT_BACKEND=${requested} replaces the ${options.backend ?? 'auto'} request`
        : requested === 'auto'
          ? `auto: ${candidate.provider} is the fastest backend present${skipped}`
          : `${requested} was requested`;
      return { backend: candidate.name, requested, provider: candidate.provider, threads: threads || 1, reason, tried };
    } catch (err) {
      tried.push({ backend: candidate.provider, error: firstLine(err) });
    }
  }
  throw new BackendUnavailableError(requested, tried);
}

function defaultThreads(): number {
  const env = Number(process.env.OQAT_THREADS);
  if (Number.isFinite(env) && env >= 1) return env;
  return Math.max(1, navigatorCores());
}

function navigatorCores(): number {
  // os.availableParallelism is Node ≥ 18.14.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const os = require('node:os') as typeof import('node:os');
  return os.availableParallelism?.() ?? os.cpus().length;
}
