import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLimit, loadCaptioner, saveCaptioner } from '../../src/captioning/captioner-io.js';
import { beamSearch, captionSegments, greedyDecode, lengthPenalty } from '../../src/captioning/beam-search.js';
import { denseCaptions, denseCaptionSubtitles, fixedWindows } from '../../src/captioning/dense-captioning.js';
import { segmentBatch } from '../../src/captioning/batches.js';
import { normalizerOf } from '../../src/training/model-io.js';
import {
  scoreItems,
  trainCaptioner,
  type CaptionEpochProgress,
  type CaptionTrainResult,
} from '../../src/captioning/train-captioner.js';
import { parseSrt, parseWebVtt } from '../../src/export/subtitles.js';
import { initBackend } from '../../src/models/backend.js';
import type { VideoFeatures } from '../../src/training/dataset.js';
import { captionTask } from './captioner-synthetic.js';

/*
 * The synthetic task is deterministic (each segment has exactly one correct sentence and the
 * feature patterns are well separated at noise 0.3), so a working model reproduces the reference
 * word for word: measured held-out BLEU-4 is 1.0 for LSTM and GRU. The bar is 0.9 — high enough
 * that getting the event ORDER wrong on more than a handful of segments fails it (a swapped
 * two-event sentence keeps all unigrams but loses most 4-grams), with some margin for float
 * differences between machines.
 */
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

let result: CaptionTrainResult;
const events: CaptionEpochProgress[] = [];
let dir: string;

beforeAll(async () => {
  await initBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'framewise-captioner-'));
  result = await trainCaptioner(config, train, { onProgress: (p) => events.push(p) });
  console.log(`captioner (lstm) trained in ${result.seconds.toFixed(2)} s; val ${JSON.stringify(result.valScores)}`);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function decodeAll(beamWidth: number, captioner = result.captioner): string[] {
  return test.items.map(
    (it) => captionSegments(captioner, testVideos.get(it.videoId)!, [it], { beamWidth })[0]!.sentence,
  );
}

describe('trainCaptioner on the event-order task', () => {
  it('builds a ~10-word vocabulary, splits by video and reports progress per epoch', () => {
    const { captioner, trainVideos, valVideos, history } = result;
    expect(captioner.vocab.size).toBe(4 + 9);
    expect(trainVideos.length).toBe(40);
    expect(valVideos.length).toBe(10);
    expect(trainVideos.some((v) => valVideos.includes(v))).toBe(false);
    expect(history).toHaveLength(40);
    expect(events).toEqual(history);
    for (const e of events) {
      expect(e.loss).toBeGreaterThan(0);
      expect(e.valLoss).not.toBeNull();
      expect(e.seconds).toBeGreaterThan(0);
    }
    expect(events[9]!.bleu4).toBeTypeOf('number');
    expect(events[0]!.bleu4).toBeUndefined();
    expect(events[39]!.loss).toBeLessThan(events[0]!.loss / 10);
    // best checkpoint = lowest validation loss
    const minVal = Math.min(...history.map((h) => h.valLoss!));
    expect(history[result.bestEpoch]!.valLoss).toBe(minVal);
    expect(captioner.meta.metrics['valLoss']).toBe(minVal);
  });

  it(`held-out corpus BLEU-4 ≥ ${BLEU4_BAR} and the order of events is right`, () => {
    const scores = scoreItems(result.captioner, test.items, testVideos);
    console.log(`held-out (greedy): ${JSON.stringify(scores)}`);
    expect(scores.bleu4).toBeGreaterThanOrEqual(BLEU4_BAR);
    const greedy = decodeAll(1);
    const twoEvents = test.items
      .map((it, i) => [it.captions[0]!, greedy[i]!] as const)
      .filter(([r]) => r.includes('then'));
    const exact = twoEvents.filter(([r, c]) => r === c).length;
    expect(exact / twoEvents.length).toBeGreaterThanOrEqual(0.9);
  });

  it('greedy and beam search agree on the (easy) held-out items; beam width 1 is greedy', () => {
    const greedy = decodeAll(1);
    const beam = decodeAll(5);
    const agree = greedy.filter((g, i) => g === beam[i]).length;
    expect(agree / greedy.length).toBeGreaterThanOrEqual(0.95);
    const { model, vocab, meta } = result.captioner;
    const enc = segmentBatch(
      test.items.slice(0, 8).map((it) => ({ video: testVideos.get(it.videoId)!, segment: it })),
      meta.steps,
      normalizerOf(meta),
    );
    const g = greedyDecode(model, vocab, enc, { maxLen: 20 });
    const b1 = beamSearch(model, vocab, enc, { beamWidth: 1, alpha: 0, maxLen: 20 });
    expect(b1.map((d) => d.sentence)).toEqual(g.map((d) => d.sentence));
    b1.forEach((d, i) => expect(d.logProb).toBeCloseTo(g[i]!.logProb, 4));
    // beam search maximises the (normalised) score: never worse than greedy under the same α
    const b5 = beamSearch(model, vocab, enc, { beamWidth: 5, alpha: 0, maxLen: 20 });
    b5.forEach((d, i) => {
      expect(d.finished).toBe(true);
      expect(d.score).toBeGreaterThanOrEqual(g[i]!.score - 1e-5);
    });
  });

  it('maxLen bounds the output; unfinished hypotheses are still returned', () => {
    const it0 = test.items.find((i) => i.captions[0]!.includes('then'))!;
    const [d] = captionSegments(result.captioner, testVideos.get(it0.videoId)!, [it0], { beamWidth: 3, maxLen: 3 });
    expect(d!.tokens.length).toBeLessThanOrEqual(3);
    expect(d!.finished).toBe(false);
    expect(lengthPenalty(1, 0.6)).toBe(1);
    expect(lengthPenalty(7, 0)).toBe(1);
    expect(lengthPenalty(7, 1)).toBe(2);
  });

  it('records its longest training caption and stops decoding at it and half again', () => {
    const words = (c: string): number => c.split(' ').length;
    // Longest training caption: "a red circle appears then a blue square appears" = 9 words + <eos>.
    const longest = Math.max(...train.items.flatMap((i) => i.captions.map(words))) + 1;
    expect(result.captioner.meta.longestCaption).toBe(longest);
    expect(decodeLimit(result.captioner.meta)).toBe(Math.min(20, longest + Math.ceil(longest / 2)));
    expect(decodeLimit({ maxLen: 20, longestCaption: 5 })).toBe(8);
    expect(decodeLimit({ maxLen: 6, longestCaption: 5 })).toBe(6);
    expect(decodeLimit({ maxLen: 20 })).toBe(20);
    const all = captionSegments(result.captioner, testVideos.get(test.items[0]!.videoId)!, test.items.slice(0, 6));
    for (const d of all) expect(d.tokens.length + 1).toBeLessThanOrEqual(decodeLimit(result.captioner.meta));
  });

  it('save/load round-trip gives identical captions; MODEL_MISMATCH on other features', async () => {
    await saveCaptioner(dir, result.captioner);
    expect((await readdir(dir)).sort()).toEqual(['meta.json', 'model.json', 'vocab.json', 'weights.bin']);
    const loaded = await loadCaptioner(dir, { backboneId: 'synthetic', featureDim: 16 });
    expect(loaded.meta.steps).toBe(16);
    expect(loaded.vocab.tokens).toEqual(result.captioner.vocab.tokens);
    expect(decodeAll(1, loaded)).toEqual(decodeAll(1));
    expect(decodeAll(3, loaded)).toEqual(decodeAll(3));
    await expect(loadCaptioner(dir, { backboneId: 'mobilenet_v2' })).rejects.toMatchObject({ code: 'MODEL_MISMATCH' });
    await expect(loadCaptioner(dir, { featureDim: 1280 })).rejects.toMatchObject({ code: 'MODEL_MISMATCH' });
    const v = test.videos[0]!;
    const other: VideoFeatures = { ...v, backboneId: 'inception_v3' };
    expect(() => captionSegments(loaded, other, [{ start: 0, end: 2 }])).toThrow(
      expect.objectContaining({ code: 'MODEL_MISMATCH' }),
    );
    const wide: VideoFeatures = { ...v, featureDim: 8, features: new Float32Array(v.times.length * 8) };
    expect(() => captionSegments(loaded, wide, [{ start: 0, end: 2 }])).toThrow(
      expect.objectContaining({ code: 'MODEL_MISMATCH' }),
    );
  });

  it('dense captioning: labelled segments and fixed windows → SRT / WebVTT', () => {
    const video = test.videos[0]!;
    const items = test.items.filter((i) => i.videoId === video.videoId);
    const dense = denseCaptions(result.captioner, video, { segments: items }, { beamWidth: 3 });
    expect(dense).toHaveLength(items.length);
    dense.forEach((d, i) => {
      expect(d.start).toBe(items[i]!.start);
      expect(d.text).toBe(items[i]!.captions[0]);
    });
    const srt = parseSrt(denseCaptionSubtitles(dense, 'srt'));
    expect(srt.map((c) => c.text)).toEqual(dense.map((d) => d.text));
    const vtt = parseWebVtt(denseCaptionSubtitles(dense, 'vtt'));
    expect(vtt[0]!.start).toBeCloseTo(items[0]!.start, 3);
    const windows = fixedWindows(video, 4);
    const duration = video.times[video.times.length - 1]! + 1 / video.fps;
    expect(windows[0]!.start).toBe(0);
    expect(windows[windows.length - 1]!.end).toBeCloseTo(duration, 9);
    const byWindow = denseCaptions(result.captioner, video, { windowSeconds: 4 }, { beamWidth: 1 });
    expect(byWindow).toHaveLength(windows.length);
    for (const d of byWindow) expect(d.text.split(' ')[0]).toBe('a');
  });
});
