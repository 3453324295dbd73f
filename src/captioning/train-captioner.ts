/**
 * Training the encoder–decoder captioner (docs/captioning-model.md): vocabulary from the training
 * captions, split by video, feature normalisation fitted on the training segments, then the shared
 * training loop (training/fit.ts: Adam + LR schedule + clipping, progress, best weights by
 * validation loss, early stopping, cancellation, per-epoch checkpoints in `outDir` and `resume`).
 * This file is the captioner's side of it: teacher-forced batches of caption pairs, validation
 * loss and greedy BLEU / CIDEr-D on the validation segments, and the captioner folder format.
 * Same data + config + seed → identical weights.
 */
import { FramewiseError } from '../errors.js';
import { Rng } from '../util/rng.js';
import { checkFeatureFit } from '../models/feature-fit.js';
import {
  dropBlocks,
  fitNormalizer,
  frameAt,
  type FeatureBlock,
  splitByVideo,
  type ClipSample,
  type VideoFeatures,
} from '../training/dataset.js';
import { fit, fitSettings, type FitBatch, type FitTask, type LoopConfig, type RunCheckpoint } from '../training/fit.js';
import type { CaptionScores } from './caption-metrics.js';
import { normalizerOf, trainedMeta } from '../training/model-io.js';
import { loadCaptioner, saveCaptioner, type CaptionerMeta, type TrainedCaptioner } from './captioner-io.js';
import { pairSegments, pairsLoss, scoreItems } from './caption-scoring.js';
import { decoderBatch, segmentBatch, type DecoderBatch, type TimeRange } from './batches.js';
import { CaptionModel, DEFAULT_CAPTION_MODEL, type CaptionModelConfig } from './model.js';
import { PAD_ID, UNK_ID, Vocabulary } from './tokenizer.js';

export { scoreItems };

/** Training options; `patience` defaults to 0 (no early stopping). */
export interface CaptionerTrainConfig extends LoopConfig {
  model?: Partial<Omit<CaptionModelConfig, 'inputDim' | 'vocabSize'>>;
  /** Encoder steps each segment is resampled / padded to (default 32). */
  steps?: number;
  /** Longest caption in tokens including <eos>; longer training captions are truncated (default 20). */
  maxLen?: number;
  /** Words seen fewer times in the training captions map to <unk> (default 1). */
  minCount?: number;
  /** Vocabulary cap, most frequent first (default none). */
  maxWords?: number;
  valFraction?: number;
  /** Random frame positions inside each resampling bin during training (default true). */
  jitter?: boolean;
  /** Greedy BLEU/CIDEr on the validation segments every N epochs (0 = only at the end; default 1). */
  bleuEvery?: number;
  /**
   * Probability that a training clip loses one stream (appearance, motion summary, motion grid —
   * set to its mean), never all (training/dataset.ts dropBlocks), as the classifier does. Needs the
   * data's `featureBlocks`. Default DEFAULT_STREAM_DROPOUT.
   */
  streamDropout?: number;
  /**
   * Probability that a decoder input word (never <bos>) is replaced by <unk> in training, so the
   * next word has to come from the video rather than from the words before it (Bowman et al. 2016).
   */
  wordDropout?: number;
  /** Label smoothing ε of the token loss (models/losses.ts). */
  labelSmoothing?: number;
  /**
   * Weight of the first feature block (appearance) in the balanced normalisation, instead of the
   * feature set's own (the others keep theirs).
   */
  appearanceWeight?: number;
}

/**
 * As the classifier's: blanking one stream of a training clip now and then made the verb depend on
 * motion as well as on the look (caption bench, dev: verb 0.44 -> 0.72).
 */
export const DEFAULT_STREAM_DROPOUT = 0.2;

export interface CaptionItem extends TimeRange {
  videoId: string;
  captions: string[];
}

export interface CaptionTrainingData {
  videos: VideoFeatures[];
  items: CaptionItem[];
  /**
   * The feature set's blocks (appearance, then each stream's): balanced in the normalisation like
   * the classifier's, so 1280 appearance numbers do not drown the motion summary that carries the
   * verb. Absent = plain per-dimension standardisation.
   */
  featureBlocks?: FeatureBlock[];
}

export interface CaptionEpochProgress {
  type: 'epoch';
  epoch: number;
  epochs: number;
  /** Mean training token cross-entropy. */
  loss: number;
  valLoss: number | null;
  bleu4?: number;
  ciderD?: number;
  lr: number;
  seconds: number;
  improved: boolean;
}

export interface CaptionTrainResult {
  captioner: TrainedCaptioner;
  history: CaptionEpochProgress[];
  bestEpoch: number;
  stoppedEarly: boolean;
  trainVideos: string[];
  valVideos: string[];
  /** Greedy-decoding scores of the best weights on the validation segments (null without validation). */
  valScores: CaptionScores | null;
  warnings: string[];
  seconds: number;
}

export interface CaptionTrainOptions {
  signal?: AbortSignal;
  onProgress?: (p: CaptionEpochProgress) => void;
  /** Per-batch progress (token loss and accuracy so far in the epoch). */
  onBatch?: (p: FitBatch) => void;
}

export interface Pair {
  item: CaptionItem;
  ids: number[];
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new FramewiseError('ABORTED', 'Captioner training was cancelled.');
}

function intOption(name: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new FramewiseError('BAD_ARGUMENT', `${name} must be an integer ${min}–${max} (got ${v}).`);
  return v;
}

function rate(name: string, v: number): number {
  if (!(v >= 0 && v < 1)) throw new FramewiseError('BAD_ARGUMENT', `${name} must be in [0, 1) (got ${v}).`);
  return v;
}

/** Word dropout: decoder inputs after <bos> become <unk> with probability p (targets unchanged). */
export function dropWords(dec: DecoderBatch, p: number, rng: Rng): void {
  for (let n = dec.B; n < dec.inputs.length; n++)
    if (dec.inputs[n] !== PAD_ID && rng.next() < p) dec.inputs[n] = UNK_ID;
}

function encodeCaption(vocab: Vocabulary, caption: string, maxLen: number): number[] {
  const ids = vocab.encode(caption, maxLen + 1);
  while (ids.length > 2 && ids[ids.length - 1] === PAD_ID) ids.pop();
  return ids;
}

export async function trainCaptioner(
  config: CaptionerTrainConfig,
  data: CaptionTrainingData,
  opts: CaptionTrainOptions = {},
): Promise<CaptionTrainResult> {
  const { signal, onProgress, onBatch } = opts;
  const runStart = performance.now();
  const seed = config.seed ?? 1;
  const steps = intOption('steps', config.steps ?? 32, 1, 4096);
  const maxLen = intOption('maxLen', config.maxLen ?? 20, 1, 1000);
  const bleuEvery = config.bleuEvery ?? 1;
  const jitter = config.jitter ?? true;
  const streamDropout = rate('streamDropout', config.streamDropout ?? DEFAULT_STREAM_DROPOUT);
  const wordDropout = rate('wordDropout', config.wordDropout ?? 0);
  const labelSmoothing = rate('labelSmoothing', config.labelSmoothing ?? 0);
  if (data.videos.length === 0)
    throw new FramewiseError('BAD_ARGUMENT', 'Captioner training needs videos with features.');
  const first = data.videos[0]!;
  for (const v of data.videos)
    checkFeatureFit(first, v, {
      offered: `video ${v.videoId}`,
      expected: `video ${first.videoId} has`,
      hint: 'Re-extract features with one backbone.',
    });
  checkAbort(signal);
  const videos = new Map(data.videos.map((v) => [v.videoId, v]));
  const warnings: string[] = [];
  let noVideo = 0;
  let noCaption = 0;
  const items: CaptionItem[] = [];
  for (const it of data.items) {
    if (!videos.has(it.videoId)) {
      noVideo++;
      continue;
    }
    const caps = it.captions.filter((c) => c.trim() !== '');
    if (caps.length === 0 || !(it.end > it.start)) {
      noCaption++;
      continue;
    }
    items.push({ ...it, captions: caps });
  }
  if (noVideo) warnings.push(`${noVideo} captioned segment(s) skipped: their video has no extracted features.`);
  if (noCaption) warnings.push(`${noCaption} segment(s) skipped: no caption text or an empty time range.`);
  if (items.length === 0) throw new FramewiseError('BAD_ARGUMENT', 'No captioned segments with features to train on.');

  // One normalisation sample per segment; the split by video is the classifier's (one class).
  const samples: ClipSample[] = items.map((it) => {
    const v = videos.get(it.videoId)!;
    const start = Math.min(frameAt(v.times, it.start), v.times.length - 1);
    return { videoId: it.videoId, label: 0, start, end: Math.max(start + 1, frameAt(v.times, it.end)) };
  });
  const split = splitByVideo(samples, config.valFraction ?? 0.2, new Rng(seed).fork());
  if (split.valVideos.length === 0 && (config.valFraction ?? 0.2) > 0)
    warnings.push('Only one captioned video: no validation split (it is made by video), so no validation scores.');
  const valSet = new Set(split.valVideos);
  const trainItems = items.filter((i) => !valSet.has(i.videoId));
  const valItems = items.filter((i) => valSet.has(i.videoId));
  const vocab = Vocabulary.build(
    trainItems.flatMap((i) => i.captions),
    { minCount: config.minCount ?? 1, ...(config.maxWords !== undefined ? { maxWords: config.maxWords } : {}) },
  );
  if (vocab.size < 5) throw new FramewiseError('BAD_ARGUMENT', 'The training captions contain no words.');
  const toPairs = (list: CaptionItem[]): Pair[] =>
    list.flatMap((item) => item.captions.map((c) => ({ item, ids: encodeCaption(vocab, c, maxLen) })));
  const trainPairs = toPairs(trainItems);
  const valPairs = toPairs(valItems);
  const blocks = data.featureBlocks?.map((b, i) =>
    i === 0 && config.appearanceWeight !== undefined ? { ...b, weight: config.appearanceWeight } : b,
  );
  if (config.appearanceWeight !== undefined && !(config.appearanceWeight > 0 && config.appearanceWeight <= 10))
    throw new FramewiseError('BAD_ARGUMENT', `appearanceWeight must be in (0, 10] (got ${config.appearanceWeight}).`);
  const norm = fitNormalizer(split.train, videos, first.featureDim, blocks);
  // On relative input each stream block also gets its relative weight (model.ts relativeScale), as
  // the classifier's; the appearance keeps its absolute one: the summary reads it too, and at the
  // classifier's 4 the changing appearance drowned the object's colour in the context (dev colour
  // 0.78 -> 0.55 on the caption bench, docs/captioning-model.md).
  const relNorm =
    (config.model?.input ?? DEFAULT_CAPTION_MODEL.input) === 'relative' && blocks
      ? fitNormalizer(
          split.train,
          videos,
          first.featureDim,
          blocks.map((b, i) => (i === 0 ? { ...b, relativeWeight: b.weight } : b)),
          true,
        )
      : null;
  // At least 8 optimiser steps an epoch (the classifier's rule): 40 captions at a batch of 32 were
  // two steps an epoch, 60 in a whole default run.
  const settings = fitSettings(config, {
    epochs: 30,
    batchSize: Math.max(4, Math.min(32, Math.floor(trainPairs.length / 8))),
    lr: 2e-3,
    patience: 0,
  });
  intOption('epochs', settings.epochs, 1, 100000);
  intOption('batchSize', settings.batchSize, 1, 4096);

  const modelConfig: CaptionModelConfig = {
    ...DEFAULT_CAPTION_MODEL,
    ...config.model,
    ...(relNorm ? { relativeScale: Array.from(norm.std, (s, d) => s / relNorm.std[d]!) } : {}),
    inputDim: first.featureDim,
    vocabSize: vocab.size,
  };
  const longestCaption = Math.max(1, ...trainPairs.map((p) => p.ids.length - 1));
  const meta = (metrics: Record<string, number>, checkpoint?: RunCheckpoint): CaptionerMeta => ({
    steps,
    maxLen,
    longestCaption,
    ...trainedMeta(first, norm, split, metrics, checkpoint),
  });
  const captioner: TrainedCaptioner = { model: CaptionModel.create(modelConfig, seed), vocab, meta: meta({}) };
  const epochMetrics = (ev: CaptionEpochProgress): Record<string, number> => ({
    loss: ev.loss,
    ...(ev.valLoss !== null ? { valLoss: ev.valLoss } : {}),
    ...(ev.bleu4 !== undefined ? { bleu4: ev.bleu4, ciderD: ev.ciderD! } : {}),
  });

  const task: FitTask<Pair, CaptionEpochProgress> = {
    get params() {
      return captioner.model.params;
    },
    items: trainPairs,
    step(chunk, rng) {
      const enc = segmentBatch(pairSegments(chunk, videos), steps, norm, jitter ? rng : undefined);
      if (data.featureBlocks && streamDropout > 0) dropBlocks(enc, data.featureBlocks, streamDropout, rng);
      const dec = decoderBatch(chunk.map((p) => p.ids));
      if (wordDropout > 0) dropWords(dec, wordDropout, rng);
      const r = captioner.model.lossAndGrads(enc, dec, rng, labelSmoothing);
      return { loss: r.loss, count: r.tokens, correct: r.correct, grads: r.grads };
    },
    validate: () =>
      valPairs.length ? { loss: pairsLoss(captioner.model, valPairs, videos, steps, norm, 64), acc: null } : null,
    epochEvent(e) {
      const { epoch, epochs } = e;
      const ev: CaptionEpochProgress = {
        type: 'epoch',
        epoch,
        epochs,
        loss: e.loss,
        valLoss: e.valLoss,
        lr: e.lr,
        seconds: e.seconds,
        improved: e.improved,
      };
      if (valItems.length && bleuEvery > 0 && ((epoch + 1) % bleuEvery === 0 || epoch === epochs - 1)) {
        const s = scoreItems(captioner, valItems, videos);
        ev.bleu4 = s.bleu4;
        ev.ciderD = s.ciderD;
      }
      return ev;
    },
    save: (dir, ev, checkpoint) => saveCaptioner(dir, { ...captioner, meta: meta(epochMetrics(ev), checkpoint) }),
    async resume(dir) {
      const ck = await loadCaptioner(dir, { backboneId: first.backboneId, featureDim: first.featureDim });
      if (ck.vocab.tokens.join('\n') !== vocab.tokens.join('\n'))
        throw new FramewiseError(
          'BAD_ARGUMENT',
          `The training captions changed since the checkpoint in ${dir} was saved (its vocabulary differs); train without resume.`,
        );
      captioner.model = ck.model;
      const saved = normalizerOf(ck.meta);
      norm.mean.set(saved.mean);
      norm.std.set(saved.std);
      captioner.meta = meta({});
      return ck.meta.checkpoint;
    },
    readWeights: async (dir) => (await loadCaptioner(dir)).model.params.snapshot(),
  };
  const run = await fit(task, settings, {
    signal,
    what: 'Captioner training',
    ...(onBatch ? { onBatch } : {}),
    ...(onProgress ? { onEpoch: onProgress } : {}),
  });
  const { history, bestEpoch } = run;
  const bestStats = history.find((h) => h.epoch === bestEpoch) ?? history.at(-1);
  const valScores = valItems.length ? scoreItems(captioner, valItems, videos) : null;
  const metrics: Record<string, number> = {
    epoch: bestEpoch,
    ...(bestStats ? { loss: bestStats.loss } : {}),
    ...(bestStats && bestStats.valLoss !== null ? { valLoss: bestStats.valLoss } : {}),
    ...(valScores ?? {}),
  };
  captioner.meta = meta(metrics);
  if (config.outDir) await saveCaptioner(config.outDir, captioner);
  return {
    captioner,
    ...run,
    trainVideos: split.trainVideos,
    valVideos: split.valVideos,
    valScores,
    warnings,
    seconds: (performance.now() - runStart) / 1000,
  };
}
