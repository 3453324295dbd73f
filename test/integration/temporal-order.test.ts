/**
 * The whole recognition pipeline on real (generated) video: classes that differ only in temporal
 * order — a warm colour then a cool one vs the reverse, the same frames in another order — so a
 * frame-mean model cannot tell them apart and a recurrent one must. (A box moving left vs right
 * would not do: the backbone's global average pooling discards where the box is.) Videos → ffmpeg → CNN features (the
 * shipped backbone) → LSTM/GRU training in a worker → predictions on held-out videos.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { makeTempDir, removeTempDir, makeColorSequence } from '../fixtures/videos.js';
import { createFeatureEngine } from '../../src/features/engines/select.js';
import type { FeatureEngine } from '../../src/features/types.js';
import { ProjectStore } from '../../src/store/project-store.js';
import { importSegments } from '../../src/store/import-segments.js';
import { describeVideo } from '../../src/store/video-entry.js';
import { trainProjectModel, loadProjectModel } from '../../src/project/training.js';
import { predictVideo, videoFeatures } from '../../src/project/predict.js';

const WARM = ['red', 'orange', 'yellow', 'magenta'];
const COOL = ['blue', 'cyan', 'green', 'navy'];

let dir: string;
let store: ProjectStore;
let engine: FeatureEngine;
const heldOut: { file: string; label: string }[] = [];

beforeAll(async () => {
  dir = await makeTempDir('fw-order-');
  const rows: { video: string; label: string }[] = [];
  let n = 0;
  for (const warm of WARM) {
    for (const cool of COOL) {
      for (const label of ['warm-then-cool', 'cool-then-warm']) {
        const colors = label === 'warm-then-cool' ? [warm, cool] : [cool, warm];
        // The switch point varies so that no fixed frame position gives the answer away.
        const idx = n++;
        const first = 1 + ((idx * 7) % 5) * 0.25;
        const file = await makeColorSequence(dir, `${label}-${idx}.mp4`, {
          colors,
          secondsEach: [first, 3 - first],
          fps: 10,
        });
        // A quarter of the videos (both classes equally) are held out; the rest are the labelled project.
        if (idx % 8 === 3 || idx % 8 === 6) heldOut.push({ file, label });
        else rows.push({ video: file, label });
      }
    }
  }
  store = await ProjectStore.create(join(dir, 'project'), 'order');
  await store.update((p) => {
    p.settings.fps = 8;
    p.settings.clipLength = 24;
  });
  await importSegments(store, rows, (f) => describeVideo(f));
  engine = await createFeatureEngine();
}, 240_000);

afterAll(async () => {
  await engine?.dispose();
  await removeTempDir(dir);
});

async function heldOutAccuracy(modelDir: string): Promise<number> {
  const model = await loadProjectModel(store, modelDir, engine);
  let correct = 0;
  for (const h of heldOut) {
    const p = await predictVideo(model, await videoFeatures(h.file, store, engine), h.file);
    if (p.top[0]!.name === h.label) correct++;
  }
  return correct / heldOut.length;
}

describe('temporal order on real video', () => {
  it('LSTM and GRU learn the direction; the frame-mean baseline cannot', async () => {
    // Few videos, so many small steps: ~19 training clips per epoch at batch 4.
    const common = { epochs: 40, batchSize: 4, patience: 0, seed: 7, lr: 3e-3 };
    const lstm = await trainProjectModel(store, {
      engine,
      name: 'lstm',
      config: { ...common, head: { kind: 'recurrent', cell: 'lstm', hidden: 64 } },
    });
    const gru = await trainProjectModel(store, {
      engine,
      name: 'gru',
      config: { ...common, head: { kind: 'recurrent', cell: 'gru', hidden: 64 } },
    });
    const mean = await trainProjectModel(store, {
      engine,
      name: 'mean',
      config: { ...common, head: { kind: 'mean-mlp', hidden: 64 } },
    });
    // The split is by video: validation videos were never trained on.
    for (const r of [lstm, gru, mean]) expect(r.trainVideos.filter((v) => r.valVideos.includes(v))).toEqual([]);

    const acc = {
      lstm: await heldOutAccuracy(lstm.modelDir),
      gru: await heldOutAccuracy(gru.modelDir),
      mean: await heldOutAccuracy(mean.modelDir),
    };
    const val = { lstm: lstm.validation?.top1, gru: gru.validation?.top1, mean: mean.validation?.top1 };
    console.log(
      `held-out accuracy ${JSON.stringify(acc)}; validation top-1 ${JSON.stringify(val)}; train seconds lstm ${lstm.seconds.toFixed(1)} gru ${gru.seconds.toFixed(1)}`,
    );
    expect(acc.lstm).toBeGreaterThanOrEqual(0.875);
    expect(acc.gru).toBeGreaterThanOrEqual(0.875);
    expect(acc.mean).toBeLessThanOrEqual(0.75);
  }, 300_000);
});
