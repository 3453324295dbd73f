import { beforeAll, describe, expect, it } from 'vitest';
import { tIoU } from '../../src/inference/predict.js';
import { classify, localize, temporalNms } from '../../src/inference/predict.js';
import { initBackend } from '../../src/models/backend.js';
import { Rng } from '../../src/util/rng.js';
import type { VideoFeatures } from '../../src/training/dataset.js';
import { train } from '../../src/training/train.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const D = 8;
const fps = 2;
const rng = new Rng(5);
const protos = [0, 1, 2].map(() => Array.from({ length: D }, () => rng.normal() * 2));

/** A video made of [classIndex, seconds] runs; features = class prototype + noise. */
function video(id: string, runs: [number, number][]): VideoFeatures {
  const frames: number[][] = [];
  for (const [c, sec] of runs)
    for (let i = 0; i < sec * fps; i++) frames.push(protos[c]!.map((v) => v + 0.3 * rng.normal()));
  return {
    videoId: id,
    featureDim: D,
    fps,
    backboneId: 'syn',
    times: Float64Array.from(frames, (_, i) => i / fps),
    features: Float32Array.from(frames.flat()),
  };
}

describe('localization', () => {
  it('recovers known intervals (tIoU ≥ 0.5) from a long sequence', async () => {
    // training videos: class 0 = background, 1 and 2 = actions
    const trainVideos = [0, 1, 2, 3].map((i) =>
      video(`t${i}`, [
        [0, 10],
        [1, 8],
        [0, 6],
        [2, 8],
        [0, 8],
      ]),
    );
    const segments = trainVideos.flatMap((v) => [
      { videoId: v.videoId, start: 0, end: 10, classId: 'bg' },
      { videoId: v.videoId, start: 10, end: 18, classId: 'jump' },
      { videoId: v.videoId, start: 18, end: 24, classId: 'bg' },
      { videoId: v.videoId, start: 24, end: 32, classId: 'run' },
      { videoId: v.videoId, start: 32, end: 40, classId: 'bg' },
    ]);
    const r = await train(
      {
        clipLength: 6,
        batchSize: 8,
        epochs: 15,
        lr: 0.01,
        seed: 2,
        patience: 0,
        head: { cell: 'gru', hidden: 12, dropout: 0 },
      },
      {
        classes: [
          { id: 'bg', name: 'background' },
          { id: 'jump', name: 'jump' },
          { id: 'run', name: 'run' },
        ],
        backboneId: 'syn',
        featureDim: D,
        fps,
        videos: trainVideos,
        segments,
      },
    );
    const test = video('test', [
      [0, 20],
      [2, 12],
      [0, 15],
      [1, 10],
      [0, 20],
    ]);
    const truth = [
      { classId: 'run', start: 20, end: 32 },
      { classId: 'jump', start: 47, end: 57 },
    ];
    let chunks = 0;
    const loc = await localize(r.model, test, {
      stride: 2,
      chunkSize: 8,
      ignoreClassIds: ['bg'],
      onProgress: () => chunks++,
    });
    expect(chunks).toBeGreaterThan(1); // streamed in several chunks
    for (const t of truth) {
      const best = Math.max(0, ...loc.segments.filter((s) => s.classId === t.classId).map((s) => tIoU(s, t)));
      expect(best).toBeGreaterThanOrEqual(0.5);
    }
    expect(loc.segments.filter((s) => !truth.some((t) => t.classId === s.classId && tIoU(s, t) > 0.1))).toEqual([]);
    const top = await classify(r.model, test, { range: { start: 47, end: 57 }, topK: 2 });
    expect(top[0]!.classId).toBe('jump');
    expect(top).toHaveLength(2);
  });

  it('temporal NMS keeps the best of overlapping same-class segments only', () => {
    const kept = temporalNms(
      [
        { start: 0, end: 10, classId: 'a', score: 0.9 },
        { start: 1, end: 10, classId: 'a', score: 0.8 },
        { start: 1, end: 10, classId: 'b', score: 0.7 },
        { start: 20, end: 30, classId: 'a', score: 0.6 },
      ],
      0.5,
    );
    expect(kept.map((k) => `${k.classId}@${k.start}`)).toEqual(['a@0', 'b@1', 'a@20']);
  });
});
