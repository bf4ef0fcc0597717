import { Worker } from 'node:worker_threads';
import type { TrainingKernelExports } from './training-kernels';
import type { WasmMemory } from './web-assembly';

type KernelName = keyof TrainingKernelExports;
const NAMES: KernelName[] = [
  'dw_filter_grad', 'conv_filter_grad', 'channel_sums', 'bn_grad_sums',
  'bn_grad_apply', 'dw_input_grad', 'sgd_momentum', 'scale_shift', 'lsq_forward', 'lsq_backward', 'act_forward', 'act_backward',
];
const IDLE = 0;
const POSTED = 1;
const DONE = 2;
// state[3]: the helper's health.
const READY = 1;
const FAILED = 3;

/**
 * Runs one of our SIMD kernel calls on a second thread while the main thread
 * runs another (each on its own part of the batch). Why: in the threaded
 * build XNNPACK's ops use both cores but our kernels (weight gradients,
 * batch norm: ~45 % of a training step) ran on one. Needs shared memory; the
 * hand-off is a control word in the tfjs heap, Atomics.wait/notify, no
 * messages. The thread is unref'd, so it never keeps Node alive.
 */
export interface KernelHelper {
  /**
   * Runs `main` here and `name(...args)` on the helper, returning when both
   * are done; until the helper has started, runs both here, one after the other.
   */
  both(name: KernelName, args: number[], main: () => void): void;
  dispose(): void;
}

const STUCK_MS = 60_000;

export function startKernelHelper(
  bytes: Uint8Array,
  memory: WasmMemory,
  controlOffset: number,
  local: TrainingKernelExports,
): KernelHelper {
  const worker = new Worker(new URL('./kernel-helper-worker.mjs', import.meta.url), {
    workerData: { bytes, memory, control: controlOffset, names: NAMES },
    execArgv: [],
  });
  worker.unref();
  const state = new Int32Array(memory.buffer, controlOffset, 4);
  const slots = new Float64Array(memory.buffer, controlOffset + 16, 24);
  return {
    both: (name, args, main) => {
      if (Atomics.load(state, 3) !== READY) {
        main();
        (local[name] as (...a: number[]) => void)(...args);
        return;
      }
      slots.set(args);
      state[1] = NAMES.indexOf(name);
      state[2] = args.length;
      Atomics.store(state, 0, POSTED);
      Atomics.notify(state, 0);
      main();
      const deadline = Date.now() + STUCK_MS;
      while (Atomics.load(state, 0) !== DONE) {
        if (Atomics.wait(state, 0, POSTED, 1000) === 'timed-out' && Date.now() > deadline) {
          throw new Error(`wasm kernel helper thread did not finish ${name} within ${STUCK_MS} ms`);
        }
      }
      Atomics.store(state, 0, IDLE);
      if (Atomics.load(state, 3) === FAILED) {
        Atomics.store(state, 3, READY);
        throw new Error(`wasm kernel helper thread failed in ${name} (see its message on stderr)`);
      }
    },
    dispose: () => void worker.terminate(),
  };
}
