import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  classificationReport,
  confusionMatrix,
  localizationMap,
  meanPerClassAccuracy,
  perClassPrecisionRecall,
  topKAccuracy,
} from '../../src/eval/metrics.js';

describe('classification metrics (hand-computed)', () => {
  // 4 samples, 3 classes
  const probs = [
    0.7, 0.2, 0.1, /* y=0 ✓ */ 0.5, 0.3, 0.2, /* y=1 ✗ (2nd) */ 0.1, 0.3, 0.6, /* y=2 ✓ */ 0.2, 0.5,
    0.3 /* y=0 ✗ (3rd) */,
  ];
  const labels = [0, 1, 2, 0];
  it('top-1 / top-2 / top-3', () => {
    expect(topKAccuracy(probs, labels, 3, 1)).toBe(0.5);
    expect(topKAccuracy(probs, labels, 3, 2)).toBe(0.75);
    expect(topKAccuracy(probs, labels, 3, 3)).toBe(1);
  });
  it('confusion, precision/recall, mean per-class accuracy', () => {
    const m = confusionMatrix([0, 0, 2, 1], labels, 3);
    expect(m).toEqual([
      [1, 1, 0],
      [1, 0, 0],
      [0, 0, 1],
    ]);
    const pr = perClassPrecisionRecall(m);
    expect(pr[0]).toEqual({ precision: 0.5, recall: 0.5, support: 2 });
    expect(pr[1]).toEqual({ precision: 0, recall: 0, support: 1 });
    expect(pr[2]).toEqual({ precision: 1, recall: 1, support: 1 });
    expect(meanPerClassAccuracy(m)).toBeCloseTo((0.5 + 0 + 1) / 3, 12);
    const r = classificationReport(probs, labels, 3);
    expect(r.top1).toBe(0.5);
    expect(r.top5).toBe(1);
    expect(r.confusion).toEqual(m);
  });
});

describe('localization AP (ActivityNet style)', () => {
  const gt = [
    { videoId: 'a', classId: 'x', start: 0, end: 10 },
    { videoId: 'a', classId: 'x', start: 20, end: 30 },
  ];
  it('perfect predictions → AP 1', () => {
    expect(
      averagePrecision(
        gt,
        gt.map((g) => ({ ...g, score: 1 })),
        0.5,
      ),
    ).toBe(1);
  });
  it('hand-computed: TP, FP, TP', () => {
    const preds = [
      { videoId: 'a', classId: 'x', start: 0, end: 10, score: 0.9 }, // TP (iou 1)
      { videoId: 'a', classId: 'x', start: 0, end: 9, score: 0.8 }, // duplicate of a matched GT → FP
      { videoId: 'a', classId: 'x', start: 21, end: 30, score: 0.7 }, // TP (iou 0.9)
    ];
    // prec = [1, .5, 2/3], rec = [.5, .5, 1] → envelope [1, 2/3, 2/3] → AP = .5·1 + .5·(2/3)
    expect(averagePrecision(gt, preds, 0.5)).toBeCloseTo(0.5 + 1 / 3, 12);
    // at tIoU 0.95 the third prediction no longer matches: AP = .5·1
    expect(averagePrecision(gt, preds, 0.95)).toBeCloseTo(0.5, 12);
  });
  it('tIoU thresholds 0.3/0.5/0.7 and class averaging', () => {
    const g = [
      { videoId: 'a', classId: 'x', start: 0, end: 10 },
      { videoId: 'a', classId: 'y', start: 0, end: 10 },
    ];
    // x: iou 0.6 prediction → hit at .3/.5, miss at .7; y: no predictions → 0
    const p = [{ videoId: 'a', classId: 'x', start: 4, end: 10, score: 1 }];
    const r = localizationMap(g, p);
    expect(r.perClass['x']).toEqual([1, 1, 0]);
    expect(r.perClass['y']).toEqual([0, 0, 0]);
    expect(r.mAP).toEqual([0.5, 0.5, 0]);
  });
  it('predictions in another video never match', () => {
    expect(averagePrecision(gt, [{ videoId: 'b', classId: 'x', start: 0, end: 10, score: 1 }], 0.5)).toBe(0);
  });
});
