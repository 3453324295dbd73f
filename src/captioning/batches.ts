/**
 * The captioner's two batches: a segment's frames resampled to the encoder's steps (normalised,
 * time-major, masked) and the decoder's teacher-forcing tokens.
 */
import { FramewiseError } from '../errors.js';
import type { Rng } from '../util/rng.js';
import { checkFeatureFit } from '../models/feature-fit.js';
import type { Batch } from '../models/head.js';
import { frameAt, type Normalizer, type VideoFeatures } from '../training/dataset.js';

/** Teacher-forced decoder batch, time-major (row t·B + b). targets PAD_ID = ignored. */
export interface DecoderBatch {
  T: number;
  B: number;
  /** Input token ids [T·B]: <bos> w1 … wk (then <pad>). */
  inputs: Int32Array;
  /** Target ids [T·B]: w1 … wk <eos> (then <pad>). */
  targets: Int32Array;
}

/** A time range [start, end) of a video, in seconds. */
export interface TimeRange {
  start: number;
  end: number;
}

/**
 * Frame indices for a segment resampled to at most `steps` frames: every frame when the segment has
 * ≤ steps frames (the batch pads and masks the rest), otherwise `steps` frames spread uniformly
 * (centre of each of `steps` equal bins, or a random position inside each bin with rng — training
 * jitter). A segment shorter than one frame uses the frame nearest its start.
 */
export function segmentFrameIndices(video: VideoFeatures, seg: TimeRange, steps: number, rng?: Rng): number[] {
  const count = video.times.length;
  if (count === 0) throw new FramewiseError('BAD_ARGUMENT', `Video ${video.videoId} has no feature frames.`);
  let f0 = frameAt(video.times, seg.start);
  let f1 = frameAt(video.times, seg.end);
  if (f1 <= f0) {
    f0 = Math.min(f0, count - 1);
    f1 = f0 + 1;
  }
  const n = f1 - f0;
  if (n <= steps) return Array.from({ length: n }, (_, i) => f0 + i);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const u = rng ? rng.next() : 0.5;
    out.push(f0 + Math.min(n - 1, Math.floor(((i + u) * n) / steps)));
  }
  return out;
}

/** Time-major, normalised, masked encoder batch of segments (each resampled to ≤ steps frames). */
export function segmentBatch(
  entries: { video: VideoFeatures; segment: TimeRange }[],
  steps: number,
  norm: Normalizer,
  rng?: Rng,
): Batch {
  const B = entries.length;
  const D = norm.mean.length;
  const x = new Float32Array(steps * B * D);
  const mask = new Float32Array(steps * B);
  entries.forEach(({ video, segment }, b) => {
    checkFeatureFit({ featureDim: D }, video, {
      offered: `video ${video.videoId}`,
      expected: 'the captioning model expects',
    });
    const idx = segmentFrameIndices(video, segment, steps, rng);
    idx.forEach((f, t) => {
      const src = f * D;
      const dst = (t * B + b) * D;
      for (let d = 0; d < D; d++) x[dst + d] = (video.features[src + d]! - norm.mean[d]!) / norm.std[d]!;
      mask[t * B + b] = 1;
    });
  });
  return { T: steps, B, x, mask };
}

/** Teacher-forcing batch from encoded captions ([<bos> … <eos>] id lists, any length ≥ 2). */
export function decoderBatch(captions: number[][]): DecoderBatch {
  const B = captions.length;
  const T = Math.max(1, ...captions.map((c) => c.length - 1));
  const inputs = new Int32Array(T * B);
  const targets = new Int32Array(T * B);
  captions.forEach((ids, b) => {
    for (let t = 0; t < ids.length - 1; t++) {
      inputs[t * B + b] = ids[t]!;
      targets[t * B + b] = ids[t + 1]!;
    }
  });
  return { T, B, inputs, targets };
}
