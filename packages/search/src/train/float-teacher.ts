import { tf, type Tensor } from '@oqat/engine';
import { largestSubnet } from '@oqat/latency';
import type { Task } from '../config/train-config';
import { TRAIN } from '../supernet/forward-context';
import { loadNetworkState, type HostTensors } from '../supernet/network-state';
import { createSupernet } from '../supernet/networks/create-supernet';
import type { ElasticSupernet } from '../supernet/networks/elastic-supernet';

/**
 * The float supernet's largest subnet as the teacher of the quantized
 * phases: its soft outputs are the targets every subnet of a quantized
 * sandwich step learns from (the largest included), instead of the labels
 * and the quantized largest's own outputs. A float-only copy of the network
 * holds the float phase's kept weights; it runs without a gradient tape and
 * normalises with the batch's statistics, as the float phase trained it.
 */
export class FloatTeacher {
  private constructor(private readonly net: ElasticSupernet) {}

  static fromState(task: Task, student: ElasticSupernet, floatState: HostTensors): FloatTeacher {
    // No quantizers: the float phase's weights run as they were trained.
    const { net } = createSupernet(task, student.space, { seed: student.options.seed });
    try {
      loadNetworkState(net, floatState, 'the kept float weights');
    } catch (err) {
      net.dispose();
      throw err;
    }
    net.setActive(largestSubnet(net.space, 32));
    return new FloatTeacher(net);
  }

  /** Class probabilities for a batch (per pixel for segmentation); the caller disposes them. */
  probabilities(images: Tensor): Tensor {
    return tf.tidy(() => tf.softmax(this.net.forward(images, TRAIN)));
  }

  dispose(): void {
    this.net.dispose();
  }
}
