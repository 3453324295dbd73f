/**
 * Inference with a trained head over a video's feature sequence.
 *
 *  - windows(): sliding clips (clipLength frames, a stride) classified in chunks — an async
 *    generator, so long videos stream results and the event loop stays responsive.
 *  - classify(): top-k classes for a time range (or the whole video), averaging the windows inside.
 *  - localize(): per-class probability curves over time → smoothing → threshold → segments →
 *    per-class temporal NMS.
 */
import { FramewiseError } from '../errors.js';
import { frameAt, packClips, type VideoFeatures } from '../training/dataset.js';
import { normalizerOf, type TrainedModel } from '../training/model-io.js';
import { tIoU } from '../util/intervals.js';
import { checkFeatureFit } from '../models/feature-fit.js';

export { tIoU };

export interface WindowResult {
  /** Frame range [first, end). */
  first: number;
  end: number;
  /** Seconds. */
  start: number;
  stop: number;
  probs: Float32Array;
}

export interface WindowOptions {
  /** Frames between window starts (default clipLength / 2). */
  stride?: number;
  /** Windows per forward pass / per yielded chunk (default 64). */
  chunkSize?: number;
  /** Restrict to [start, end) seconds. */
  range?: { start: number; end: number };
  signal?: AbortSignal;
}

function checkFeatures(model: TrainedModel, video: VideoFeatures): void {
  checkFeatureFit(model.meta, video, { offered: `video ${video.videoId}`, expected: 'the model was trained on' });
}

/** Sliding-window class probabilities, yielded in chunks. */
export async function* windows(
  model: TrainedModel,
  video: VideoFeatures,
  opts: WindowOptions = {},
): AsyncGenerator<WindowResult[]> {
  checkFeatures(model, video);
  const L = model.meta.clipLength;
  const stride = Math.max(1, Math.round(opts.stride ?? Math.max(1, Math.floor(L / 2))));
  const chunkSize = opts.chunkSize ?? 64;
  const lo = opts.range ? frameAt(video.times, opts.range.start) : 0;
  const hi = opts.range ? frameAt(video.times, opts.range.end) : video.times.length;
  if (hi <= lo) return;
  const norm = normalizerOf(model.meta);
  const starts: number[] = [];
  for (let s = lo; s < hi; s += stride) {
    starts.push(s);
    if (s + L >= hi) break;
  }
  const C = model.head.config.numClasses;
  const frameDur = video.times.length > 1 ? video.times[1]! - video.times[0]! : 1 / video.fps;
  for (let i = 0; i < starts.length; i += chunkSize) {
    if (opts.signal?.aborted) throw new FramewiseError('ABORTED', 'Inference was cancelled.');
    const chunk = starts.slice(i, i + chunkSize);
    const batch = packClips(
      chunk.map((first) => ({ video, first, end: hi })),
      L,
      norm,
    );
    const probs = model.head.predictProba(batch);
    yield chunk.map((first, b) => {
      const end = Math.min(hi, first + L);
      return {
        first,
        end,
        start: video.times[first]!,
        stop: video.times[end - 1]! + frameDur,
        probs: probs.slice(b * C, (b + 1) * C),
      };
    });
    await new Promise((r) => setImmediate(r));
  }
}

export interface ClassScore {
  classId: string;
  name: string;
  probability: number;
}

/** Top-k classes for a segment (range) or the whole video: mean of the sliding-window probabilities. */
export async function classify(
  model: TrainedModel,
  video: VideoFeatures,
  opts: WindowOptions & { topK?: number } = {},
): Promise<ClassScore[]> {
  const C = model.head.config.numClasses;
  const sum = new Float64Array(C);
  let n = 0;
  for await (const chunk of windows(model, video, opts)) {
    for (const w of chunk) {
      for (let c = 0; c < C; c++) sum[c]! += w.probs[c]!;
      n++;
    }
  }
  if (n === 0)
    throw new FramewiseError('BAD_ARGUMENT', `No feature frames in the requested range of video ${video.videoId}.`);
  return model.meta.classes
    .map((cl, c) => ({ classId: cl.id, name: cl.name, probability: sum[c]! / n }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, opts.topK ?? 5);
}

export interface DetectedSegment {
  start: number;
  end: number;
  classId: string;
  score: number;
}

export interface LocalizeOptions extends WindowOptions {
  /** Per-frame probability needed to start a segment (default 0.5). */
  threshold?: number;
  /** Moving-average width in frames for the curves (default clipLength / 2, odd). */
  smoothing?: number;
  /** Drop segments shorter than this many seconds (default 0). */
  minDuration?: number;
  /** tIoU above which a lower-scored same-class segment is suppressed (default 0.5). */
  nmsIou?: number;
  /** Classes never reported (e.g. a "background" class). */
  ignoreClassIds?: string[];
  /** Called with the partial curves' progress (frames covered so far) while streaming. */
  onProgress?: (framesDone: number, framesTotal: number) => void;
}

export interface LocalizeResult {
  segments: DetectedSegment[];
  /** Per-class smoothed probability per frame [classes][frames]. */
  curves: Float32Array[];
  times: Float64Array;
}

/** Temporal localisation: windows → per-frame curves → smoothing → threshold → segments → NMS. */
export async function localize(
  model: TrainedModel,
  video: VideoFeatures,
  opts: LocalizeOptions = {},
): Promise<LocalizeResult> {
  const C = model.head.config.numClasses;
  const N = video.times.length;
  const acc = Array.from({ length: C }, () => new Float32Array(N));
  const cover = new Float32Array(N);
  for await (const chunk of windows(model, video, opts)) {
    for (const w of chunk) {
      for (let f = w.first; f < w.end; f++) {
        cover[f]! += 1;
        for (let c = 0; c < C; c++) acc[c]![f]! += w.probs[c]!;
      }
    }
    const last = chunk[chunk.length - 1];
    if (last) opts.onProgress?.(last.end, N);
  }
  const smoothW = opts.smoothing ?? Math.max(1, Math.floor(model.meta.clipLength / 2) | 1);
  const curves = acc.map((a) =>
    smooth(
      a.map((v, f) => (cover[f]! > 0 ? v / cover[f]! : 0)),
      smoothW,
    ),
  );
  const threshold = opts.threshold ?? 0.5;
  const frameDur = N > 1 ? video.times[1]! - video.times[0]! : 1 / video.fps;
  const ignore = new Set(opts.ignoreClassIds ?? []);
  const found: DetectedSegment[] = [];
  for (let c = 0; c < C; c++) {
    const classId = model.meta.classes[c]!.id;
    if (ignore.has(classId)) continue;
    const curve = curves[c]!;
    let f = 0;
    while (f < N) {
      if (!(curve[f]! >= threshold) || cover[f] === 0) {
        f++;
        continue;
      }
      const first = f;
      let sum = 0;
      while (f < N && curve[f]! >= threshold && cover[f]! > 0) sum += curve[f++]!;
      const seg = {
        start: video.times[first]!,
        end: video.times[f - 1]! + frameDur,
        classId,
        score: sum / (f - first),
      };
      if (seg.end - seg.start >= (opts.minDuration ?? 0)) found.push(seg);
    }
  }
  return { segments: temporalNms(found, opts.nmsIou ?? 0.5), curves, times: video.times };
}

/** Centred moving average of odd width w. */
export function smooth(x: Float32Array, w: number): Float32Array {
  if (w <= 1) return x;
  const h = Math.floor(w / 2);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let s = 0;
    let n = 0;
    for (let j = Math.max(0, i - h); j <= Math.min(x.length - 1, i + h); j++, n++) s += x[j]!;
    out[i] = s / n;
  }
  return out;
}

/** Per-class greedy NMS: keep the best-scored segment, drop same-class ones overlapping it above iou. */
export function temporalNms(segments: DetectedSegment[], iou: number): DetectedSegment[] {
  const sorted = segments.slice().sort((a, b) => b.score - a.score);
  const kept: DetectedSegment[] = [];
  for (const s of sorted) if (!kept.some((k) => k.classId === s.classId && tIoU(k, s) > iou)) kept.push(s);
  return kept.sort((a, b) => a.start - b.start || b.score - a.score);
}
