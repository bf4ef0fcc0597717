import { createRng, derive } from '@oqat/core';
import { tf, type Tensor } from '@oqat/engine';
import { largestSubnet, sampleSubnet, smallestSubnet, type SubnetSpec } from '@oqat/latency';
import type { PhaseSubnets } from '../config/train-config';
import { classBalancedPixelWeights, distillationLoss, labelLoss, PIXEL_CLASS_BALANCE } from '../losses';
import { subnetKey } from '../space/subnet-spec';
import type { ElasticSupernet } from '../supernet/networks/elastic-supernet';

export interface SandwichOptions {
  bits: number;
  /** 'largest': the step trains the largest subnet alone (no students) */
  subnets?: PhaseSubnets;
  /** soft targets from a teacher outside the step (the float supernet): every subnet learns from them */
  teacherProbabilities?: Tensor;
  randomSubnets: number;
  distill: boolean;
  labelSmoothing: number;
  /** run seed; the step's subnets come from derive(seed, 'sandwich', phase, step) */
  seed: number;
  phaseIndex: number;
  phaseStep: number;
}

export interface SandwichResult {
  /** summed gradients of all subnets by parameter name; the caller disposes them */
  grads: Map<string, Tensor>;
  /** loss of each subnet, largest first */
  losses: number[];
  sampled: SubnetSpec[];
}

/**
 * The subnets of one step: largest, smallest, then random ones from the
 * step's own seed. The smallest is dropped when it is the largest (a
 * one-architecture space trains that architecture once per step).
 */
export function sandwichSubnets(net: ElasticSupernet, o: SandwichOptions): SubnetSpec[] {
  if (o.subnets === 'largest') return [largestSubnet(net.space, o.bits)];
  const rng = createRng(derive(o.seed, 'sandwich', o.phaseIndex, o.phaseStep));
  const random = Array.from({ length: o.randomSubnets }, () => sampleSubnet(net.space, rng, o.bits));
  const largest = largestSubnet(net.space, o.bits);
  const smallest = smallestSubnet(net.space, o.bits);
  return subnetKey(largest) === subnetKey(smallest) ? [largest, ...random] : [largest, smallest, ...random];
}

/**
 * One sandwich-rule step (BigNAS/OFA): the largest subnet learns from the
 * labels (label-smoothed; per pixel when the network is a segmentation one
 * and `labels` are masks [N, H, W]); the smallest and the random ones learn from the
 * largest's softened outputs (in-place distillation) or from the labels.
 * Per pixel, the distillation loss weights pixels as the label loss does
 * (class-balanced from the batch's masks), so the students learn the rare
 * item classes as much as the teacher.
 * Gradients are summed over subnets, as OFA accumulates them before one
 * optimizer step.
 */
export function sandwichStep(net: ElasticSupernet, images: Tensor, labels: Tensor, o: SandwichOptions): SandwichResult {
  const specs = sandwichSubnets(net, o);
  const grads = new Map<string, Tensor>();
  const losses: number[] = [];
  let teacher: Tensor | undefined;
  // Per pixel: the batch's class-balanced weights, once for the label loss and every distillation loss.
  const pixelWeights = labels.rank > 1 ? classBalancedPixelWeights(labels, net.space.numClasses, PIXEL_CLASS_BALANCE) : undefined;
  try {
    specs.forEach((spec, i) => {
      net.setActive(spec);
      const params = net.params();
      const byId = new Map(params.map((p) => [p.variable.name, p.name]));
      const ctx = { mode: 'train' as const, dropoutSeed: derive(o.seed, 'dropout', o.phaseIndex, o.phaseStep, i) };
      const { value, grads: g } = tf.variableGrads(() => {
        const logits = net.forward(images, ctx);
        if (o.teacherProbabilities) return distillationLoss(logits, o.teacherProbabilities, pixelWeights) as tf.Scalar;
        if (i === 0 && o.distill) teacher = tf.keep(tf.softmax(logits));
        return (i === 0 || !o.distill ? labelLoss(logits, labels, o.labelSmoothing, pixelWeights) : distillationLoss(logits, teacher!, pixelWeights)) as tf.Scalar;
      }, params.map((p) => p.variable));
      losses.push(value.dataSync()[0]!);
      value.dispose();
      for (const [id, grad] of Object.entries(g)) {
        const name = byId.get(id)!;
        const prev = grads.get(name);
        if (prev) {
          grads.set(name, tf.add(prev, grad));
          prev.dispose();
          grad.dispose();
        } else {
          grads.set(name, grad);
        }
      }
    });
  } finally {
    teacher?.dispose();
    pixelWeights?.dispose();
  }
  return { grads, losses, sampled: o.subnets === 'largest' ? [] : specs.slice(specs.length - o.randomSubnets) };
}
