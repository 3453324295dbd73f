/**
 * `framewise export --format onnx --with-backbone`: frames → backbone ONNX → head ONNX in plain
 * onnxruntime gives Framewise's own appearance features and probabilities; the sidecar says how
 * frames go in and which feature columns (streams) no graph computes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backboneSidecar } from '../../src/export/onnx-backbone.js';
import { getBackbone } from '../../src/features/backbones/registry.js';
import { createFeatureEngine } from '../../src/features/engines/select.js';
import { initBackend } from '../../src/models/backend.js';
import { ProjectStore } from '../../src/store/project-store.js';
import { packClips } from '../../src/training/dataset.js';
import { normalizerOf, saveModel, type TrainedModel } from '../../src/training/model-io.js';
import { train } from '../../src/training/train.js';
import { Rng } from '../../src/util/rng.js';
import { makeTempDir, removeTempDir } from '../fixtures/videos.js';
import { orderTask } from '../training/synthetic.js';
import { cli } from '../cli/spawn-cli.js';

const BACKBONE = 'mobilenet_v2_nsfwjs';
const synthetic = orderTask({ videos: 2, segmentsPerVideo: 4, dim: 1280, seed: 4 });
const data = {
  ...synthetic,
  backboneId: BACKBONE,
  videos: synthetic.videos.map((v) => ({ ...v, backboneId: BACKBONE })),
};
let dir: string;
let proj: string;
let model: TrainedModel;

beforeAll(async () => {
  await initBackend('wasm');
  dir = await makeTempDir('fw-onnx-backbone-');
  proj = join(dir, 'proj');
  const store = await ProjectStore.create(proj, 'Backbone export');
  await store.update((p) => void (p.settings.streams = []));
  const config = { clipLength: 8, batchSize: 8, epochs: 1, seed: 1 };
  model = (await train({ ...config, head: { kind: 'recurrent', cell: 'gru', hidden: 6 } }, data)).model;
  await saveModel(join(store.paths.models, 'walk'), model);
}, 120_000);

afterAll(async () => {
  await removeTempDir(dir);
});

describe('backbone ONNX next to the head', () => {
  it('frames → backbone.onnx → head.onnx in onnxruntime equals Framewise’s features and probabilities', async () => {
    const out = join(dir, 'out');
    const r = await cli(['export', proj, '--format', 'onnx', '--with-backbone', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const sidecar = JSON.parse(await readFile(join(out, 'walk.json'), 'utf8')) as {
      backbone: ReturnType<typeof backboneSidecar>;
    };
    expect(sidecar.backbone).toMatchObject({
      id: BACKBONE,
      file: `${BACKBONE}.onnx`,
      input: { name: 'frames', layout: 'nhwc-uint8', shape: ['N', 224, 224, 3] },
      output: { name: 'features', shape: ['N', 1280] },
      notInGraph: { streams: [], columns: null },
    });

    const T = 8;
    const rng = new Rng(3);
    // Smooth gradients with noise: something like images, not only uniform noise.
    const frames = new Uint8Array(T * 224 * 224 * 3);
    for (let i = 0; i < frames.length; i++) frames[i] = ((i % 672) / 3 + 40 * rng.normal() + (i >> 16)) & 255;

    const engine = await createFeatureEngine(BACKBONE);
    let want: Float32Array;
    try {
      want = await engine.embed(frames, T);
    } finally {
      await engine.dispose();
    }
    const bb = await ort.InferenceSession.create(join(out, sidecar.backbone.file));
    const feats = (await bb.run({ frames: new ort.Tensor('uint8', frames, [T, 224, 224, 3]) })).features!
      .data as Float32Array;
    await bb.release();
    expect(feats.length).toBe(T * 1280);
    let maxDiff = 0;
    for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(feats[i]! - want[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
    expect(Math.max(...want)).toBeGreaterThan(0.1); // real activations, not all zero

    const video = { ...data.videos[0]!, features: want, times: Float64Array.from({ length: T }, (_, i) => i / 4) };
    const expected = model.head.predictProba(packClips([{ video, first: 0, end: T }], T, normalizerOf(model.meta)));
    const head = await ort.InferenceSession.create(join(out, 'walk.onnx'));
    const probs = (await head.run({ features: new ort.Tensor('float32', feats, [1, T, 1280]) })).probabilities!
      .data as Float32Array;
    await head.release();
    expect(probs.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) expect(Math.abs(probs[i]! - expected[i]!)).toBeLessThanOrEqual(1e-4);
  }, 120_000);

  it('streams in the feature set are named as computed by Framewise, with their columns', async () => {
    const spec = await getBackbone(BACKBONE);
    const s = backboneSidecar(spec, 'x.onnx', { fps: 4, featureDim: 1339, streams: ['motion3'] });
    expect(s.appearanceDim).toBe(1280);
    expect(s.notInGraph.streams).toEqual(['motion3']);
    expect(s.notInGraph.columns).toEqual([1280, 1339]);
    expect(s.notInGraph.note).toMatch(/59 numbers a frame that Framewise computes.*no ONNX graph/);
    expect(s.input.frames).toMatch(/^4 frames per second.*224x224/);
  });
});
