import { FASHION_MNIST_STATS, floatBatches, type ImageDataset } from '@oqat/data';
import { tf, type Tensor } from '@oqat/engine';
import { subnetCosts, type SubnetCosts } from '../space/layer-costs';
import { lowerSubnet } from '../space/lower-subnet';
import type { SubnetSpec } from '../space/subnet-spec';
import { EVAL } from '../supernet/forward-context';
import type { MobileNetV3Supernet } from '../supernet/networks/mobilenet-v3';
import { reestimateBn } from '../supernet/reestimate-bn';

export interface EvalResult extends SubnetCosts {
  subnet: SubnetSpec;
  /** share of test images classified correctly, 0..1 */
  top1: number;
  /** mean cross entropy (no smoothing) */
  loss: number;
  images: number;
}

export interface EvalData {
  /** fixed training batches for BN re-estimation (see bnBatches) */
  bn: readonly Tensor[];
  test: ImageDataset;
  batchSize: number;
}

/** Input scaling every training and evaluation batch uses. */
export const INPUT_NORMALIZATION = FASHION_MNIST_STATS;

/**
 * The fixed BN re-estimation set: the first `images` training images of a
 * seeded order (OQAT uses 2,000), unaugmented. The caller disposes the tensors.
 */
export function bnBatches(train: ImageDataset, images: number, batchSize: number, seed: number): Tensor[] {
  const subset = Math.min(images, train.count);
  const out: Tensor[] = [];
  for (const b of floatBatches(train, { batchSize, seed, epoch: 0, normalize: INPUT_NORMALIZATION })) {
    const take = Math.min(b.size, subset - out.length * batchSize);
    if (take <= 0) break;
    const pixels = b.height * b.width * b.channels;
    out.push(tf.tensor4d(b.images.subarray(0, take * pixels), [take, b.height, b.width, b.channels]));
  }
  return out;
}

/**
 * Accuracy and costs of one subnet of the supernet at its bit width: BN
 * statistics re-estimated for it, then top-1 and loss over the test set,
 * MACs/params/bytes/BitOPs from its layer IR. A bit width the supernet
 * was never trained at gets LSQ's data initialisation of its steps.
 */
export function evaluateSubnet(net: MobileNetV3Supernet, spec: SubnetSpec, data: EvalData): EvalResult {
  net.setActive(spec);
  reestimateBn(net, data.bn);
  let correct = 0;
  let lossSum = 0;
  let seen = 0;
  for (const b of floatBatches(data.test, { batchSize: data.batchSize, seed: 0, shuffle: false, normalize: INPUT_NORMALIZATION })) {
    const [hits, loss] = tf.tidy(() => {
      const images = tf.tensor4d(b.images, [b.size, b.height, b.width, b.channels]);
      const labels = tf.tensor1d(b.labels, 'int32');
      const logits = net.forward(images, EVAL);
      const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1]!), logits, undefined, 0, tf.Reduction.SUM);
      const right = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'int32'));
      return [right.dataSync()[0]!, ce.dataSync()[0]!];
    });
    correct += hits;
    lossSum += loss;
    seen += b.size;
  }
  const costs = subnetCosts(lowerSubnet(net.space, spec, { fixedBits: net.precision.fixedBits }));
  return { subnet: spec, top1: correct / seen, loss: lossSum / seen, images: seen, ...costs };
}
