import { describe, expect, it } from 'vitest';
import { trainCaptionerInWorker } from '../../src/captioning/train-in-worker.js';
import type { CaptionEpochProgress } from '../../src/captioning/train-captioner.js';
import type { FitBatch } from '../../src/training/fit.js';
import { captionTask } from './captioner-synthetic.js';

describe('captioner training worker', () => {
  const data = captionTask({ videos: 4, segmentsPerVideo: 4, seed: 3 });
  const cfg = {
    model: { cell: 'gru' as const, embedDim: 8, encoderHidden: 12, decoderHidden: 12 },
    steps: 8,
    epochs: 2,
    batchSize: 8,
    bleuEvery: 0,
    seed: 1,
  };

  it('streams batch and epoch progress and returns the captioner', async () => {
    const epochs: CaptionEpochProgress[] = [];
    const batches: FitBatch[] = [];
    let backend = '';
    const r = await trainCaptionerInWorker(cfg, data, {
      backend: 'wasm',
      onProgress: (p) => epochs.push(p),
      onBatch: (p) => batches.push(p),
      onBackend: (b) => (backend = b.name),
    });
    expect(backend).toBe('wasm');
    expect(batches.length).toBeGreaterThan(0);
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1]);
    expect(r.history).toEqual(epochs);
    expect(r.captioner.vocab.size).toBe(r.captioner.model.config.vocabSize);
    expect(r.captioner.meta.steps).toBe(8);
  });

  it('cancels', async () => {
    const ac = new AbortController();
    const p = trainCaptionerInWorker({ ...cfg, epochs: 50 }, data, {
      backend: 'wasm',
      signal: ac.signal,
      onBatch: () => ac.abort(),
    });
    await expect(p).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
