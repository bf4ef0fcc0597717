import { tf } from '../tf';
import type { Tensor2D, Tensor4D, Variable } from '../tf';
import {
  convBnTrain,
  createConvBn,
  foldConvBn,
  foldedConv,
  trainableVariables,
  type ConvBnLayer,
  type FoldedConv,
} from './conv-bn-layer';
import {
  REFERENCE_BLOCKS,
  REFERENCE_CLASSES,
  REFERENCE_HEAD_CHANNELS,
  REFERENCE_INPUT,
  REFERENCE_STEM_CHANNELS,
} from './reference-net-spec';

interface Block<L> {
  expand: L;
  depthwise: L;
  project: L;
  residual: boolean;
}

interface NetLayers<L> {
  stem: L;
  blocks: Block<L>[];
  head: L;
}

export interface ReferenceNet {
  /** every trainable variable (filters, BN scales and offsets, dense weights). */
  variables: Variable[];
  /** logits in training mode (batch statistics; running statistics updated). */
  trainLogits(x: Tensor4D): Tensor2D;
  /** an inference function with BN folded into conv biases; dispose() frees its weights. */
  foldForInference(): { logits(x: Tensor4D): Tensor2D; dispose(): void };
  dispose(): void;
}

/** Global average pool as a mean over [N, H*W, C]'s middle axis: its gradient is a broadcast, where wasm's AvgPoolGrad is slow. */
function globalAveragePool(x: Tensor4D): Tensor2D {
  const [n, h, w, c] = x.shape;
  return tf.mean(x.reshape([n, h * w, c]), 1) as Tensor2D;
}

function runNet<L>(layers: NetLayers<L>, apply: (layer: L, x: Tensor4D) => Tensor4D, x: Tensor4D): Tensor4D {
  let h = apply(layers.stem, x);
  for (const block of layers.blocks) {
    const y = apply(block.project, apply(block.depthwise, apply(block.expand, h)));
    h = block.residual ? tf.add(h, y) : y;
  }
  return apply(layers.head, h);
}

/** Builds the reference net with seeded He-normal weights. */
export function createReferenceNet(seed = 1): ReferenceNet {
  let nextSeed = seed * 1000;
  const conv = (kernel: number, inChannels: number, outChannels: number, stride: number, relu: boolean) =>
    createConvBn({ kernel, inChannels, outChannels, depthwise: false }, stride, relu, nextSeed++);
  const dw = (kernel: number, channels: number, stride: number) =>
    createConvBn({ kernel, inChannels: channels, outChannels: channels, depthwise: true }, stride, true, nextSeed++);

  const stem = conv(3, REFERENCE_INPUT.channels, REFERENCE_STEM_CHANNELS, 1, true);
  let channels = REFERENCE_STEM_CHANNELS;
  const blocks: Block<ConvBnLayer>[] = REFERENCE_BLOCKS.map((spec) => {
    const hidden = channels * spec.expand;
    const block = {
      expand: conv(1, channels, hidden, 1, true),
      depthwise: dw(spec.kernel, hidden, spec.stride),
      project: conv(1, hidden, spec.out, 1, false),
      residual: spec.stride === 1 && spec.out === channels,
    };
    channels = spec.out;
    return block;
  });
  const head = conv(1, channels, REFERENCE_HEAD_CHANNELS, 1, true);
  const denseSeed = nextSeed++;
  const denseW = tf.tidy(() =>
    tf.variable(
      tf.randomNormal([REFERENCE_HEAD_CHANNELS, REFERENCE_CLASSES], 0, Math.sqrt(1 / REFERENCE_HEAD_CHANNELS), 'float32', denseSeed),
    ),
  );
  const denseB = tf.tidy(() => tf.variable(tf.zeros([REFERENCE_CLASSES])));
  const layers: NetLayers<ConvBnLayer> = { stem, blocks, head };
  const all = [stem, ...blocks.flatMap((b) => [b.expand, b.depthwise, b.project]), head];

  return {
    variables: [...all.flatMap(trainableVariables), denseW, denseB],
    trainLogits: (x) => {
      const features = globalAveragePool(runNet(layers, convBnTrain, x));
      return tf.add(tf.matMul(features, denseW), denseB) as Tensor2D;
    },
    foldForInference: () => {
      const folded: NetLayers<FoldedConv> = {
        stem: foldConvBn(stem),
        blocks: blocks.map((b) => ({
          expand: foldConvBn(b.expand),
          depthwise: foldConvBn(b.depthwise),
          project: foldConvBn(b.project),
          residual: b.residual,
        })),
        head: foldConvBn(head),
      };
      const units = [folded.stem, ...folded.blocks.flatMap((b) => [b.expand, b.depthwise, b.project]), folded.head];
      return {
        logits: (x) =>
          tf.tidy(() => {
            const features = globalAveragePool(runNet(folded, foldedConv, x));
            return tf.fused.matMul({ a: features, b: denseW as unknown as Tensor2D, bias: denseB }) as Tensor2D;
          }),
        dispose: () => units.forEach((u) => tf.dispose([u.filter, u.bias])),
      };
    },
    dispose: () => {
      for (const layer of all) tf.dispose([layer.filter, layer.scale, layer.offset]);
      tf.dispose([denseW, denseB]);
    },
  };
}
