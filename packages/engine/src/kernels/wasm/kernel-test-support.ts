// Shared by the gradient-kernel tests: seeded random cases and a cpu-vs-wasm
// comparison of one kernel call. Not exported from the package.
import { createRng } from '@oqat/core';
import { tf } from '../../tf';
import type { NamedAttrMap } from '../../tf';

export interface ConvCase {
  name: string;
  batch: number;
  size: number;
  kernel: number;
  stride: number;
  pad: 'same' | 'valid';
  inChannels: number;
  outChannels: number;
  seed: number;
}

/** Every combination the foundation issue asks for, with random map sizes and channels. */
export function convCases(seed: number): ConvCase[] {
  const rng = createRng(seed).next;
  const cases: ConvCase[] = [];
  for (const stride of [1, 2]) {
    for (const pad of ['same', 'valid'] as const) {
      for (const kernel of [1, 3, 5, 7]) {
        for (const batch of [1, 8]) {
          const size = kernel + 1 + Math.floor(rng() * 8);
          const inChannels = 1 + Math.floor(rng() * 6);
          const outChannels = 1 + Math.floor(rng() * 6);
          const caseSeed = Math.floor(rng() * 1e9);
          const name = `k${kernel} s${stride} ${pad} n${batch} ${size}x${size} c${inChannels}->${outChannels}`;
          cases.push({ name, batch, size, kernel, stride, pad, inChannels, outChannels, seed: caseSeed });
        }
      }
    }
  }
  return cases;
}

export function randomValues(count: number, rng: () => number): Float32Array {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = rng() * 2 - 1;
  return values;
}

export interface KernelCall {
  kernel: string;
  inputs: Record<string, { shape: number[]; values: Float32Array }>;
  attrs: NamedAttrMap;
}

/** Runs one kernel on a backend and returns its output values and shape. */
export async function runOn(backend: 'cpu' | 'wasm', call: KernelCall): Promise<{ shape: number[]; values: Float32Array }> {
  if (!(await tf.setBackend(backend))) throw new Error(`setBackend('${backend}') failed`);
  return tf.tidy(() => {
    const inputs: Record<string, tf.Tensor> = {};
    for (const [name, input] of Object.entries(call.inputs)) inputs[name] = tf.tensor(input.values, input.shape);
    const out = tf.engine().runKernel(call.kernel, inputs, call.attrs) as tf.Tensor;
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
}

/** max |a-b| over max |b|: the relative error the issue bounds by 1e-4. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / scale;
}

/** Runs the call on cpu then wasm; returns the relative error, after checking shape and leaks. */
export async function compareWithCpu(call: KernelCall): Promise<number> {
  const expected = await runOn('cpu', call);
  const before = tf.memory().numTensors;
  const actual = await runOn('wasm', call);
  if (tf.memory().numTensors !== before) throw new Error(`${call.kernel} leaked ${tf.memory().numTensors - before} tensors`);
  if (actual.shape.join() !== expected.shape.join()) {
    throw new Error(`${call.kernel}: shape [${actual.shape}] on wasm, [${expected.shape}] on cpu`);
  }
  return relativeError(actual.values, expected.values);
}

/** The forward conv's output shape for a case (depthwise: in*multiplier channels). */
export function caseShapes(c: ConvCase, depthwise: boolean) {
  const xShape: [number, number, number, number] = [c.batch, c.size, c.size, c.inChannels];
  const multiplier = depthwise ? 1 + (c.outChannels % 2) : 0;
  const filterShape: [number, number, number, number] = depthwise
    ? [c.kernel, c.kernel, c.inChannels, multiplier]
    : [c.kernel, c.kernel, c.inChannels, c.outChannels];
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, c.stride, 1, c.pad, undefined, depthwise);
  const dyShape = [c.batch, info.outHeight, info.outWidth, depthwise ? c.inChannels * multiplier : c.outChannels];
  return { xShape, filterShape, dyShape };
}

export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
