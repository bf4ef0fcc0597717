// Child-process fixture for wasm-threaded.test.ts: starts the wasm backend
// with the thread count given as argv[2] (and, with argv[3], a broken pthread
// worker script to force the single-thread fallback), runs a small conv net
// forward and backward, and prints the outputs and the thread count as JSON.
import { tf } from '../tf';
import { registerEngineKernels } from '../register-kernels';
import { batchNormTrain } from '../ops/batch-norm-train';
import { registerThreadedWasmBackend, threadedWasmStatus, wasmThreadsInUse } from './wasm-threaded';

const threads = Number(process.argv[2] ?? '2');
const brokenWorker = process.argv[3];
const asked = registerThreadedWasmBackend(threads, brokenWorker ? { workerFile: brokenWorker } : {});
if (asked === 1) await import('@tensorflow/tfjs-backend-wasm');
if (!(await tf.setBackend('wasm'))) throw new Error('wasm failed to start');
registerEngineKernels('wasm');

// Large enough for every SIMD kernel to split its work with the helper thread.
const x = tf.randomNormal([16, 32, 32, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
const w1 = tf.randomNormal([3, 3, 3, 64], 0, 0.3, 'float32', 8) as tf.Tensor4D;
const w2 = tf.randomNormal([3, 3, 64, 1], 0, 0.3, 'float32', 9) as tf.Tensor4D;
const gamma = tf.ones([64]) as tf.Tensor1D;
const beta = tf.zeros([64]) as tf.Tensor1D;
// conv (Conv2DBackpropFilter), BN + ReLU (our SIMD BN kernels), depthwise
// (its filter and input gradients): all our kernels, on shared memory.
const f = (...ws: tf.Tensor[]) => {
  const h = batchNormTrain(tf.conv2d(x, ws[0] as tf.Tensor4D, 2, 'same'), gamma, beta, { relu: true }).y;
  return tf.depthwiseConv2d(h, ws[1] as tf.Tensor4D, 2, 'same').square().sum();
};
const run = () => tf.tidy(() => {
  const { value, grads } = tf.valueAndGrads(f)([w1, w2]);
  return [value, ...grads].map((t) => Array.from(t.dataSync()));
});
run(); // starts the SIMD kernels' helper thread, which is used once it is up
await new Promise((resolve) => setTimeout(resolve, 500));
const [[...value], ...grads] = run();
// Repeated runs must agree exactly (a race between threads would not).
const deterministic = JSON.stringify(run()) === JSON.stringify([value, ...grads]);
process.stdout.write(
  JSON.stringify({
    threads: wasmThreadsInUse(),
    status: threadedWasmStatus(),
    value,
    grads,
    deterministic,
  }),
);
process.exit(0);
