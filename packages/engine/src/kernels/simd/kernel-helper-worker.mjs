// A second thread for our SIMD kernels (see kernel-helper.ts): its own
// instance of the kernels module on the same shared tfjs memory. It sleeps
// on a control word and runs one kernel call per job; plain JS so that it
// needs no TypeScript loader.
import { workerData } from 'node:worker_threads';

const { bytes, memory, control, names } = workerData;
const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
// Views on the shared buffer stay valid when the heap grows (a grown shared
// memory keeps its old bytes in place).
const state = new Int32Array(memory.buffer, control, 4);
const args = new Float64Array(memory.buffer, control + 16, 24);
Atomics.store(state, 3, 1); // ready: the main thread hands out work from now on

for (;;) {
  // Sleep until a job is posted (state 1); 0 (idle) and 2 (done, not yet
  // collected) both mean: no new job.
  for (let s = Atomics.load(state, 0); s !== 1; s = Atomics.load(state, 0)) Atomics.wait(state, 0, s);
  try {
    instance.exports[names[state[1]]](...args.subarray(0, state[2]));
    state[3] = 1;
  } catch (err) {
    state[3] = 3; // failed: the main thread throws, naming the kernel
    process.stderr.write(`wasm kernel helper: ${err}\n`);
  }
  Atomics.store(state, 0, 2);
  Atomics.notify(state, 0);
}
