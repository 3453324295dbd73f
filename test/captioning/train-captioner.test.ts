import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captionSegments } from '../../src/captioning/beam-search.js';
import { loadCaptioner, saveCaptioner, type TrainedCaptioner } from '../../src/captioning/captioner-io.js';
import { scoreItems, trainCaptioner } from '../../src/captioning/train-captioner.js';
import { initBackend } from '../../src/models/backend.js';
import { captionTask } from './captioner-synthetic.js';

/* The training loop's mechanics for the captioner; the model's quality is captioner.test.ts. */
const BLEU4_BAR = 0.9;
const train = captionTask({ videos: 50, seed: 7 });
const test = captionTask({ videos: 8, seed: 99, prefix: 't' });
const testVideos = new Map(test.videos.map((v) => [v.videoId, v]));
const config = {
  model: { cell: 'lstm' as const, embedDim: 16, encoderHidden: 48, decoderHidden: 48 },
  steps: 16,
  epochs: 40,
  batchSize: 16,
  lr: 5e-3,
  bleuEvery: 10,
  seed: 1,
};

let dir: string;
beforeAll(async () => {
  await initBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'framewise-train-captioner-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function decodeAll(beamWidth: number, captioner: TrainedCaptioner): string[] {
  return test.items.map(
    (it) => captionSegments(captioner, testVideos.get(it.videoId)!, [it], { beamWidth })[0]!.sentence,
  );
}

describe('trainCaptioner mechanics', () => {
  const small = captionTask({ videos: 6, segmentsPerVideo: 4, seed: 3 });
  const quick = { ...config, epochs: 3, bleuEvery: 0 };

  it('same seed → identical weights and history; another seed differs', async () => {
    const a = await trainCaptioner(quick, small);
    const b = await trainCaptioner(quick, small);
    const c = await trainCaptioner({ ...quick, seed: 2 }, small);
    for (const n of a.captioner.model.params.names())
      expect(b.captioner.model.params.get(n)).toEqual(a.captioner.model.params.get(n));
    expect(b.history.map((h) => [h.loss, h.valLoss])).toEqual(a.history.map((h) => [h.loss, h.valLoss]));
    expect(c.history[0]!.loss).not.toBe(a.history[0]!.loss);
  });

  it('GRU trains too (held-out BLEU-4 ≥ bar)', async () => {
    const r = await trainCaptioner({ ...config, model: { ...config.model, cell: 'gru' }, bleuEvery: 0 }, train);
    const scores = scoreItems(r.captioner, test.items, testVideos);
    console.log(`captioner (gru) trained in ${r.seconds.toFixed(2)} s; held-out ${JSON.stringify(scores)}`);
    expect(scores.bleu4).toBeGreaterThanOrEqual(BLEU4_BAR);
  }, 60_000);

  it('LSTM + attention trains too; its save/load round-trip gives identical captions', async () => {
    const r = await trainCaptioner(
      { ...config, model: { ...config.model, attention: 'general' as const }, bleuEvery: 0 },
      train,
    );
    const scores = scoreItems(r.captioner, test.items, testVideos);
    console.log(`captioner (lstm+attention) trained in ${r.seconds.toFixed(2)} s; held-out ${JSON.stringify(scores)}`);
    expect(scores.bleu4).toBeGreaterThanOrEqual(BLEU4_BAR);
    const out = join(dir, 'attention');
    await saveCaptioner(out, r.captioner);
    const loaded = await loadCaptioner(out);
    expect(loaded.model.config.attention).toBe('general');
    expect(decodeAll(3, loaded)).toEqual(decodeAll(3, r.captioner));
  }, 60_000);

  it('cancellation and bad input', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(trainCaptioner(quick, small, { signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    const ac2 = new AbortController();
    await expect(
      trainCaptioner({ ...quick, epochs: 50 }, small, { signal: ac2.signal, onProgress: () => ac2.abort() }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    const mixed = { ...small, videos: [...small.videos, { ...small.videos[0]!, videoId: 'x', featureDim: 3 }] };
    await expect(trainCaptioner(quick, mixed)).rejects.toMatchObject({ code: 'MODEL_MISMATCH' });
    await expect(trainCaptioner(quick, { ...small, items: [] })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });

  it('saves the best model to outDir', async () => {
    const out = join(dir, 'run');
    const r = await trainCaptioner({ ...quick, outDir: out }, small);
    const loaded = await loadCaptioner(out);
    expect(loaded.meta.metrics['epoch']).toBe(r.bestEpoch);
    expect(loaded.meta.trainVideos).toEqual(r.trainVideos);
  });

  it('checkpoints every epoch and resumes from the checkpoint', async () => {
    const out = join(dir, 'resume');
    const ac = new AbortController();
    const first = trainCaptioner({ ...quick, outDir: out }, small, {
      signal: ac.signal,
      onProgress: (p) => {
        if (p.epoch === 0) ac.abort();
      },
    });
    await expect(first).rejects.toMatchObject({ code: 'ABORTED' });
    // The shared loop keeps Adam's state with every checkpoint, for the captioner as for the classifier.
    expect((await readdir(join(out, 'checkpoint'))).sort()).toEqual([
      'adam.bin',
      'adam.json',
      'meta.json',
      'model.json',
      'vocab.json',
      'weights.bin',
    ]);
    expect((await loadCaptioner(join(out, 'checkpoint'))).meta.checkpoint?.epoch).toBe(0);
    const epochs: number[] = [];
    const batches: number[] = [];
    const r = await trainCaptioner({ ...quick, outDir: out, resume: true }, small, {
      onProgress: (p) => epochs.push(p.epoch),
      onBatch: (p) => batches.push(p.epoch),
    });
    expect(epochs).toEqual([1, 2]);
    expect(new Set(batches)).toEqual(new Set([1, 2]));
    expect(r.history.map((h) => h.epoch)).toEqual([0, 1, 2]);
    const saved = await loadCaptioner(out);
    expect(saved.meta.checkpoint).toBeUndefined();
    expect(saved.meta.metrics['epoch']).toBe(r.bestEpoch);
  });

  it('refuses to resume when the captions changed the vocabulary', async () => {
    const out = join(dir, 'resume-other');
    await trainCaptioner({ ...quick, epochs: 1, outDir: out }, small);
    const other = {
      ...small,
      items: small.items.map((it) => ({ ...it, captions: it.captions.map((c) => `${c} quickly`) })),
    };
    await expect(trainCaptioner({ ...quick, outDir: out, resume: true }, other)).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
  });
});
