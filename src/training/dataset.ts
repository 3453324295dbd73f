/**
 * From per-video feature sequences + labelled segments to fixed-length clips.
 *
 * A segment [start, end) in seconds covers the feature frames whose time falls inside it. A clip is
 * `clipLength` consecutive frames: a random crop for training, the centre crop for validation;
 * segments shorter than the clip are padded at the end and masked.
 */
import type { Rng } from '../util/rng.js';
import type { Batch } from '../models/head.js';
import { checkFeatureFit } from '../models/feature-fit.js';
import { FramewiseError } from '../errors.js';

/** One video's features (what readFeatureFile returns, minus the file-only header fields). */
export interface VideoFeatures {
  videoId: string;
  featureDim: number;
  fps: number;
  backboneId: string;
  /** Presentation time of each frame in seconds [count]. */
  times: Float64Array;
  /** count × featureDim, row-major. */
  features: Float32Array;
}

export interface LabeledSegment {
  videoId: string;
  start: number;
  end: number;
  classId: string | null;
}

/**
 * The implicit class of unlabelled time inside labelled videos: a person who labels the actions in
 * a video says by omission that the rest is none of them. Trained like any class, never reported
 * as a predicted segment, so a video of an activity the model does not know stays unlabelled.
 */
export const BACKGROUND_CLASS = { id: '__background__', name: 'no action' } as const;

/**
 * The unlabelled stretches of the videos that have labelled segments, as background segments.
 * Each gap loses `marginSec` at both ends (people place boundaries a little early or late) and is
 * kept only if at least `minSec` remains.
 */
export function backgroundSegments(
  segments: readonly LabeledSegment[],
  durations: ReadonlyMap<string, number>,
  opts: { minSec: number; marginSec: number },
): LabeledSegment[] {
  const byVideo = new Map<string, LabeledSegment[]>();
  for (const s of segments) byVideo.set(s.videoId, [...(byVideo.get(s.videoId) ?? []), s]);
  const out: LabeledSegment[] = [];
  for (const [videoId, list] of byVideo) {
    const duration = durations.get(videoId);
    if (duration === undefined) continue;
    const sorted = list.slice().sort((a, b) => a.start - b.start);
    let cursor = 0;
    const gap = (from: number, to: number): void => {
      const start = from + opts.marginSec;
      const end = to - opts.marginSec;
      if (end - start >= opts.minSec) out.push({ videoId, start, end, classId: BACKGROUND_CLASS.id });
    };
    for (const s of sorted) {
      gap(cursor, s.start);
      cursor = Math.max(cursor, s.end);
    }
    gap(cursor, duration);
  }
  return out;
}

/** A labelled frame range [start, end) of one video. */
export interface ClipSample {
  videoId: string;
  label: number;
  start: number;
  end: number;
}

export interface Normalizer {
  mean: Float32Array;
  std: Float32Array;
  /**
   * Relative input: each clip's own mean over its frames is subtracted first, so the head sees what
   * changes within the clip (a shape rising, growing, a hand closing) and not what the clip looks
   * like throughout (its background, the object's colour, where it is). On few-shot motion tasks
   * with unseen backgrounds this is what generalises (docs/streams.md); on classes told apart by
   * a steady look (a red screen, a blue one) it removes the very signal, hence a choice.
   */
  relative?: boolean;
}

/** Input kinds a classification head can be trained on (Normalizer.relative); 'auto' chooses by validation. */
export const INPUT_KINDS = ['absolute', 'relative', 'auto'] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

/** Per-dimension mean of frames [first, first + n) of `f` (n × dim values from `first`), into `out`. */
function framesMean(f: Float32Array, first: number, n: number, dim: number, out: Float64Array): Float64Array {
  out.fill(0);
  for (let t = 0; t < n; t++) {
    const o = (first + t) * dim;
    for (let d = 0; d < dim; d++) out[d]! += f[o + d]!;
  }
  if (n > 0) for (let d = 0; d < dim; d++) out[d]! /= n;
  return out;
}

/** First frame index with time ≥ t (times sorted ascending). */
export function frameAt(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function samplesFromSegments(
  segments: LabeledSegment[],
  classIds: string[],
  videos: Map<string, VideoFeatures>,
): { samples: ClipSample[]; warnings: string[] } {
  const index = new Map(classIds.map((id, i) => [id, i]));
  const samples: ClipSample[] = [];
  const warnings: string[] = [];
  let noFeatures = 0;
  let empty = 0;
  for (const s of segments) {
    if (s.classId === null) continue;
    const label = index.get(s.classId);
    if (label === undefined) continue;
    const v = videos.get(s.videoId);
    if (!v) {
      noFeatures++;
      continue;
    }
    const start = frameAt(v.times, s.start);
    const end = frameAt(v.times, s.end);
    if (end <= start) {
      empty++;
      continue;
    }
    samples.push({ videoId: s.videoId, label, start, end });
  }
  if (noFeatures) warnings.push(`${noFeatures} labelled segment(s) skipped: their video has no extracted features.`);
  if (empty) warnings.push(`${empty} labelled segment(s) skipped: shorter than one feature frame.`);
  return { samples, warnings };
}

/**
 * Train/validation split BY VIDEO: every sample of a video lands on the same side, so validation
 * never sees a video the model trained on. Stratified by each video's majority class.
 */
export function splitByVideo(
  samples: ClipSample[],
  valFraction: number,
  rng: Rng,
): { train: ClipSample[]; val: ClipSample[]; trainVideos: string[]; valVideos: string[]; warnings: string[] } {
  const warnings: string[] = [];
  const byVideo = new Map<string, ClipSample[]>();
  for (const s of samples) {
    const list = byVideo.get(s.videoId) ?? [];
    list.push(s);
    byVideo.set(s.videoId, list);
  }
  const videoIds = [...byVideo.keys()].sort();
  if (videoIds.length < 2 || valFraction <= 0) {
    if (valFraction > 0) {
      warnings.push(
        `Only ${videoIds.length} labelled video(s): a validation split needs at least 2 videos (split is by video), so this run has no validation, no early stopping, and its accuracy is not measured on unseen videos. Label more videos for a trustworthy model.`,
      );
    }
    return { train: samples.slice(), val: [], trainVideos: videoIds, valVideos: [], warnings };
  }
  const groups = new Map<number, string[]>();
  for (const id of videoIds) {
    const counts = new Map<number, number>();
    for (const s of byVideo.get(id)!) counts.set(s.label, (counts.get(s.label) ?? 0) + 1);
    const major = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
    groups.set(major, [...(groups.get(major) ?? []), id]);
  }
  const valSet = new Set<string>();
  for (const label of [...groups.keys()].sort((a, b) => a - b)) {
    const ids = rng.shuffle(groups.get(label)!.slice());
    const n = ids.length >= 2 ? Math.max(1, Math.round(ids.length * valFraction)) : 0;
    for (const id of ids.slice(0, n)) valSet.add(id);
  }
  // Small projects: stratification may pick nothing (every class has one video); take one anyway.
  if (valSet.size === 0) valSet.add(rng.shuffle(videoIds.slice())[0]!);
  if (valSet.size === videoIds.length) valSet.delete([...valSet][0]!);
  const train = samples.filter((s) => !valSet.has(s.videoId));
  const val = samples.filter((s) => valSet.has(s.videoId));
  const trainLabels = new Set(train.map((s) => s.label));
  const valLabels = new Set(val.map((s) => s.label));
  const missing = [...valLabels].filter((l) => !trainLabels.has(l));
  if (missing.length)
    warnings.push(`${missing.length} class(es) appear only in validation videos; the model cannot learn them.`);
  if (videoIds.length < 5) warnings.push(`Only ${videoIds.length} labelled videos: validation scores will be noisy.`);
  return {
    train,
    val,
    trainVideos: videoIds.filter((id) => !valSet.has(id)),
    valVideos: videoIds.filter((id) => valSet.has(id)),
    warnings,
  };
}

/**
 * A fixed train/validation split by video (a dataset's official test list): the named videos are
 * validation, every other one trains.
 */
export function splitFixed(
  samples: ClipSample[],
  valVideos: readonly string[],
): { train: ClipSample[]; val: ClipSample[]; trainVideos: string[]; valVideos: string[]; warnings: string[] } {
  const valSet = new Set(valVideos);
  const train = samples.filter((s) => !valSet.has(s.videoId));
  const val = samples.filter((s) => valSet.has(s.videoId));
  const warnings: string[] = [];
  if (val.length === 0)
    warnings.push('None of the official test videos has a labelled clip: this run has no validation.');
  if (train.length === 0)
    throw new FramewiseError(
      'BAD_ARGUMENT',
      'Every labelled video is in the official test split: nothing is left to train on.',
    );
  const trainLabels = new Set(train.map((s) => s.label));
  const missing = new Set(val.filter((s) => !trainLabels.has(s.label)).map((s) => s.label));
  if (missing.size > 0)
    warnings.push(`${missing.size} class(es) appear only in the official test videos; the model cannot learn them.`);
  const ids = (list: ClipSample[]) => [...new Set(list.map((s) => s.videoId))].sort();
  return { train, val, trainVideos: ids(train), valVideos: ids(val), warnings };
}

/** A run of dims in the vector that comes from one stream (or one part of it), and its weight. */
export interface FeatureBlock {
  width: number;
  /** Relative weight after balancing: 1 = as much total variance as any other block of weight 1. */
  weight: number;
  /** The weight on relative input (Normalizer.relative); `weight` when absent. */
  relativeWeight?: number;
}

/**
 * Per-feature mean/std over the frames of the given (training) samples.
 *
 * `blocks` (the streams in the vector: appearance, motion summary, motion grid…) balances them:
 * each block's std is scaled so that its total variance is its weight², whatever its width.
 * Unbalanced, a 1280-d appearance vector outweighs a few motion numbers hundreds to one and a head
 * trained on a few dozen clips memorises each clip's look instead of reading the motion.
 */
export function fitNormalizer(
  samples: ClipSample[],
  videos: Map<string, VideoFeatures>,
  dim: number,
  blocks?: readonly FeatureBlock[],
  relative = false,
): Normalizer {
  const sum = new Float64Array(dim);
  const sq = new Float64Array(dim);
  // Relative input: the statistics of each sample's frames less that sample's own mean (clips are
  // crops of samples, so this is their spread to within the crop's drift).
  const own = new Float64Array(dim);
  let n = 0;
  for (const s of samples) {
    const f = videos.get(s.videoId)!.features;
    if (relative) framesMean(f, s.start, s.end - s.start, dim, own);
    for (let i = s.start; i < s.end; i++) {
      const o = i * dim;
      for (let d = 0; d < dim; d++) {
        const v = f[o + d]! - own[d]!;
        sum[d]! += v;
        sq[d]! += v * v;
      }
      n++;
    }
  }
  const mean = new Float32Array(dim);
  const std = new Float32Array(dim).fill(1);
  const kind = relative ? { relative: true } : {};
  if (n === 0) return { mean, std, ...kind };
  for (let d = 0; d < dim; d++) {
    mean[d] = sum[d]! / n;
    const variance = Math.max(0, sq[d]! / n - mean[d]! * mean[d]!);
    std[d] = Math.max(Math.sqrt(variance), 1e-3);
  }
  if (blocks && blocks.length > 1 && blocks.reduce((a, b) => a + b.width, 0) === dim) {
    let start = 0;
    for (const { width, weight, relativeWeight } of blocks) {
      const w = relative ? (relativeWeight ?? weight) : weight;
      const scale = Math.sqrt(width) / Math.max(w, 1e-3);
      for (let d = start; d < start + width; d++) std[d]! *= scale;
      start += width;
    }
  }
  return { mean, std, ...kind };
}

/**
 * Packs clips into a time-major batch. Each entry gives the video and the first frame; up to
 * `clipLength` frames are taken but never past `end`; the rest is zero-padded and masked.
 */
export function packClips(
  clips: { video: VideoFeatures; first: number; end: number }[],
  clipLength: number,
  norm: Normalizer,
): Batch {
  const T = clipLength;
  const B = clips.length;
  const D = norm.mean.length;
  const x = new Float32Array(T * B * D);
  const mask = new Float32Array(T * B);
  const own = new Float64Array(D);
  clips.forEach((c, b) => {
    checkFeatureFit({ featureDim: D }, c.video, { offered: `video ${c.video.videoId}`, expected: 'the model expects' });
    const n = Math.min(T, c.end - c.first);
    const f = c.video.features;
    if (norm.relative) framesMean(f, c.first, n, D, own);
    for (let t = 0; t < n; t++) {
      const src = (c.first + t) * D;
      const dst = (t * B + b) * D;
      for (let d = 0; d < D; d++) x[dst + d] = (f[src + d]! - own[d]! - norm.mean[d]!) / norm.std[d]!;
      mask[t * B + b] = 1;
    }
  });
  return { T, B, x, mask };
}

/** Training clip: random crop (rng) or centre crop (no rng) of the sample. */
export function cropSample(s: ClipSample, clipLength: number, rng?: Rng): number {
  const slack = s.end - s.start - clipLength;
  if (slack <= 0) return s.start;
  return s.start + (rng ? rng.int(slack + 1) : Math.floor(slack / 2));
}

export function makeBatch(
  samples: ClipSample[],
  videos: Map<string, VideoFeatures>,
  clipLength: number,
  norm: Normalizer,
  rng?: Rng,
): { batch: Batch; labels: Int32Array } {
  const clips = samples.map((s) => ({
    video: videos.get(s.videoId)!,
    first: cropSample(s, clipLength, rng),
    end: s.end,
  }));
  return { batch: packClips(clips, clipLength, norm), labels: Int32Array.from(samples, (s) => s.label) };
}

/** Inverse-frequency class weights (mean 1 over the samples), for imbalanced projects. */
export function balancedClassWeights(samples: ClipSample[], numClasses: number): Float32Array {
  const counts = new Float64Array(numClasses);
  for (const s of samples) counts[s.label]! += 1;
  const present = counts.filter((c) => c > 0).length || 1;
  const w = new Float32Array(numClasses);
  for (let c = 0; c < numClasses; c++) w[c] = counts[c]! > 0 ? samples.length / (present * counts[c]!) : 0;
  return w;
}

/**
 * Stream dropout: per training clip, each block of the vector (appearance, motion…) is blanked (set
 * to its mean, 0 after normalisation) with probability p, never all of them at once. A head that
 * may lose its appearance block cannot get by on memorising each clip's look, and must also read
 * the motion. Inference always sees every block.
 */
export function dropBlocks(batch: Batch, blocks: readonly FeatureBlock[], p: number, rng: Rng): void {
  if (blocks.length < 2 || p <= 0) return;
  const { T, B, x } = batch;
  const D = blocks.reduce((a, b) => a + b.width, 0);
  for (let b = 0; b < B; b++) {
    const drop = blocks.map(() => rng.next() < p);
    if (drop.every(Boolean)) drop[rng.int(blocks.length)] = false;
    let start = 0;
    for (const [k, { width }] of blocks.entries()) {
      if (drop[k]) for (let t = 0; t < T; t++) x.fill(0, (t * B + b) * D + start, (t * B + b) * D + start + width);
      start += width;
    }
  }
}
