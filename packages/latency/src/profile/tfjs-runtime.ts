import { UnsupportedLayerError } from '../errors';
import type { Activation, LayerDesc } from '../ir/layer-desc';
import { outputHeight, outputWidth, seHiddenChannels } from '../ir/output-shape';
import type { Rng } from '@oqat/core';
import { planChain, type ValueRef } from './chain-plan';
import type { LayerRuntime, PreparedNetwork } from './layer-runtime';

/** The tensor surface the runtime touches. */
export interface TfTensorLike {
  readonly shape: number[];
  dispose(): void;
}

type FusedActivation = 'linear' | 'relu' | 'relu6' | 'sigmoid';

/** Any function: the presence check of `TfLike` (tfjs's own rank-generic signatures are narrower than a structural type can state). */
type AnyFunction = (...args: never[]) => unknown;

/**
 * The members of the TensorFlow.js namespace this runtime calls, checked
 * structurally so that the caller's `tf` (from @oqat/engine) fits while this
 * package imports no TensorFlow.js. `TfOps` states how they are called.
 */
export interface TfLike {
  getBackend(): string;
  tensor4d: AnyFunction;
  tensor2d: AnyFunction;
  tensor1d: AnyFunction;
  tidy: AnyFunction;
  add: AnyFunction;
  mul: AnyFunction;
  relu: AnyFunction;
  relu6: AnyFunction;
  sigmoid: AnyFunction;
  mean: AnyFunction;
  avgPool: AnyFunction;
  maxPool: AnyFunction;
  reshape: AnyFunction;
  concat: AnyFunction;
  split: AnyFunction;
  image: { resizeNearestNeighbor: AnyFunction };
  fused: { conv2d: AnyFunction; depthwiseConv2d: AnyFunction; matMul: AnyFunction };
}

/** How this runtime calls the TfLike members (the tfjs 4.x signatures, restricted to what is used). */
interface TfOps<T extends TfTensorLike> {
  getBackend(): string;
  tensor4d(values: Float32Array, shape: [number, number, number, number]): T;
  tensor2d(values: Float32Array, shape: [number, number]): T;
  tensor1d(values: Float32Array): T;
  tidy(fn: () => void): void;
  add(a: T, b: T | number): T;
  mul(a: T, b: T | number): T;
  relu(x: T): T;
  relu6(x: T): T;
  sigmoid(x: T): T;
  mean(x: T, axis: number[], keepDims: boolean): T;
  avgPool(x: T, filterSize: [number, number], strides: [number, number], pad: 'same' | 'valid'): T;
  maxPool(x: T, filterSize: [number, number], strides: [number, number], pad: 'same' | 'valid'): T;
  reshape(x: T, shape: number[]): T;
  concat(xs: T[], axis: number): T;
  split(x: T, numOrSizeSplits: number, axis: number): T[];
  image: { resizeNearestNeighbor(x: T, size: [number, number]): T };
  fused: {
    conv2d(args: { x: T; filter: T; strides: [number, number]; pad: 'same' | 'valid'; bias?: T; activation?: FusedActivation }): T;
    depthwiseConv2d(args: { x: T; filter: T; strides: [number, number]; pad: 'same' | 'valid'; bias?: T; activation?: FusedActivation }): T;
    matMul(args: { a: T; b: T; bias?: T; activation?: FusedActivation }): T;
  };
}

function randomValues(rng: Rng, count: number, std: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.normal() * std;
  return out;
}

const FUSED: Partial<Record<Activation, FusedActivation>> = { relu: 'relu', relu6: 'relu6', sigmoid: 'sigmoid', none: 'linear' };

/**
 * Builds layer lists as TensorFlow.js graphs (NHWC, batch 1, biases folded,
 * conv + bias + relu/relu6/sigmoid fused as the project's inference does,
 * hswish/hsigmoid as relu6 arithmetic) and runs them eagerly. Bits are not
 * modelled: tfjs has no int8 kernels, a quantized network runs in float.
 * Runs are synchronous on the cpu, wasm and tensorflow backends (the ones
 * Node offers), so no read-back is needed to finish a run.
 */
export interface TfjsRuntimeOptions {
  /** threads of the backend (engineInfo().threads); default 1 */
  threads?: number;
}

export function createTfjsRuntime(tfNamespace: TfLike, options: TfjsRuntimeOptions = {}): LayerRuntime {
  type T = TfTensorLike;
  const tf = tfNamespace as unknown as TfOps<T>;
  const act = (x: T, a: Activation | undefined): T => {
    switch (a ?? 'none') {
      case 'relu':
        return tf.relu(x);
      case 'relu6':
        return tf.relu6(x);
      case 'sigmoid':
        return tf.sigmoid(x);
      case 'hsigmoid':
        return tf.mul(tf.relu6(tf.add(x, 3)), 1 / 6);
      case 'hswish':
        return tf.mul(x, tf.mul(tf.relu6(tf.add(x, 3)), 1 / 6));
      default:
        return x;
    }
  };
  const fusedAct = (a: Activation | undefined): FusedActivation | undefined => FUSED[a ?? 'none'];

  return {
    name: `tfjs-${tf.getBackend()}`,
    threads: Math.max(1, Math.floor(options.threads ?? 1)),
    async prepare(layers: readonly LayerDesc[], rng: Rng): Promise<PreparedNetwork> {
      const plan = planChain(layers);
      const owned: T[] = [];
      const keep = (t: T) => (owned.push(t), t);
      const feeds = plan.feeds.map((s) => keep(tf.tensor4d(randomValues(rng, s.h * s.w * s.c, 1), [1, s.h, s.w, s.c])));
      const conv = (inC: number, outC: number, k: number, groups: number) => {
        const fanIn = (inC / groups) * k * k;
        return {
          filter: keep(tf.tensor4d(randomValues(rng, k * k * (inC / groups) * outC, Math.sqrt(2 / fanIn)), [k, k, inC / groups, outC])),
          bias: keep(tf.tensor1d(randomValues(rng, outC, 0.01))),
        };
      };
      // per layer: a closure that computes its output from its inputs
      const ops = plan.steps.map(({ layer: l }, i): ((x: T, y?: T) => T) => {
        const strides: [number, number] = [l.stride, l.stride];
        switch (l.op) {
          case 'conv': {
            if (l.groups === 1) {
              const { filter, bias } = conv(l.inC, l.outC, l.kernel, 1);
              const fa = fusedAct(l.act);
              return (x) => {
                const y = tf.fused.conv2d({ x, filter, bias, strides, pad: 'same', activation: fa ?? 'linear' });
                return fa ? y : act(y, l.act);
              };
            }
            const parts = Array.from({ length: l.groups }, () => conv(l.inC / l.groups, l.outC / l.groups, l.kernel, 1));
            return (x) =>
              act(
                tf.concat(
                  tf.split(x, l.groups, 3).map((xs, g) => tf.fused.conv2d({ x: xs, filter: parts[g]!.filter, bias: parts[g]!.bias, strides, pad: 'same' })),
                  3,
                ),
                l.act,
              );
          }
          case 'dwconv': {
            const m = l.outC / l.inC;
            const filter = keep(tf.tensor4d(randomValues(rng, l.kernel * l.kernel * l.outC, Math.sqrt(2 / (l.kernel * l.kernel))), [l.kernel, l.kernel, l.inC, m]));
            const bias = keep(tf.tensor1d(randomValues(rng, l.outC, 0.01)));
            const fa = fusedAct(l.act);
            return (x) => {
              const y = tf.fused.depthwiseConv2d({ x, filter, bias, strides, pad: 'same', activation: fa ?? 'linear' });
              return fa ? y : act(y, l.act);
            };
          }
          case 'fc': {
            const inF = l.inH * l.inW * l.inC;
            const b = keep(tf.tensor2d(randomValues(rng, inF * l.outC, Math.sqrt(1 / inF)), [inF, l.outC]));
            const bias = keep(tf.tensor1d(randomValues(rng, l.outC, 0.01)));
            const fa = fusedAct(l.act);
            return (x) => {
              const y = tf.fused.matMul({ a: tf.reshape(x, [1, inF]), b, bias, activation: fa ?? 'linear' });
              return tf.reshape(fa ? y : act(y, l.act), [1, 1, 1, l.outC]);
            };
          }
          case 'avgpool':
          case 'maxpool': {
            const global = l.kernel >= l.inH && l.kernel >= l.inW && outputHeight(l) === 1 && outputWidth(l) === 1;
            if (global && l.op === 'avgpool') return (x) => act(tf.mean(x, [1, 2], true), l.act);
            return l.op === 'avgpool'
              ? (x) => act(tf.avgPool(x, [l.kernel, l.kernel], strides, 'same'), l.act)
              : (x) => act(tf.maxPool(x, [l.kernel, l.kernel], strides, 'same'), l.act);
          }
          case 'add':
            return (x, y) => act(tf.add(x, y!), l.act);
          case 'mul':
            return (x, y) => act(tf.mul(x, y!), l.act);
          case 'concat':
            return (x, y) => act(tf.concat([x, y!], 3), l.act);
          case 'upsample':
            return (x) => act(tf.image.resizeNearestNeighbor(x, [outputHeight(l), outputWidth(l)]), l.act);
          case 'activation':
            return (x) => act(x, l.act);
          case 'se': {
            const mid = seHiddenChannels(l.inC);
            const reduce = conv(l.inC, mid, 1, 1);
            const expand = conv(mid, l.inC, 1, 1);
            return (x) => {
              const s = tf.mean(x, [1, 2], true);
              const r = tf.fused.conv2d({ x: s, filter: reduce.filter, bias: reduce.bias, strides: [1, 1], pad: 'same', activation: 'relu' });
              const e = tf.fused.conv2d({ x: r, filter: expand.filter, bias: expand.bias, strides: [1, 1], pad: 'same' });
              return tf.mul(x, act(e, l.act ?? 'hsigmoid'));
            };
          }
          default:
            throw new UnsupportedLayerError('tfjs runtime', i, `has op '${(l as LayerDesc).op}', which it cannot build`);
        }
      });
      const value = (ref: ValueRef, outs: T[]) => (ref.kind === 'feed' ? feeds[ref.index]! : outs[ref.index]!);
      return {
        run: () =>
          tf.tidy(() => {
            const outs: T[] = [];
            plan.steps.forEach((step, i) => {
              outs.push(ops[i]!(value(step.input, outs), step.second ? value(step.second, outs) : undefined));
            });
          }),
        dispose: () => {
          for (const t of owned) t.dispose();
          owned.length = 0;
        },
      };
    },
  };
}
