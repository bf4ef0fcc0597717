import { configDefaults, defineConfig } from 'vitest/config';

// One vitest setup for every project: node environment, forks pool (tfjs wasm
// keeps worker threads alive, which forks tolerate), generous timeouts for
// the gradient-kernel and training tests.
export const sharedVitestConfig = defineConfig({
  test: {
    environment: 'node',
    pool: 'forks',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // *.tensorflow.test.ts need a built @tensorflow/tfjs-node: CI runs them
    // with tools/tfjs-node/vitest.config.ts after building it.
    exclude: [...configDefaults.exclude, '**/*.tensorflow.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
