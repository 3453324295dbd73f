/** Synthetic feature videos whose classes differ only in temporal order (same frame multiset). */
import { Rng } from '../../src/util/rng.js';
import type { LabeledSegment, VideoFeatures } from '../../src/training/dataset.js';
import type { TrainingData } from '../../src/training/train.js';

export function orderTask(
  opts: {
    videos?: number;
    segmentsPerVideo?: number;
    frames?: number;
    dim?: number;
    noise?: number;
    seed?: number;
  } = {},
): TrainingData {
  const nVideos = opts.videos ?? 12;
  const perVideo = opts.segmentsPerVideo ?? 16;
  const L = opts.frames ?? 8;
  const D = opts.dim ?? 12;
  const noise = opts.noise ?? 0.3;
  const rng = new Rng(opts.seed ?? 7);
  const fps = 4;
  const A = Array.from({ length: D }, () => rng.normal());
  const Bv = Array.from({ length: D }, () => rng.normal());
  const videos: VideoFeatures[] = [];
  const segments: LabeledSegment[] = [];
  for (let v = 0; v < nVideos; v++) {
    const count = perVideo * L;
    const features = new Float32Array(count * D);
    const times = Float64Array.from({ length: count }, (_, i) => i / fps);
    // exactly balanced labels per video, so "always predict the majority class" scores 0.5
    const labels = rng.shuffle(Array.from({ length: perVideo }, (_, i) => i % 2));
    for (let s = 0; s < perVideo; s++) {
      const label = labels[s]!;
      for (let t = 0; t < L; t++) {
        const first = t < L / 2 ? (label === 0 ? A : Bv) : label === 0 ? Bv : A;
        const o = (s * L + t) * D;
        for (let d = 0; d < D; d++) features[o + d] = first[d]! + noise * rng.normal();
      }
      segments.push({
        videoId: `v${v}`,
        start: (s * L) / fps,
        end: ((s + 1) * L) / fps,
        classId: label === 0 ? 'ab' : 'ba',
      });
    }
    videos.push({ videoId: `v${v}`, featureDim: D, fps, backboneId: 'synthetic', times, features });
  }
  return {
    classes: [
      { id: 'ab', name: 'A then B' },
      { id: 'ba', name: 'B then A' },
    ],
    backboneId: 'synthetic',
    featureDim: D,
    fps,
    videos,
    segments,
  };
}
