/**
 * Relative input (each clip less its own mean over time) and the 'auto' choice between it and the
 * absolute input: what a clip looks like throughout is removed only when validation says so.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/models/backend.js';
import { fitNormalizer, packClips, type VideoFeatures } from '../../src/training/dataset.js';
import { normalizerOf } from '../../src/training/model-io.js';
import { train, type TrainingData } from '../../src/training/train.js';
import { Rng } from '../../src/util/rng.js';
import { orderTask } from './synthetic.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Two classes told apart only by a steady level (A or B all through), which relative input erases. */
function levelTask(seed = 3): TrainingData {
  const base = orderTask({ videos: 8, segmentsPerVideo: 8, seed });
  const rng = new Rng(seed);
  const D = base.featureDim;
  const A = Array.from({ length: D }, () => rng.normal());
  const B = Array.from({ length: D }, () => rng.normal());
  for (const seg of base.segments) {
    const v = base.videos.find((x) => x.videoId === seg.videoId)!;
    for (let i = Math.round(seg.start * v.fps); i < Math.round(seg.end * v.fps); i++)
      for (let d = 0; d < D; d++) v.features[i * D + d] = (seg.classId === 'ab' ? A : B)[d]! + 0.3 * rng.normal();
  }
  return base;
}

/** A video of four 2-d frames at 4 fps. */
function fourFrames(values: number[]): VideoFeatures {
  const times = Float64Array.from([0, 0.25, 0.5, 0.75]);
  return { videoId: 'v', featureDim: 2, fps: 4, backboneId: 'x', times, features: Float32Array.from(values) };
}

describe('relative input', () => {
  it("packs each clip less its own mean over the clip's frames (padding stays zero)", () => {
    const video = fourFrames([1, 10, 2, 20, 3, 30, 4, 40]);
    const norm = { mean: new Float32Array(2), std: Float32Array.from([1, 10]), relative: true };
    const { x, mask } = packClips([{ video, first: 1, end: 4 }], 4, norm);
    // Frames 1..3 of dimension 0 are 2, 3, 4 (mean 3); dimension 1: 20, 30, 40 (mean 30), std 10.
    expect(Array.from(x)).toEqual([-1, -1, 0, 0, 1, 1, 0, 0]);
    expect(Array.from(mask)).toEqual([1, 1, 1, 0]);
  });

  it('balances blocks by their relative weight on relative input, by their weight otherwise', () => {
    const video = fourFrames([0, 0, 2, 2, 0, 0, 2, 2]);
    const samples = [{ videoId: 'v', label: 0, start: 0, end: 4 }];
    const videos = new Map([['v', video]]);
    const blocks = [
      { width: 1, weight: 1, relativeWeight: 4 },
      { width: 1, weight: 1 },
    ];
    // Every value is 1 ± 1: std 1 on both kinds of input, then divided by the block's weight.
    expect(Array.from(fitNormalizer(samples, videos, 2, blocks).std)).toEqual([1, 1]);
    expect(Array.from(fitNormalizer(samples, videos, 2, blocks, true).std)).toEqual([0.25, 1]);
  });

  it("'auto' keeps absolute input when the classes differ by a steady look, and says why", async () => {
    const r = await train({ clipLength: 8, epochs: 20, seed: 2, head: { cell: 'gru', hidden: 8 } }, levelTask());
    expect(r.input.kind).toBe('absolute');
    expect(r.input.reason).toMatch(/validation top-1 [\d.]+ relative vs [\d.]+ absolute/);
    expect(r.model.meta.normalization.relative).toBeUndefined();
    const best = r.history.find((h) => h.epoch === r.bestEpoch)!;
    expect(best.valAcc).toBeGreaterThan(0.9);
  });

  it('a model trained on relative input keeps it in its meta, and loads it back', async () => {
    const r = await train(
      { clipLength: 8, epochs: 2, seed: 2, head: { cell: 'gru', hidden: 8 }, input: 'relative' },
      orderTask({ videos: 6, segmentsPerVideo: 6 }),
    );
    expect(r.input).toEqual({ kind: 'relative', reason: 'as asked' });
    const meta = JSON.parse(JSON.stringify(r.model.meta)) as typeof r.model.meta;
    expect(normalizerOf(meta).relative).toBe(true);
  });

  it('a resumed run goes on with the input of its checkpoint', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'fw-relative-resume-'));
    try {
      const data = orderTask({ videos: 6, segmentsPerVideo: 6 });
      const head = { cell: 'gru' as const, hidden: 8 };
      await train({ clipLength: 8, epochs: 2, seed: 2, head, input: 'relative', outDir }, data);
      const more = await train({ clipLength: 8, epochs: 3, seed: 2, head, outDir, resume: true }, data);
      expect(more.input).toEqual({ kind: 'relative', reason: 'from the checkpoint' });
      expect(more.model.meta.normalization.relative).toBe(true);
      expect(more.history.at(-1)!.epoch).toBe(2);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });

  it("'auto' keeps absolute for the frame-mean head and without a validation split", async () => {
    const data = orderTask({ videos: 6, segmentsPerVideo: 6 });
    const mean = await train({ clipLength: 8, epochs: 1, seed: 2, head: { kind: 'mean-mlp', hidden: 8 } }, data);
    expect(mean.input.kind).toBe('absolute');
    const noVal = await train({ clipLength: 8, epochs: 1, seed: 2, valFraction: 0, head: { hidden: 8 } }, data);
    expect(noVal.input).toEqual({ kind: 'absolute', reason: 'no validation split to choose on' });
  });
});
