/**
 * Evaluation metrics. Classification: top-k, mean per-class accuracy, confusion matrix, per-class
 * precision/recall. Localisation: ActivityNet-style average precision per class at a tIoU threshold
 * (greedy matching by score, interpolated precision envelope), averaged over classes → mAP.
 */
import { tIoU } from '../util/intervals.js';

/** probs: N×C row-major; labels: N class indices. */
export function topKAccuracy(probs: ArrayLike<number>, labels: ArrayLike<number>, C: number, k: number): number {
  const N = labels.length;
  if (N === 0) return NaN;
  let hit = 0;
  for (let i = 0; i < N; i++) {
    const y = labels[i]!;
    const py = probs[i * C + y]!;
    // rank = number of classes scored strictly higher (ties count in the sample's favour)
    let higher = 0;
    for (let c = 0; c < C; c++) if (probs[i * C + c]! > py) higher++;
    if (higher < k) hit++;
  }
  return hit / N;
}

export function argmaxRows(probs: ArrayLike<number>, C: number): Int32Array {
  const N = Math.floor(probs.length / C);
  const out = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (probs[i * C + c]! > probs[i * C + best]!) best = c;
    out[i] = best;
  }
  return out;
}

/** m[true][pred] counts. */
export function confusionMatrix(pred: ArrayLike<number>, labels: ArrayLike<number>, C: number): number[][] {
  const m = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]!]![pred[i]!]! += 1;
  return m;
}

export interface PerClass {
  precision: number;
  recall: number;
  support: number;
}

/** Precision/recall per class from a confusion matrix (NaN where undefined: nothing predicted / no support). */
export function perClassPrecisionRecall(m: number[][]): PerClass[] {
  const C = m.length;
  return m.map((row, c) => {
    const tp = row[c]!;
    const support = row.reduce((a, b) => a + b, 0);
    let predicted = 0;
    for (let r = 0; r < C; r++) predicted += m[r]![c]!;
    return { precision: predicted ? tp / predicted : NaN, recall: support ? tp / support : NaN, support };
  });
}

/** Mean over classes that have samples of the per-class recall. */
export function meanPerClassAccuracy(m: number[][]): number {
  const recalls = perClassPrecisionRecall(m)
    .filter((p) => p.support > 0)
    .map((p) => p.recall);
  return recalls.length ? recalls.reduce((a, b) => a + b, 0) / recalls.length : NaN;
}

export interface ClassificationReport {
  top1: number;
  top5: number;
  meanPerClassAccuracy: number;
  confusion: number[][];
  perClass: PerClass[];
}

export function classificationReport(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  C: number,
): ClassificationReport {
  const confusion = confusionMatrix(argmaxRows(probs, C), labels, C);
  return {
    top1: topKAccuracy(probs, labels, C, 1),
    top5: topKAccuracy(probs, labels, C, Math.min(5, C)),
    meanPerClassAccuracy: meanPerClassAccuracy(confusion),
    confusion,
    perClass: perClassPrecisionRecall(confusion),
  };
}

export interface GtSegment {
  videoId: string;
  classId: string;
  start: number;
  end: number;
}

export interface PredSegment extends GtSegment {
  score: number;
}

/** ActivityNet interpolated AP from precision/recall arrays. */
function interpolatedAp(prec: number[], rec: number[]): number {
  const mprec = [0, ...prec, 0];
  const mrec = [0, ...rec, 1];
  for (let i = mprec.length - 2; i >= 0; i--) mprec[i] = Math.max(mprec[i]!, mprec[i + 1]!);
  let ap = 0;
  for (let i = 1; i < mrec.length; i++) if (mrec[i] !== mrec[i - 1]) ap += (mrec[i]! - mrec[i - 1]!) * mprec[i]!;
  return ap;
}

/** AP of one class's predictions against its ground truth at one tIoU threshold. */
export function averagePrecision(gt: GtSegment[], preds: PredSegment[], threshold: number): number {
  if (gt.length === 0) return NaN;
  const sorted = preds.slice().sort((a, b) => b.score - a.score);
  const used = new Set<GtSegment>();
  const byVideo = new Map<string, GtSegment[]>();
  for (const g of gt) byVideo.set(g.videoId, [...(byVideo.get(g.videoId) ?? []), g]);
  let tp = 0;
  let fp = 0;
  const prec: number[] = [];
  const rec: number[] = [];
  for (const p of sorted) {
    const candidates = (byVideo.get(p.videoId) ?? [])
      .map((g) => ({ g, iou: tIoU(p, g) }))
      .sort((a, b) => b.iou - a.iou);
    let matched = false;
    for (const { g, iou } of candidates) {
      if (iou < threshold) break;
      if (used.has(g)) continue;
      used.add(g);
      matched = true;
      break;
    }
    if (matched) tp++;
    else fp++;
    prec.push(tp / (tp + fp));
    rec.push(tp / gt.length);
  }
  return interpolatedAp(prec, rec);
}

/** mAP over the classes present in the ground truth, at each tIoU threshold (default 0.3/0.5/0.7). */
export function localizationMap(
  gt: GtSegment[],
  preds: PredSegment[],
  thresholds: number[] = [0.3, 0.5, 0.7],
): { thresholds: number[]; mAP: number[]; perClass: Record<string, number[]>; average: number } {
  const classes = [...new Set(gt.map((g) => g.classId))].sort();
  const perClass: Record<string, number[]> = {};
  for (const c of classes) {
    const g = gt.filter((s) => s.classId === c);
    const p = preds.filter((s) => s.classId === c);
    perClass[c] = thresholds.map((t) => averagePrecision(g, p, t));
  }
  const mAP = thresholds.map((_, i) =>
    classes.length ? classes.reduce((s, c) => s + perClass[c]![i]!, 0) / classes.length : NaN,
  );
  return { thresholds, mAP, perClass, average: mAP.reduce((a, b) => a + b, 0) / (mAP.length || 1) };
}
