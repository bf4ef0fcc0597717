import { describe, expect, it } from 'vitest';
import { ConfusionMatrix } from './segmentation-metrics';

describe('ConfusionMatrix', () => {
  it('gives per-class IoU, mIoU and pixel accuracy of hand-made masks', () => {
    // 4x4 masks, classes 0 (background), 1, 2; class 3 never occurs.
    // prettier-ignore
    const label = [
      0, 0, 1, 1,
      0, 0, 1, 1,
      2, 2, 0, 0,
      2, 2, 0, 0,
    ];
    // prettier-ignore
    const predicted = [
      0, 1, 1, 1,  // one background pixel called 1
      0, 0, 1, 0,  // one class-1 pixel called background
      2, 2, 0, 0,
      0, 2, 0, 0,  // one class-2 pixel called background
    ];
    const m = new ConfusionMatrix(4);
    m.add(label, predicted);
    const r = m.metrics();
    // background: TP 7, FP 2 (a 1 and a 2 called 0), FN 1 -> 7/10
    // class 1: TP 3, FP 1, FN 1 -> 3/5; class 2: TP 3, FP 0, FN 1 -> 3/4
    expect(r.classIou[0]).toBeCloseTo(0.7, 12);
    expect(r.classIou[1]).toBeCloseTo(0.6, 12);
    expect(r.classIou[2]).toBeCloseTo(0.75, 12);
    expect(r.classIou[3]).toBeNull();
    expect(r.miou).toBeCloseTo((0.7 + 0.6 + 0.75) / 3, 12);
    expect(r.pixelAccuracy).toBe(13 / 16);
    expect(r.pixels).toBe(16);
  });

  it('accumulates batches, skips ignored labels, and counts a class only predicted as IoU 0', () => {
    const m = new ConfusionMatrix(3);
    m.add([0, 1, 255], [0, 1, 2]);
    m.add([1, 1], [1, 2]);
    const r = m.metrics();
    expect(r.pixels).toBe(4);
    expect(r.classIou).toEqual([1, 2 / 3, 0]);
    expect(r.miou).toBeCloseTo((1 + 2 / 3 + 0) / 3, 12);
    expect(r.pixelAccuracy).toBe(3 / 4);
    // a perfect prediction
    const p = new ConfusionMatrix(2);
    p.add([0, 1, 1], [0, 1, 1]);
    expect(p.metrics()).toMatchObject({ miou: 1, pixelAccuracy: 1 });
  });
});
