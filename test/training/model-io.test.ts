import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FramewiseError } from '../../src/errors.js';
import { initBackend } from '../../src/models/backend.js';
import { Rng } from '../../src/util/rng.js';
import { makeBatch, samplesFromSegments, splitByVideo } from '../../src/training/dataset.js';
import { loadModel, normalizerOf, saveModel } from '../../src/training/model-io.js';
import { train, type TrainConfig } from '../../src/training/train.js';
import { orderTask } from './synthetic.js';

let dir: string;
beforeAll(async () => {
  await initBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'fw-io-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const data = orderTask({ videos: 6, segmentsPerVideo: 8 });
const cfg: TrainConfig = {
  clipLength: 8,
  batchSize: 8,
  epochs: 3,
  lr: 0.01,
  seed: 11,
  head: { cell: 'lstm', hidden: 8, layers: 2, bidirectional: true, dropout: 0.2, recurrentDropout: 0.1 },
};

describe('training runs', () => {
  it('are deterministic with a seed (two runs → identical losses and weights)', async () => {
    const losses = async (): Promise<number[]> => {
      const out: number[] = [];
      await train(cfg, data, { onProgress: (p) => (p.type === 'batch' ? out.push(p.loss) : undefined) });
      return out;
    };
    const a = await losses();
    const b = await losses();
    expect(a.length).toBeGreaterThan(5);
    expect(a).toEqual(b);
  });

  it('save → load gives identical predictions; MODEL_MISMATCH on other features', async () => {
    const r = await train({ ...cfg, head: { ...cfg.head, cell: 'gru' } }, data);
    await saveModel(join(dir, 'm'), r.model);
    const loaded = await loadModel(join(dir, 'm'), { backboneId: 'synthetic', featureDim: data.featureDim });
    const videos = new Map(data.videos.map((v) => [v.videoId, v]));
    const { samples } = samplesFromSegments(data.segments, ['ab', 'ba'], videos);
    const { batch } = makeBatch(samples.slice(0, 10), videos, 8, normalizerOf(r.model.meta));
    expect(Array.from(loaded.head.predictProba(batch))).toEqual(Array.from(r.model.head.predictProba(batch)));
    expect(loaded.meta.classes.map((c) => c.id)).toEqual(['ab', 'ba']);
    expect(loaded.meta.normalization.mean.length).toBe(data.featureDim);
    await expect(loadModel(join(dir, 'm'), { backboneId: 'other_cnn' })).rejects.toMatchObject({
      code: 'MODEL_MISMATCH',
    });
    const err = await loadModel(join(dir, 'm'), { featureDim: 1280 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FramewiseError);
    expect((err as FramewiseError).code).toBe('MODEL_MISMATCH');
    expect((err as FramewiseError).message).toMatch(/1280/);
  });

  it('resumes from the per-epoch checkpoint', async () => {
    const out = join(dir, 'resume');
    const ac = new AbortController();
    const first = train({ ...cfg, outDir: out, patience: 0 }, data, {
      signal: ac.signal,
      onProgress: (p) => {
        if (p.type === 'epoch' && p.epoch === 0) ac.abort();
      },
    });
    await expect(first).rejects.toMatchObject({ code: 'ABORTED' });
    const epochs: number[] = [];
    const r = await train({ ...cfg, outDir: out, resume: true, patience: 0 }, data, {
      onProgress: (p) => (p.type === 'epoch' ? epochs.push(p.epoch) : undefined),
    });
    expect(epochs).toEqual([1, 2]);
    expect(r.history.map((h) => h.epoch)).toEqual([0, 1, 2]);
    const saved = await loadModel(out);
    expect(saved.meta.checkpoint).toBeUndefined();
  });

  it("a resumed run ends with exactly the weights of an uninterrupted one (Adam's moments are in the checkpoint)", async () => {
    const config = { ...cfg, patience: 0, lrSchedule: 'constant' as const };
    const whole = await train({ ...config, outDir: join(dir, 'whole') }, data);
    const out = join(dir, 'interrupted');
    const ac = new AbortController();
    await expect(
      train({ ...config, outDir: out }, data, {
        signal: ac.signal,
        onProgress: (p) => (p.type === 'epoch' && p.epoch === 1 ? ac.abort() : undefined),
      }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    const resumed = await train({ ...config, outDir: out, resume: true }, data);
    expect(resumed.history.map((h) => h.loss)).toEqual(whole.history.map((h) => h.loss));
    const a = whole.model.head.params;
    const b = resumed.model.head.params;
    for (const name of a.names()) expect(Array.from(b.get(name))).toEqual(Array.from(a.get(name)));
  });
});

describe('split by video', () => {
  it('never puts one video on both sides, and stratifies', () => {
    const big = orderTask({ videos: 20, segmentsPerVideo: 4 });
    const videos = new Map(big.videos.map((v) => [v.videoId, v]));
    const { samples } = samplesFromSegments(big.segments, ['ab', 'ba'], videos);
    for (let seed = 1; seed <= 5; seed++) {
      const s = splitByVideo(samples, 0.25, new Rng(seed));
      const tr = new Set(s.train.map((x) => x.videoId));
      const va = new Set(s.val.map((x) => x.videoId));
      expect([...va].filter((v) => tr.has(v))).toEqual([]);
      expect(va.size).toBeGreaterThan(0);
      expect(s.train.length + s.val.length).toBe(samples.length);
    }
  });
  it('says clearly when there are too few videos', () => {
    const one = orderTask({ videos: 1, segmentsPerVideo: 4 });
    const videos = new Map(one.videos.map((v) => [v.videoId, v]));
    const { samples } = samplesFromSegments(one.segments, ['ab', 'ba'], videos);
    const s = splitByVideo(samples, 0.2, new Rng(1));
    expect(s.val).toEqual([]);
    expect(s.warnings.join(' ')).toMatch(/at least 2 videos/);
  });
});
