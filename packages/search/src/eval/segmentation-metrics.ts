/** Per-pixel figures of a segmentation, from a confusion matrix. */
export interface SegmentationMetrics {
  /** share of labelled pixels predicted right */
  pixelAccuracy: number;
  /** mean of classIou over the classes that occur (in the labels or the predictions) */
  miou: number;
  /** intersection over union per class; null for a class absent from both labels and predictions */
  classIou: Array<number | null>;
  /** labelled pixels counted */
  pixels: number;
}

/**
 * A confusion matrix over `classes` classes, filled one batch of masks at a
 * time on the host. Label values outside 0..classes-1 (a dataset's "ignore"
 * value, 255 in Cityscapes/CamVid exports) are not counted.
 */
export class ConfusionMatrix {
  /** counts[label * classes + prediction] */
  readonly counts: Float64Array;
  /** labelled pixels added so far */
  pixels = 0;

  constructor(readonly classes: number) {
    this.counts = new Float64Array(classes * classes);
  }

  add(labels: ArrayLike<number>, predictions: ArrayLike<number>): void {
    const k = this.classes;
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i]!;
      if (label < 0 || label >= k) continue;
      this.counts[label * k + predictions[i]!]!++;
      this.pixels++;
    }
  }

  /** Pixel accuracy, per-class IoU = TP / (TP + FP + FN), and their mean over present classes. */
  metrics(): SegmentationMetrics {
    const k = this.classes;
    const rows = new Float64Array(k);
    const cols = new Float64Array(k);
    let total = 0;
    let right = 0;
    for (let t = 0; t < k; t++) {
      for (let p = 0; p < k; p++) {
        const n = this.counts[t * k + p]!;
        rows[t]! += n;
        cols[p]! += n;
        total += n;
        if (t === p) right += n;
      }
    }
    const classIou = Array.from({ length: k }, (_, c) => {
      const union = rows[c]! + cols[c]! - this.counts[c * k + c]!;
      return union > 0 ? this.counts[c * k + c]! / union : null;
    });
    const present = classIou.filter((v): v is number => v !== null);
    return {
      pixelAccuracy: total > 0 ? right / total : 0,
      miou: present.length > 0 ? present.reduce((a, v) => a + v, 0) / present.length : 0,
      classIou,
      pixels: total,
    };
  }
}
