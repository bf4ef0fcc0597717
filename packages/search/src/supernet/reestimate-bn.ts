import { tf, type Tensor } from '@oqat/engine';
import type { BnStatsSum } from './forward-context';
import type { ElasticSupernet } from './networks/elastic-supernet';

/**
 * Re-estimates the batch-norm statistics of the active subnet (OFA's
 * set_running_statistics): forward a fixed set of training batches with
 * batch statistics, average each layer's batch mean and variance, and write
 * them into the first C channels of its running statistics. Needed before
 * evaluating or extracting a subnet: training never tracks running
 * statistics, since all subnets share the layers.
 */
export function reestimateBn(net: ElasticSupernet, batches: readonly Tensor[]): void {
  const calibration = new Map<string, BnStatsSum>();
  try {
    for (const images of batches) tf.tidy(() => void net.forward(images, { mode: 'calibrate', calibration }));
    const layers = net.batchNorms();
    for (const [name, sum] of calibration) layers.get(name)!.applyCalibration(sum);
  } finally {
    for (const sum of calibration.values()) {
      sum.mean.dispose();
      sum.variance.dispose();
    }
  }
}
