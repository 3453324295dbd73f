/**
 * Active learning: which stretches of unlabelled video would teach the model the most if labelled
 * next. Windows are ranked by the entropy of the model's class distribution (ties broken by the
 * smaller margin between the two most likely classes), windows overlapping a labelled segment are
 * skipped, and overlapping candidates are thinned so the suggestions cover different moments.
 */
import type { VideoFeatures } from '../training/dataset.js';
import type { TrainedModel } from '../training/model-io.js';
import { windows, type WindowResult } from './predict.js';

export interface Suggestion {
  videoId: string;
  start: number;
  end: number;
  /** Entropy of the predicted distribution, normalised to [0, 1] by log(C). */
  uncertainty: number;
  margin: number;
  top: { classId: string; probability: number }[];
}

export function entropy(p: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < p.length; i++) if (p[i]! > 0) h -= p[i]! * Math.log(p[i]!);
  return p.length > 1 ? h / Math.log(p.length) : 0;
}

function margin(p: ArrayLike<number>): number {
  let a = -Infinity;
  let b = -Infinity;
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (v > a) [a, b] = [v, a];
    else if (v > b) b = v;
  }
  return p.length > 1 ? a - b : 1;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean =>
  a.start < b.end && b.start < a.end;

/** Pure ranking step: most uncertain first, no overlap with labels or with each other, at most `limit`. */
export function rankByUncertainty(
  candidates: (WindowResult & { videoId: string })[],
  labelled: { videoId: string; start: number; end: number }[],
  classIds: string[],
  limit: number,
): Suggestion[] {
  const scored = candidates
    .map((w) => ({ w, u: entropy(w.probs), m: margin(w.probs) }))
    .filter(({ w }) => !labelled.some((l) => l.videoId === w.videoId && overlaps(l, { start: w.start, end: w.stop })))
    .sort((x, y) => y.u - x.u || x.m - y.m);
  const picked: Suggestion[] = [];
  for (const { w, u, m } of scored) {
    if (picked.length >= limit) break;
    if (picked.some((p) => p.videoId === w.videoId && overlaps(p, { start: w.start, end: w.stop }))) continue;
    const top = Array.from(w.probs, (probability, i) => ({ classId: classIds[i]!, probability }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, 3);
    picked.push({ videoId: w.videoId, start: w.start, end: w.stop, uncertainty: u, margin: m, top });
  }
  return picked;
}

export async function suggestSegments(
  model: TrainedModel,
  videos: VideoFeatures[],
  labelled: { videoId: string; start: number; end: number }[],
  opts: { limit?: number; signal?: AbortSignal } = {},
): Promise<Suggestion[]> {
  const candidates: (WindowResult & { videoId: string })[] = [];
  for (const v of videos) {
    for await (const chunk of windows(model, v, { signal: opts.signal })) {
      for (const w of chunk) candidates.push({ ...w, videoId: v.videoId });
    }
  }
  return rankByUncertainty(
    candidates,
    labelled,
    model.meta.classes.map((c) => c.id),
    opts.limit ?? 10,
  );
}
