import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/models/backend.js';
import { train, type TrainConfig } from '../../src/training/train.js';
import { orderTask } from './synthetic.js';

let dir: string;
beforeAll(async () => {
  await initBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'fw-train-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base: TrainConfig = {
  clipLength: 8,
  batchSize: 16,
  epochs: 12,
  lr: 0.01,
  patience: 0,
  seed: 3,
  valFraction: 0.3,
};

describe('learning temporal order', () => {
  const data = orderTask();
  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell} separates A→B from B→A`, async () => {
      const t0 = performance.now();
      const r = await train({ ...base, head: { kind: 'recurrent', cell, hidden: 16, dropout: 0 } }, data);
      const last = r.history[r.history.length - 1]!;
      console.log(cell, 'valAcc', last.valAcc, 'ms', performance.now() - t0);
      expect(r.valVideos.length).toBeGreaterThan(0);
      expect(r.model.meta.metrics['valAcc']).toBeGreaterThanOrEqual(0.9);
    });
  }
  it('frame-mean baseline stays near chance', async () => {
    const r = await train({ ...base, head: { kind: 'mean-mlp', hidden: 16, dropout: 0 } }, data);
    const last = r.history[r.history.length - 1]!;
    console.log(
      'mean valAcc',
      last.valAcc,
      r.history.map((h) => h.valAcc),
    );
    expect(last.valAcc!).toBeLessThanOrEqual(0.65);
  });
});
