/**
 * The captioner as ONNX: greedy decoding driven through onnxruntime (encoder once, then the
 * one-step decoder fed its own argmax) gives Framewise's tokens and log-probabilities (≤ 1e-4),
 * for an LSTM with the mean summary and a GRU without, and with attention (the decoder step also
 * reads the encoder's memory and its mask), alone and in a padded batch of two segments.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentBatch } from '../../src/captioning/batches.js';
import { saveCaptioner, type TrainedCaptioner } from '../../src/captioning/captioner-io.js';
import { decodeStep, initialDecoderState, prepareDecoding } from '../../src/captioning/decoding.js';
import { CaptionModel, type CaptionModelConfig } from '../../src/captioning/model.js';
import { BOS_ID, EOS_ID, Vocabulary } from '../../src/captioning/tokenizer.js';
import { captionDecoderToOnnx, captionEncoderToOnnx } from '../../src/captioning/onnx-export.js';
import { initBackend } from '../../src/models/backend.js';
import { ProjectStore } from '../../src/store/project-store.js';
import { normalizerOf } from '../../src/training/model-io.js';
import { Rng } from '../../src/util/rng.js';
import { makeTempDir, removeTempDir } from '../fixtures/videos.js';
import { cli } from '../cli/spawn-cli.js';
import { checkOnnxFile, pythonHas } from '../fixtures/python.js';

const D = 12;
const STEPS = 6;
const MAX_LEN = 8;
let dir: string;

function captioner(config: Partial<CaptionModelConfig>, seed: number): TrainedCaptioner {
  const vocab = Vocabulary.build(['a red disc grows', 'a blue square shrinks slowly', 'the disc moves left']);
  const rng = new Rng(seed);
  const model = CaptionModel.create(
    {
      cell: 'lstm',
      inputDim: D,
      vocabSize: vocab.tokens.length,
      embedDim: 7,
      encoderHidden: 9,
      decoderHidden: 10,
      dropout: 0,
      ...config,
    },
    seed,
  );
  // Larger weights than the initialisation, so the argmax changes from step to step.
  for (const name of model.params.names()) model.params.get(name).forEach((v, i, a) => (a[i] = v * 3));
  model.params.invalidate();
  return {
    model,
    vocab,
    meta: {
      backboneId: 'synthetic',
      featureDim: D,
      fps: 4,
      steps: STEPS,
      maxLen: MAX_LEN,
      normalization: {
        mean: Array.from({ length: D }, () => rng.normal()),
        std: Array.from({ length: D }, () => 0.5 + Math.abs(rng.normal())),
      },
      metrics: {},
      createdAt: new Date(0).toISOString(),
    },
  };
}

/** A video of T random frames and the segments to caption: one of `steps` frames, one shorter. */
function video(seed: number, T = 10) {
  const rng = new Rng(seed);
  return {
    videoId: 'v',
    featureDim: D,
    fps: 4,
    backboneId: 'synthetic',
    times: Float64Array.from({ length: T }, (_, i) => i / 4),
    features: Float32Array.from({ length: T * D }, () => 2 * rng.normal()),
  };
}

/** Framewise's greedy loop (plain argmax) on one segment: tokens and every step's log-probabilities. */
function framewiseGreedy(cap: TrainedCaptioner, x: Float32Array, T: number) {
  const enc = { T, B: 1, x: normalise(cap, x), mask: new Float32Array(T).fill(1) };
  const dc = prepareDecoding(cap.model, enc);
  let state = initialDecoderState(cap.model, 1);
  let prev = BOS_ID;
  const tokens: number[] = [];
  const logProbs: Float32Array[] = [];
  for (let t = 0; t < MAX_LEN && prev !== EOS_ID; t++) {
    const r = decodeStep(cap.model, dc, state, [prev]);
    state = r.state;
    logProbs.push(r.logProbs);
    prev = argmax(r.logProbs);
    tokens.push(prev);
  }
  return { tokens, logProbs };
}

function normalise(cap: TrainedCaptioner, x: Float32Array): Float32Array {
  const { mean, std } = normalizerOf(cap.meta);
  return Float32Array.from(x, (v, i) => (v - mean[i % D]!) / std[i % D]!);
}

function argmax(a: Float32Array): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
}

async function onnxGreedy(
  cap: TrainedCaptioner,
  encFile: string | Uint8Array,
  decFile: string | Uint8Array,
  x: Float32Array,
  T: number,
) {
  const open = (f: string | Uint8Array) =>
    typeof f === 'string' ? ort.InferenceSession.create(f) : ort.InferenceSession.create(f);
  const encoder = await open(encFile);
  const decoder = await open(decFile);
  const encoded = await encoder.run({ features: new ort.Tensor('float32', x, [1, T, D]) });
  const ctx = encoded.context!;
  const attention = cap.model.config.attention === 'general';
  expect(Boolean(encoded.memory)).toBe(attention);
  const memory: Record<string, ort.Tensor> = attention
    ? { memory: encoded.memory!, memory_mask: new ort.Tensor('float32', new Float32Array(T).fill(1), [1, T]) }
    : {};
  const H = cap.model.config.decoderHidden;
  const lstm = cap.model.config.cell === 'lstm';
  let h: ort.Tensor = new ort.Tensor('float32', new Float32Array(H), [1, H]);
  let c: ort.Tensor = new ort.Tensor('float32', new Float32Array(H), [1, H]);
  let prev = BOS_ID;
  const tokens: number[] = [];
  const logProbs: Float32Array[] = [];
  for (let t = 0; t < MAX_LEN && prev !== EOS_ID; t++) {
    const feeds: Record<string, ort.Tensor> = {
      token: new ort.Tensor('int64', BigInt64Array.from([BigInt(prev)]), [1]),
      h,
      context: ctx,
      ...(lstm ? { c } : {}),
      ...memory,
    };
    const out = await decoder.run(feeds);
    const lp = out.log_probs!.data as Float32Array;
    logProbs.push(lp);
    prev = argmax(lp);
    tokens.push(prev);
    h = out.h_out as ort.Tensor;
    if (lstm) c = out.c_out as ort.Tensor;
  }
  await encoder.release();
  await decoder.release();
  return { tokens, logProbs };
}

function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  let maxDiff = 0;
  a.forEach((lp, t) => lp.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - b[t]![i]!)))));
  return maxDiff;
}

/** Largest difference seen per case, printed at the end (the figures docs/decisions.md quotes). */
const figures = new Map<string, number>();

function expectSameDecoding(
  a: { tokens: number[]; logProbs: Float32Array[] },
  b: { tokens: number[]; logProbs: Float32Array[] },
  label = 'greedy',
): void {
  expect(b.tokens).toEqual(a.tokens);
  expect(a.tokens.length).toBeGreaterThan(1);
  expect(b.logProbs.length).toBe(a.logProbs.length);
  const d = maxAbsDiff(a.logProbs, b.logProbs);
  figures.set(label, Math.max(figures.get(label) ?? 0, d));
  expect(d).toBeLessThanOrEqual(1e-4);
}

beforeAll(async () => {
  await initBackend('wasm');
  dir = await makeTempDir('fw-onnx-captioner-');
});
afterAll(async () => {
  for (const [label, d] of figures)
    console.log(`captioner ONNX, ${label}: max abs log-prob difference ${d.toExponential(2)}`);
  await removeTempDir(dir);
});

describe('captioner ONNX export', () => {
  it.each([
    ['LSTM with the mean summary', { cell: 'lstm' as const, summary: 'mean' as const }, 3],
    ['GRU, final state alone', { cell: 'gru' as const }, 8],
    [
      'LSTM with attention and the mean summary',
      { cell: 'lstm' as const, attention: 'general' as const, summary: 'mean' as const },
      7,
    ],
    ['GRU with attention', { cell: 'gru' as const, attention: 'general' as const }, 9],
    [
      'LSTM on relative input with attention and the mean summary',
      { cell: 'lstm' as const, attention: 'general' as const, summary: 'mean' as const, input: 'relative' as const },
      6,
    ],
    [
      'GRU on relative input with per-dimension relative weights and the mean summary',
      {
        cell: 'gru' as const,
        summary: 'mean' as const,
        input: 'relative' as const,
        relativeScale: Array.from({ length: D }, (_, d) => 0.5 + (d % 3)),
      },
      6,
    ],
  ])('%s: onnxruntime greedy decoding = Framewise (tokens, log-probs ≤ 1e-4)', async (label, config, seed) => {
    const cap = captioner(config, seed);
    const v = video(seed);
    const enc = captionEncoderToOnnx(cap, 'cap');
    const dec = captionDecoderToOnnx(cap, 'cap');
    // A segment of exactly `steps` frames and a shorter one (Framewise pads + masks it).
    for (const [first, T] of [
      [2, STEPS],
      [0, 3],
    ] as const) {
      const x = v.features.slice(first * D, (first + T) * D);
      const want = framewiseGreedy(cap, x, T);
      // The padded batch Framewise captions with gives the same encoder input as the T frames here.
      const batch = segmentBatch(
        [{ video: v, segment: { start: first / 4, end: (first + T) / 4 } }],
        STEPS,
        normalizerOf(cap.meta),
      );
      expect(Array.from(batch.mask).filter((m) => m > 0).length).toBe(T);
      const got = await onnxGreedy(cap, enc, dec, x, T);
      expectSameDecoding(want, got, label);
    }
  });

  it.skipIf(!pythonHas('onnx'))("both graphs pass python3-onnx's checker (full check, shape inference)", async () => {
    for (const [config, seed] of [
      [{ cell: 'lstm' as const, summary: 'mean' as const }, 3],
      [{ cell: 'gru' as const }, 8],
      [{ cell: 'lstm' as const, attention: 'general' as const }, 4],
      [{ cell: 'gru' as const, attention: 'general' as const, summary: 'mean' as const }, 9],
    ] as const) {
      const cap = captioner(config, seed);
      for (const [part, bytes] of [
        ['encoder', captionEncoderToOnnx(cap, 'cap')],
        ['decoder', captionDecoderToOnnx(cap, 'cap')],
      ] as const) {
        const file = join(dir, `check-${config.cell}-${seed}-${part}.onnx`);
        await writeFile(file, bytes);
        expect(checkOnnxFile(file)).toMatch(/^17 /);
      }
    }
  });

  it('attention over a padded batch: memory_mask leaves the padding out, as Framewise does', async () => {
    const cap = captioner({ cell: 'lstm', attention: 'general' }, 12);
    const v = video(12);
    const encoder = await ort.InferenceSession.create(captionEncoderToOnnx(cap, 'cap'));
    const decoder = await ort.InferenceSession.create(captionDecoderToOnnx(cap, 'cap'));
    const He = cap.model.config.encoderHidden;
    const H = cap.model.config.decoderHidden;
    // Two segments of 6 and 3 frames in one Framewise batch (the shorter padded and masked) …
    const segs = [
      { first: 1, T: STEPS },
      { first: 4, T: 3 },
    ];
    const batch = segmentBatch(
      segs.map(({ first, T }) => ({ video: v, segment: { start: first / 4, end: (first + T) / 4 } })),
      STEPS,
      normalizerOf(cap.meta),
    );
    const dc = prepareDecoding(cap.model, batch);
    // … and in ONNX: each encoded alone, the memories zero-padded to 6 steps, the mask saying which are real.
    const memory = new Float32Array(2 * STEPS * He);
    const mask = new Float32Array(2 * STEPS);
    const context = new Float32Array(2 * He);
    for (const [n, { first, T }] of segs.entries()) {
      const x = v.features.slice(first * D, (first + T) * D);
      const out = await encoder.run({ features: new ort.Tensor('float32', x, [1, T, D]) });
      memory.set(out.memory!.data as Float32Array, n * STEPS * He);
      mask.fill(1, n * STEPS, n * STEPS + T);
      context.set(out.context!.data as Float32Array, n * He);
    }
    let state = initialDecoderState(cap.model, 2);
    let h: ort.Tensor = new ort.Tensor('float32', new Float32Array(2 * H), [2, H]);
    let c: ort.Tensor = new ort.Tensor('float32', new Float32Array(2 * H), [2, H]);
    let prev = [BOS_ID, BOS_ID];
    const want: Float32Array[] = [];
    const got: Float32Array[] = [];
    const seen = new Set<number>();
    for (let t = 0; t < MAX_LEN; t++) {
      const r = decodeStep(cap.model, dc, state, prev);
      state = r.state;
      const out = await decoder.run({
        token: new ort.Tensor('int64', BigInt64Array.from(prev, BigInt), [2]),
        h,
        c,
        context: new ort.Tensor('float32', context, [2, He]),
        memory: new ort.Tensor('float32', memory, [2, STEPS, He]),
        memory_mask: new ort.Tensor('float32', mask, [2, STEPS]),
      });
      want.push(r.logProbs);
      got.push(out.log_probs!.data as Float32Array);
      h = out.h_out as ort.Tensor;
      c = out.c_out as ort.Tensor;
      // Both fed Framewise's argmax of each row (past <eos> too: every step is compared).
      const V = cap.model.config.vocabSize;
      prev = [0, 1].map((n) => argmax(r.logProbs.subarray(n * V, (n + 1) * V)));
      prev.forEach((p) => seen.add(p));
    }
    expect(seen.size).toBeGreaterThan(1);
    const d = maxAbsDiff(want, got);
    figures.set('attention, padded batch of 2', d);
    expect(d).toBeLessThanOrEqual(1e-4);
    // Without the mask the padding would be attended to: the shorter row's scores change.
    const unmasked = await decoder.run({
      token: new ort.Tensor('int64', BigInt64Array.from([BOS_ID, BOS_ID].map(BigInt)), [2]),
      h: new ort.Tensor('float32', new Float32Array(2 * H), [2, H]),
      c: new ort.Tensor('float32', new Float32Array(2 * H), [2, H]),
      context: new ort.Tensor('float32', context, [2, He]),
      memory: new ort.Tensor('float32', memory, [2, STEPS, He]),
      memory_mask: new ort.Tensor('float32', new Float32Array(2 * STEPS).fill(1), [2, STEPS]),
    });
    expect(maxAbsDiff([want[0]!], [unmasked.log_probs!.data as Float32Array])).toBeGreaterThan(1e-3);
    await encoder.release();
    await decoder.release();
  });

  it('framewise export --format captioner-onnx writes both graphs and the vocabulary, with attention too', async () => {
    const proj = join(dir, 'proj');
    const store = await ProjectStore.create(proj, 'Captioner export');
    const cap = captioner({ cell: 'lstm' }, 5);
    await saveCaptioner(join(store.paths.captioners, 'cap'), cap);
    const out = join(dir, 'out');
    const r = await cli(['export', proj, '--format', 'captioner-onnx', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const sidecar = JSON.parse(await readFile(join(out, 'cap.json'), 'utf8')) as Record<string, unknown>;
    expect(sidecar).toMatchObject({ format: 'framewise-onnx-captioner', steps: STEPS, fps: 4, cell: 'lstm' });
    expect(sidecar['vocabulary']).toEqual([...cap.vocab.tokens]);
    expect(sidecar['specialTokens']).toEqual({ pad: 0, bos: BOS_ID, eos: EOS_ID, unk: 3 });
    const v = video(11);
    const x = v.features.slice(0, STEPS * D);
    expectSameDecoding(
      framewiseGreedy(cap, x, STEPS),
      await onnxGreedy(cap, join(out, 'cap-encoder.onnx'), join(out, 'cap-decoder.onnx'), x, STEPS),
    );

    const att = captioner({ attention: 'general' }, 6);
    await saveCaptioner(join(store.paths.captioners, 'att'), att);
    const r2 = await cli(['export', proj, '--format', 'captioner-onnx', '--model', 'att', '--out', out, '--json']);
    expect(r2.stderr).toBe('');
    expect(r2.code).toBe(0);
    const attSidecar = JSON.parse(await readFile(join(out, 'att.json'), 'utf8')) as {
      attention: string;
      encoder: { outputs: Record<string, unknown> };
      decoder: { inputs: Record<string, unknown>; attention: string };
    };
    expect(attSidecar.attention).toBe('general');
    expect(attSidecar.encoder.outputs['memory']).toEqual(['N', 'T', att.model.config.encoderHidden]);
    expect(attSidecar.decoder.inputs['memory_mask']).toEqual(['N', 'T']);
    expect(attSidecar.decoder.attention).toMatch(/memory_mask: 1 for a real frame/);
    expect(sidecar['attention']).toBe('none');
    expectSameDecoding(
      framewiseGreedy(att, x, STEPS),
      await onnxGreedy(att, join(out, 'att-encoder.onnx'), join(out, 'att-decoder.onnx'), x, STEPS),
      'attention, via the CLI',
    );
  }, 60_000);
});
