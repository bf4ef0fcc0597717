import { floatBatches } from '@oqat/data';
import { tf } from '@oqat/engine';
import type { SubnetSpec } from '@oqat/latency';
import { analogDevice, type AnalogDevice } from '@oqat/quant';
import { AnalogRun } from '../static/analog-layers';
import { setAnalogDevice } from '../static/analog-network';
import type { StaticMobileNet } from '../static/static-mobilenet';
import type { MobileNetV3Supernet } from '../supernet/networks/mobilenet-v3';
import { staticSubnet } from '../supernet/static-subnet';
import { INPUT_NORMALIZATION, type EvalData } from './evaluate-subnet';

/** Accuracy of a subnet on the analog device (every conv and linear through analogMatmul). */
export interface AnalogEvalResult {
  device: AnalogDevice;
  /** seed of the device's noise draws */
  seed: number;
  top1: number;
  loss: number;
  images: number;
}

/** Images per analog batch: the device model holds every block's products ([G, B, M, N]) at once. */
const ANALOG_BATCH = 50;

/** Top-1 and mean loss of a static classification network with its convs and linears on the device. */
export function classifyOnDevice(stat: StaticMobileNet, data: Omit<EvalData, 'bn'>, device: AnalogDevice, seed: number): AnalogEvalResult {
  setAnalogDevice(stat, new AnalogRun(device, seed));
  let correct = 0;
  let lossSum = 0;
  let seen = 0;
  try {
    for (const b of floatBatches(data.test, { batchSize: Math.min(data.batchSize, ANALOG_BATCH), seed: 0, shuffle: false, normalize: data.normalization ?? INPUT_NORMALIZATION })) {
      const [hits, loss] = tf.tidy(() => {
        const images = tf.tensor4d(b.images, [b.size, b.height, b.width, b.channels]);
        const labels = tf.tensor1d(b.labels, 'int32');
        const logits = stat.forward(images);
        const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1]!), logits, undefined, 0, tf.Reduction.SUM);
        return [tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'int32')).dataSync()[0]!, ce.dataSync()[0]!];
      });
      correct += hits;
      lossSum += loss;
      seen += b.size;
    }
  } finally {
    setAnalogDevice(stat, undefined);
  }
  return { device, seed, top1: correct / seen, loss: lossSum / seen, images: seen };
}

/**
 * "Accuracy on the analog device" of one subnet: BN statistics re-estimated
 * for it on data.bn (as evaluateSubnet does; empty: the statistics as they
 * stand, right just after evaluateSubnet of the same spec), the subnet extracted as a static network
 * with its frozen quantizers, then every conv and linear multiplied by the
 * device (ABFP blocks, DAC/weight bits, noise, gain, ADC) over the test set.
 */
export function evaluateAnalogSubnet(net: MobileNetV3Supernet, spec: SubnetSpec, data: EvalData, device: Partial<AnalogDevice> = {}, seed = 0): AnalogEvalResult {
  const d = analogDevice(device);
  const stat = staticSubnet(net, spec, { bnImages: data.bn });
  try {
    return classifyOnDevice(stat, data, d, seed);
  } finally {
    stat.dispose();
  }
}
