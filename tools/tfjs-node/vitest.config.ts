// The engine, quant, supernet and export tests on the `tensorflow` backend
// (tfjs-node), for CI after tools/tfjs-node/build-tfjs-node.sh:
//
//   npx vitest run --config tools/tfjs-node/vitest.config.ts
//
// OQAT_BACKEND=tensorflow makes every initEngine call in these files pick
// tensorflow (no fallback: without tfjs-node they fail), so the fused
// kernels run as their tf-op composites. A subset that touches each part
// once, ~1-2 min here: the composites against cpu (BN train + gradient,
// LSQ forward + gradient, hard activations, the SGD update), LSQ against its
// host reference, bit inheritance, the supernet (subnets, BN, shared
// weights, step gradients, static extraction), SgdNesterov, the training
// loop (float, 4-bit and inherited 2-bit phases) and the exports.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { sharedVitestConfig } from '../../vitest.shared';

export default defineConfig({
  test: {
    ...sharedVitestConfig.test,
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: [
      'packages/engine/src/**/*.tensorflow.test.ts',
      'packages/quant/src/quantizers/lsq.test.ts',
      'packages/quant/src/inherit.test.ts',
      'packages/search/src/supernet/networks/mobilenet-v3.test.ts',
      'packages/search/src/train/sgd-nesterov.test.ts',
      'packages/search/src/train/train.test.ts',
      'packages/export/src/export-subnet.test.ts',
    ],
    exclude: [],
    // TF_CPP_MIN_LOG_LEVEL=2 keeps most of TensorFlow's start-up INFO lines out of
    // the log (its absl oneDNN line, written before logging is set up, still shows).
    env: { OQAT_BACKEND: 'tensorflow', TF_CPP_MIN_LOG_LEVEL: '2' },
  },
});
