import { FASHION_MNIST_STATS, floatBatches, floatSegmentationBatches, type ImageDataset, type Normalization, type SegmentationDataset } from '@oqat/data';
import { tf, type Tensor } from '@oqat/engine';
import { lowerSubnet, type SubnetSpec } from '@oqat/latency';
import type { TrainConfig } from '../config/train-config';
import { TaskMismatchError } from '../errors';
import { pixelCrossEntropy } from '../losses';
import { subnetCosts, type SubnetCosts } from '../space/layer-costs';
import { EVAL } from '../supernet/forward-context';
import type { ElasticSupernet } from '../supernet/networks/elastic-supernet';
import type { MobileNetV3Supernet } from '../supernet/networks/mobilenet-v3';
import { SegmentationSupernet } from '../supernet/networks/segmentation-supernet';
import { reestimateBn } from '../supernet/reestimate-bn';
import { ConfusionMatrix, type SegmentationMetrics } from './segmentation-metrics';

export interface EvalResult extends SubnetCosts {
  subnet: SubnetSpec;
  /** what search maximises: top1 for classification, mIoU for segmentation */
  score: number;
  /** share of test images (segmentation: labelled pixels, i.e. pixel accuracy) classified correctly, 0..1 */
  top1: number;
  /** mean cross entropy (no smoothing), per image (segmentation: per labelled pixel) */
  loss: number;
  images: number;
  /** segmentation only: per-class IoU, mIoU, pixel accuracy */
  segmentation?: SegmentationMetrics;
}

export interface EvalData {
  /** fixed training batches for BN re-estimation (see bnBatches) */
  bn: readonly Tensor[];
  test: ImageDataset;
  batchSize: number;
  /** the input scaling the network was trained with; default INPUT_NORMALIZATION */
  normalization?: Normalization;
}

export interface SegmentationEvalData {
  bn: readonly Tensor[];
  test: SegmentationDataset;
  batchSize: number;
  normalization?: Normalization;
}

/** Input scaling of Fashion-MNIST runs (and of checkpoints older than data.normalization). */
export const INPUT_NORMALIZATION = FASHION_MNIST_STATS;

/** The input scaling a training config's network takes: its data's statistics. */
export function inputNormalization(config: { data: Partial<TrainConfig['data']> }): Normalization {
  return config.data.normalization ?? INPUT_NORMALIZATION;
}

/**
 * The fixed BN re-estimation set: the first `images` training images (of
 * either task's dataset) in a seeded order (OQAT uses 2,000), unaugmented.
 * The caller disposes the tensors.
 */
export function bnBatches(
  train: ImageDataset | SegmentationDataset, images: number, batchSize: number, seed: number, normalize: Normalization = INPUT_NORMALIZATION,
): Tensor[] {
  const subset = Math.min(images, train.count);
  const options = { batchSize, seed, epoch: 0, normalize };
  const batches = 'masks' in train ? floatSegmentationBatches(train, options) : floatBatches(train, options);
  const out: Tensor[] = [];
  for (const b of batches) {
    const take = Math.min(b.size, subset - out.length * batchSize);
    if (take <= 0) break;
    const pixels = b.height * b.width * b.channels;
    out.push(tf.tensor4d(b.images.subarray(0, take * pixels), [take, b.height, b.width, b.channels]));
  }
  return out;
}

/**
 * Activates a subnet with BN statistics re-estimated for it, and its costs
 * from its layer IR. A bit width the supernet was never trained at gets
 * LSQ's data initialisation of its steps.
 */
function prepareSubnet(net: ElasticSupernet, spec: SubnetSpec, bn: readonly Tensor[]): SubnetCosts {
  net.setActive(spec);
  reestimateBn(net, bn);
  return subnetCosts(lowerSubnet(net.space, spec, { fixedBits: net.fixedBits }));
}

/**
 * Figures and costs of one subnet at its bit width, for the task of the
 * network: classification (top-1 on images) or segmentation (mIoU on masks,
 * see evaluateSegmentationSubnet). `score` is what a search maximises.
 */
export function evaluateSubnet(net: MobileNetV3Supernet, spec: SubnetSpec, data: EvalData): EvalResult;
export function evaluateSubnet(net: SegmentationSupernet, spec: SubnetSpec, data: SegmentationEvalData): EvalResult;
export function evaluateSubnet(net: MobileNetV3Supernet | SegmentationSupernet, spec: SubnetSpec, data: EvalData | SegmentationEvalData): EvalResult;
export function evaluateSubnet(net: MobileNetV3Supernet | SegmentationSupernet, spec: SubnetSpec, data: EvalData | SegmentationEvalData): EvalResult {
  const masks = 'masks' in data.test;
  if (net instanceof SegmentationSupernet) {
    if (!masks) throw new TaskMismatchError('segmentation', 'images with per-pixel masks (a SegmentationDataset)');
    return evaluateSegmentationSubnet(net, spec, data as SegmentationEvalData);
  }
  if (masks) throw new TaskMismatchError('classification', 'labelled images (an ImageDataset)');
  return evaluateClassificationSubnet(net, spec, data as EvalData);
}

/**
 * Accuracy and costs of one classification subnet at its bit width: BN
 * statistics re-estimated for it, then top-1 and loss over the test set,
 * MACs/params/bytes/BitOPs from its layer IR.
 */
export function evaluateClassificationSubnet(net: MobileNetV3Supernet, spec: SubnetSpec, data: EvalData): EvalResult {
  const costs = prepareSubnet(net, spec, data.bn);
  const { top1, loss, images } = classifyTestSet(net, data);
  return { subnet: spec, score: top1, top1, loss, images, ...costs };
}

/** Top-1 and mean loss of the network's active subnet over the test set, as it stands (no activation, no BN re-estimation). */
export function classifyTestSet(net: MobileNetV3Supernet, data: Omit<EvalData, 'bn'>): { top1: number; loss: number; images: number } {
  let correct = 0;
  let lossSum = 0;
  let seen = 0;
  for (const b of floatBatches(data.test, { batchSize: data.batchSize, seed: 0, shuffle: false, normalize: data.normalization ?? INPUT_NORMALIZATION })) {
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
  return { top1: correct / seen, loss: lossSum / seen, images: seen };
}

/**
 * Segmentation figures and costs of one subnet at its bit width: BN
 * re-estimated for it, then the confusion matrix over every labelled test
 * pixel (logits at the mask size): per-class IoU, mIoU (its score), pixel
 * accuracy (its top1) and per-pixel loss.
 */
export function evaluateSegmentationSubnet(net: SegmentationSupernet, spec: SubnetSpec, data: SegmentationEvalData): EvalResult {
  const costs = prepareSubnet(net, spec, data.bn);
  const confusion = new ConfusionMatrix(net.space.numClasses);
  let lossSum = 0;
  let seen = 0;
  for (const b of floatSegmentationBatches(data.test, { batchSize: data.batchSize, seed: 0, shuffle: false, normalize: data.normalization ?? INPUT_NORMALIZATION })) {
    const before = confusion.pixels;
    const [predictions, loss] = tf.tidy(() => {
      const images = tf.tensor4d(b.images, [b.size, b.height, b.width, b.channels]);
      const masks = tf.tensor3d(b.masks, [b.size, b.height, b.width], 'int32');
      const logits = net.forward(images, EVAL);
      return [tf.argMax(logits, 3).dataSync() as Int32Array, pixelCrossEntropy(logits, masks, 0).dataSync()[0]!];
    });
    confusion.add(b.masks, predictions);
    lossSum += loss * (confusion.pixels - before);
    seen += b.size;
  }
  const segmentation = confusion.metrics();
  return {
    subnet: spec, score: segmentation.miou, top1: segmentation.pixelAccuracy,
    loss: segmentation.pixels > 0 ? lossSum / segmentation.pixels : 0, images: seen, segmentation, ...costs,
  };
}
