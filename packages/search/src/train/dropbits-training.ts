import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf, type Tensor } from '@oqat/engine';
import { elasticLayerNames, largestSubnet, withLayerBits, type SubnetSpec } from '@oqat/latency';
import type { TrainConfig } from '../config/train-config';
import { dropBitsMinBits, DropBitsLayerQuant } from '../supernet/dropbits-layer-quant';
import type { ElasticSupernet } from '../supernet/networks/elastic-supernet';
import { innerLayerQuant } from '../supernet/sq-layer-quant';
import type { TaskData } from './task-data';
import type { LearnedBitsEvent } from './train-events';

// The training side of DropBits: each step's level masks from the step's
// seed, the regulariser on the inclusion logits, and the widths learned.

function dropBitsLayers(net: ElasticSupernet): DropBitsLayerQuant[] {
  // Under SQ a DropBits layer sits inside the SQ wrapper.
  return [...net.layerQuants.values()].map(innerLayerQuant).filter((q): q is DropBitsLayerQuant => q instanceof DropBitsLayerQuant);
}

/** Whether the supernet quantizes with DropBits (its elastic layers are DropBitsLayerQuant). */
export function usesDropBits(net: ElasticSupernet): boolean {
  return dropBitsLayers(net).length > 0;
}

/** Runs a training step's forward passes with DropBits' masks drawn from `seed`; outside it, layers quantize deterministically. */
export function withDropBits<T>(net: ElasticSupernet, seed: number, step: () => T): T {
  const layers = dropBitsLayers(net);
  for (const q of layers) q.setSampling(seed);
  try {
    return step();
  } finally {
    for (const q of layers) q.setSampling(undefined);
  }
}

/**
 * DropBits' regulariser, weight·Σ_layers E[kept levels] at `bits`: adds its
 * gradient to a step's gradients (by parameter name) and returns its value.
 */
export function addDropBitsPenalty(net: ElasticSupernet, bits: number, weight: number, grads: Map<string, Tensor>): number {
  const layers = dropBitsLayers(net);
  // A width with no droppable level (2 bits) has nothing to learn away: no logit reaches the regulariser.
  if (layers.length === 0 || weight === 0 || bits === 32 || dropBitsMinBits(bits) === bits) return 0;
  const { value, grads: g } = tf.variableGrads(
    () => tf.mul(tf.addN(layers.map((q) => q.expectedLevels(bits))), weight) as tf.Scalar,
    layers.map((q) => q.inclusion),
  );
  const penalty = value.dataSync()[0]!;
  value.dispose();
  const names = new Map(layers.map((q) => [q.inclusion.name, `${q.name}.dropbits.inclusion`]));
  for (const [id, grad] of Object.entries(g)) {
    const name = names.get(id)!;
    const prev = grads.get(name);
    grads.set(name, prev ? tf.add(prev, grad) : grad);
    if (prev) {
      prev.dispose();
      grad.dispose();
    }
  }
  return penalty;
}

/** The widths DropBits learned at a training width, as a subnet that can be evaluated, searched from or tuned. */
export interface LearnedBits {
  /** the largest subnet at `bits`, each elastic layer at its learned width (canonical bitsByLayer) */
  spec: SubnetSpec;
  /** every elastic layer's learned width, in forward order */
  widths: Record<string, number>;
  /** mean learned width over the elastic layers */
  averageBits: number;
}

/** Reads each elastic layer's learned width at training width `bits`. */
export function learnedBitsOf(net: ElasticSupernet, bits: number): LearnedBits {
  const widths: Record<string, number> = {};
  for (const name of elasticLayerNames(net.space)) {
    const q = innerLayerQuant(net.layerQuants.get(name)!);
    if (q instanceof DropBitsLayerQuant) widths[name] = q.learnedWidth(bits);
  }
  const values = Object.values(widths);
  return {
    spec: withLayerBits(net.space, largestSubnet(net.space, bits), widths),
    widths,
    averageBits: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length),
  };
}

/** The file a DropBits run writes its learned widths to, beside its checkpoint. */
export const learnedBitsFile = (bits: number): string => `learned-bits-${bits}bit.json`;

/**
 * The end of a DropBits phase: the learned widths as a subnet, evaluated on
 * the test split and written beside the checkpoint (when the run has a
 * checkpoint folder) as a SubnetSpec JSON that `oqat eval --subnet` reads.
 */
export function reportLearnedBits(net: ElasticSupernet, data: TaskData, bn: readonly Tensor[], config: TrainConfig, phase: string, bits: number): LearnedBitsEvent {
  const learned = learnedBitsOf(net, bits);
  const t0 = performance.now();
  const result = data.evaluate(learned.spec, bn, config.eval.batchSize);
  const path = config.checkpoint.dir ? join(config.checkpoint.dir, learnedBitsFile(bits)) : undefined;
  if (path) writeFileSync(path, `${JSON.stringify(learned.spec, null, 2)}\n`);
  return {
    kind: 'learned-bits', seed: config.seed, phase, bits, widths: learned.widths, averageBits: learned.averageBits,
    spec: learned.spec, result, seconds: (performance.now() - t0) / 1000, ...(path ? { path } : {}),
  };
}
