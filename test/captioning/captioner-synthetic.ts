/**
 * Synthetic captioning task where word order carries the temporal order of events. A segment shows
 * one object (colour × shape, each with its own feature pattern, added) and then a second one, or
 * only one object; its caption is "a red circle appears then a blue square appears". Swapping the
 * two events swaps the two halves of the sentence, so a model that ignores frame order (e.g. mean
 * pooling) cannot exceed ~50 % on the object-order part. Vocabulary: a, appears, then, 3 colours,
 * 3 shapes (9 words).
 */
import { Rng } from '../../src/util/rng.js';
import type { VideoFeatures } from '../../src/training/dataset.js';
import type { CaptionItem, CaptionTrainingData } from '../../src/captioning/train-captioner.js';

export const COLOURS = ['red', 'blue', 'green'];
export const SHAPES = ['circle', 'square', 'triangle'];

export function captionTask(
  opts: {
    videos?: number;
    segmentsPerVideo?: number;
    dim?: number;
    noise?: number;
    seed?: number;
    prefix?: string;
  } = {},
): CaptionTrainingData {
  const nVideos = opts.videos ?? 30;
  const perVideo = opts.segmentsPerVideo ?? 6;
  const D = opts.dim ?? 16;
  const noise = opts.noise ?? 0.3;
  const fps = 4;
  // Patterns depend on a fixed seed only, so train / test sets made with other seeds share them.
  const pat = new Rng(1234);
  const colour = COLOURS.map(() => Array.from({ length: D }, () => pat.normal()));
  const shape = SHAPES.map(() => Array.from({ length: D }, () => pat.normal()));
  const background = Array.from({ length: D }, () => 0.3 * pat.normal());
  const rng = new Rng(opts.seed ?? 7);
  const videos: VideoFeatures[] = [];
  const items: CaptionItem[] = [];
  for (let v = 0; v < nVideos; v++) {
    const videoId = `${opts.prefix ?? 'v'}${v}`;
    const frames: number[][] = [];
    const push = (p: number[], n: number): void => {
      for (let i = 0; i < n; i++) frames.push(p.map((x) => x + noise * rng.normal()));
    };
    push(background, 2 + rng.int(3));
    for (let s = 0; s < perVideo; s++) {
      const a = { c: rng.int(3), s: rng.int(3) };
      let b = { c: rng.int(3), s: rng.int(3) };
      while (b.c === a.c && b.s === a.s) b = { c: rng.int(3), s: rng.int(3) };
      const single = rng.next() < 0.2;
      const start = frames.length / fps;
      const objA = colour[a.c]!.map((x, d) => x + shape[a.s]![d]!);
      const objB = colour[b.c]!.map((x, d) => x + shape[b.s]![d]!);
      const name = (o: { c: number; s: number }): string => `a ${COLOURS[o.c]} ${SHAPES[o.s]} appears`;
      if (single) {
        push(objA, 6 + rng.int(10));
        items.push({ videoId, start, end: frames.length / fps, captions: [name(a)] });
      } else {
        push(objA, 4 + rng.int(8));
        push(objB, 4 + rng.int(8));
        items.push({ videoId, start, end: frames.length / fps, captions: [`${name(a)} then ${name(b)}`] });
      }
      push(background, 2 + rng.int(3));
    }
    const features = new Float32Array(frames.length * D);
    frames.forEach((f, i) => features.set(f, i * D));
    videos.push({
      videoId,
      featureDim: D,
      fps,
      backboneId: 'synthetic',
      times: Float64Array.from({ length: frames.length }, (_, i) => i / fps),
      features,
    });
  }
  return { videos, items };
}
