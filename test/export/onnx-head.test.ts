/**
 * A head exported to ONNX gives the probabilities Framewise's own inference gives, for every head
 * kind, on the same raw features: onnxruntime-node runs the file on each sliding window that
 * `windows()` classifies (the last windows are shorter than the clip: Framewise pads and masks
 * them, the ONNX graph just gets fewer steps).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headSidecar, headToOnnx } from '../../src/export/onnx-head.js';
import { initBackend } from '../../src/models/backend.js';
import { DEFAULT_HEAD, SequenceHead, type HeadConfig } from '../../src/models/head.js';
import { windows } from '../../src/inference/predict.js';
import { train } from '../../src/training/train.js';
import { normalizerOf, type TrainedModel } from '../../src/training/model-io.js';
import { packClips, type InputKind, type VideoFeatures } from '../../src/training/dataset.js';
import { Rng } from '../../src/util/rng.js';
import { orderTask } from '../training/synthetic.js';
import { checkOnnxFile, pythonHas } from '../fixtures/python.js';

const data = orderTask({ videos: 4, segmentsPerVideo: 6, dim: 10, seed: 3 });
// Offset and scale the features so that the normalisation inside the graph matters.
for (const v of data.videos) for (let i = 0; i < v.features.length; i++) v.features[i] = v.features[i]! * 3 + 5;

type HeadSettings = Partial<Omit<HeadConfig, 'inputDim' | 'numClasses'>>;
const HEADS: [string, HeadSettings][] = [
  ['LSTM', { kind: 'recurrent', cell: 'lstm', hidden: 7, layers: 1, bidirectional: false }],
  ['GRU', { kind: 'recurrent', cell: 'gru', hidden: 7, layers: 1, bidirectional: false }],
  ['2-layer bidirectional LSTM', { kind: 'recurrent', cell: 'lstm', hidden: 5, layers: 2, bidirectional: true }],
  ['3-layer bidirectional GRU', { kind: 'recurrent', cell: 'gru', hidden: 5, layers: 3, bidirectional: true }],
  ['2-layer GRU', { kind: 'recurrent', cell: 'gru', hidden: 6, layers: 2, bidirectional: false }],
  ['mean pooling', { kind: 'mean-mlp', hidden: 9 }],
];

let dir: string;
beforeAll(async () => {
  await initBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'fw-onnx-head-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function trained(head: HeadSettings, input: InputKind = 'absolute'): Promise<TrainedModel> {
  const r = await train(
    { clipLength: 8, batchSize: 8, epochs: 2, lr: 0.02, seed: 5, head: { dropout: 0.1, ...head }, input },
    data,
  );
  return r.model;
}

/** Max |Framewise − ONNX| over every window of every video, and how many windows were compared. */
async function compare(
  model: TrainedModel,
  file: string,
): Promise<{ maxDiff: number; windows: number; short: number }> {
  const session = await ort.InferenceSession.create(file);
  const D = data.featureDim;
  const C = model.head.config.numClasses;
  let maxDiff = 0;
  let count = 0;
  let short = 0;
  try {
    for (const video of data.videos) {
      for await (const chunk of windows(model, video, { stride: 3 })) {
        for (const w of chunk) {
          const T = w.end - w.first;
          if (T < model.meta.clipLength) short++;
          const x = video.features.slice(w.first * D, w.end * D);
          const out = await session.run({ features: new ort.Tensor('float32', x, [1, T, D]) });
          const p = out.probabilities!.data as Float32Array;
          expect(p.length).toBe(C);
          for (let c = 0; c < C; c++) maxDiff = Math.max(maxDiff, Math.abs(p[c]! - w.probs[c]!));
          count++;
        }
      }
    }
  } finally {
    await session.release();
  }
  return { maxDiff, windows: count, short };
}

describe('ONNX export of a trained head', () => {
  for (const [label, settings] of HEADS) {
    it(`${label}: onnxruntime gives Framewise's probabilities (max abs diff ≤ 1e-4)`, async () => {
      const model = await trained(settings);
      const file = join(dir, `${label.replace(/\W+/g, '-')}.onnx`);
      await writeFile(file, headToOnnx(model, label));
      const r = await compare(model, file);
      console.log(`[onnx-head] ${label}: max abs diff ${r.maxDiff.toExponential(2)} over ${r.windows} windows`);
      expect(r.windows).toBeGreaterThan(20);
      expect(r.short).toBeGreaterThan(0);
      expect(r.maxDiff).toBeLessThanOrEqual(1e-4);
    });
  }

  it('relative input (each clip less its own mean over time): the graph does the same', async () => {
    const model = await trained(
      { kind: 'recurrent', cell: 'gru', hidden: 7, layers: 1, bidirectional: false },
      'relative',
    );
    expect(model.meta.normalization.relative).toBe(true);
    const file = join(dir, 'relative.onnx');
    await writeFile(file, headToOnnx(model, 'relative'));
    const r = await compare(model, file);
    console.log(`[onnx-head] relative: max abs diff ${r.maxDiff.toExponential(2)} over ${r.windows} windows`);
    expect(r.windows).toBeGreaterThan(20);
    expect(r.short).toBeGreaterThan(0);
    expect(r.maxDiff).toBeLessThanOrEqual(1e-4);
  });

  it('at the app’s real sizes (1342-d features, 2-layer bidirectional LSTM 256, 16 frames) too', async () => {
    const D = 1342;
    const rng = new Rng(8);
    const head = SequenceHead.create(
      { ...DEFAULT_HEAD, layers: 2, bidirectional: true, inputDim: D, numClasses: 5 },
      3,
    );
    // Sharper output weights than a fresh head's, so that the probabilities are far from uniform.
    const k = head.params.get('output/kernel');
    for (let i = 0; i < k.length; i++) k[i]! *= 20;
    const mean = Array.from({ length: D }, () => rng.normal());
    const std = Array.from({ length: D }, () => 0.5 + rng.next());
    const model = {
      head,
      meta: {
        classes: ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, name: id })),
        clipLength: 16,
        backboneId: 'mobilenet_v2_nsfwjs+motion3',
        featureDim: D,
        fps: 4,
        normalization: { mean, std },
        metrics: {},
        createdAt: '',
      },
    } as TrainedModel;
    const frames = 40;
    const features = Float32Array.from({ length: frames * D }, (_, i) => mean[i % D]! + 2 * std[i % D]! * rng.normal());
    const video: VideoFeatures = {
      videoId: 'v',
      featureDim: D,
      fps: 4,
      backboneId: model.meta.backboneId,
      times: Float64Array.from({ length: frames }, (_, i) => i / 4),
      features,
    };
    const firsts = [0, 9, 24];
    const want = head.predictProba(
      packClips(
        firsts.map((first) => ({ video, first, end: frames })),
        16,
        normalizerOf(model.meta),
      ),
    );
    const x = new Float32Array(firsts.length * 16 * D);
    firsts.forEach((f, b) => x.set(features.subarray(f * D, (f + 16) * D), b * 16 * D));
    const session = await ort.InferenceSession.create(headToOnnx(model));
    const got = (await session.run({ features: new ort.Tensor('float32', x, [firsts.length, 16, D]) })).probabilities!
      .data as Float32Array;
    await session.release();
    let maxDiff = 0;
    for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - want[i]!));
    console.log(
      `[onnx-head] 1342-d, 2-layer bi-LSTM 256: max abs diff ${maxDiff.toExponential(2)}, probabilities ${Math.min(...want).toFixed(3)}–${Math.max(...want).toFixed(3)}`,
    );
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
  });

  it('a batch of clips gives each clip its own row', async () => {
    const model = await trained(HEADS[2]![1]);
    const file = join(dir, 'batch.onnx');
    await writeFile(file, headToOnnx(model));
    const session = await ort.InferenceSession.create(file);
    const D = data.featureDim;
    const T = 8;
    const v = data.videos[0]!;
    const x = new Float32Array(3 * T * D);
    for (let b = 0; b < 3; b++) x.set(v.features.subarray(b * 8 * D, (b * 8 + T) * D), b * T * D);
    const out = await session.run({ features: new ort.Tensor('float32', x, [3, T, D]) });
    const rows = out.probabilities!.data as Float32Array;
    for (let b = 0; b < 3; b++) {
      const one = await session.run({
        features: new ort.Tensor('float32', x.slice(b * T * D, (b + 1) * T * D), [1, T, D]),
      });
      const p = one.probabilities!.data as Float32Array;
      for (let c = 0; c < 2; c++) expect(Math.abs(rows[b * 2 + c]! - p[c]!)).toBeLessThan(1e-6);
    }
    await session.release();
  });

  it('the sidecar names classes, fps, clip length, backbone and streams', async () => {
    const model = await trained(HEADS[0]![1]);
    model.meta.backboneId = 'mobilenet_v2_nsfwjs+motion3';
    const s = headSidecar(model, 'walk');
    expect(s.classes.map((c) => c.id)).toEqual(['ab', 'ba']);
    expect(s).toMatchObject({
      name: 'walk',
      fps: 4,
      clipLength: 8,
      backboneId: 'mobilenet_v2_nsfwjs',
      streams: ['motion3'],
      featureSetId: 'mobilenet_v2_nsfwjs+motion3',
      featureDim: data.featureDim,
      opset: 17,
      head: { kind: 'recurrent', cell: 'lstm', layers: 1, hidden: 7, bidirectional: false },
    });
  });

  it.skipIf(!pythonHas('onnx'))(
    "every head kind passes python3-onnx's checker (full check, shape inference)",
    async () => {
      for (const [label, settings] of HEADS) {
        const file = join(dir, `check-${label.replace(/\W+/g, '-')}.onnx`);
        await writeFile(file, headToOnnx(await trained(settings), label));
        const out = checkOnnxFile(file);
        expect(out.startsWith('17 ')).toBe(true);
        if (settings.kind === 'recurrent') expect(out).toContain(settings.cell === 'lstm' ? "'LSTM'" : "'GRU'");
      }
    },
  );
});
