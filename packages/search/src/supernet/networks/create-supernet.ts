import type { SearchSpace } from '@oqat/latency';
import type { Task } from '../../config/train-config';
import { MobileNetV3Supernet } from './mobilenet-v3';
import { SegmentationSupernet } from './segmentation-supernet';
import type { SupernetOptions } from './elastic-supernet';

/** A task's supernet, tagged with its task so callers can narrow to the concrete network. */
export type TaskSupernet = { task: 'classification'; net: MobileNetV3Supernet } | { task: 'segmentation'; net: SegmentationSupernet };

/** Builds the supernet a task trains over a space (segmentation needs a space with a segmentationHead). */
export function createSupernet(task: Task, space: SearchSpace, options: SupernetOptions): TaskSupernet {
  return task === 'segmentation'
    ? { task, net: new SegmentationSupernet(space, options) }
    : { task, net: new MobileNetV3Supernet(space, options) };
}
