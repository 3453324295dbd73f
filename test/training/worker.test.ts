import { describe, expect, it } from 'vitest';
import { modelFromWorkerResult, trainInWorker } from '../../src/training/run-in-worker.js';
import type { TrainProgress } from '../../src/training/train.js';
import { orderTask } from './synthetic.js';

describe('training worker', () => {
  const data = orderTask({ videos: 4, segmentsPerVideo: 6 });
  const cfg = { clipLength: 8, batchSize: 8, epochs: 2, seed: 1, head: { cell: 'gru' as const, hidden: 8 } };
  it('streams progress and returns the model', async () => {
    const events: TrainProgress[] = [];
    let backend = '';
    const r = await trainInWorker(cfg, data, {
      backend: 'wasm',
      onProgress: (p) => events.push(p),
      onBackend: (b) => (backend = b.name),
    });
    expect(backend).toBe('wasm');
    expect(events.some((e) => e.type === 'batch')).toBe(true);
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(2);
    const model = modelFromWorkerResult(r);
    expect(model.meta.classes).toHaveLength(2);
  });
  it('cancels', async () => {
    const ac = new AbortController();
    const p = trainInWorker({ ...cfg, epochs: 50 }, data, {
      backend: 'wasm',
      signal: ac.signal,
      onProgress: () => ac.abort(),
    });
    await expect(p).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
