/**
 * Training loop for the encoder–decoder captioner (docs/captioning-model.md): vocabulary from the
 * training captions, split by video, feature normalisation fitted on the training segments, Adam +
 * LR schedule + global-norm clipping, teacher forcing, per-epoch validation loss (and greedy BLEU /
 * CIDEr-D on the validation segments), best weights by validation loss, cancellation via AbortSignal.
 * Same data + config + seed → identical weights.
 */
import { mkdir } from 'node:fs/promises';
import { FramewiseError } from '../errors.js';
import { Rng } from '../util/rng.js';
import { checkFeatureFit } from '../models/feature-fit.js';
import { Adam, scheduledLr, type LrSchedule } from '../training/optimizer.js';
import { fitNormalizer, frameAt, type ClipSample, type Normalizer, type VideoFeatures } from '../training/dataset.js';
import { evaluateCaptions, type CaptionScores } from './caption-metrics.js';
import { normalizerOf } from '../training/model-io.js';
import { saveCaptioner, type CaptionerMeta, type TrainedCaptioner } from './captioner-io.js';
import { greedyDecode } from './beam-search.js';
import { decoderBatch, segmentBatch, type TimeRange } from './batches.js';
import { CaptionModel, DEFAULT_CAPTION_MODEL, type CaptionModelConfig } from './model.js';
import { PAD_ID, Vocabulary } from './tokenizer.js';

export interface CaptionerTrainConfig {
  model?: Partial<Omit<CaptionModelConfig, 'inputDim' | 'vocabSize'>>;
  /** Encoder steps each segment is resampled / padded to (default 32). */
  steps?: number;
  /** Longest caption in tokens including <eos>; longer training captions are truncated (default 20). */
  maxLen?: number;
  /** Words seen fewer times in the training captions map to <unk> (default 1). */
  minCount?: number;
  /** Vocabulary cap, most frequent first (default none). */
  maxWords?: number;
  batchSize?: number;
  epochs?: number;
  lr?: number;
  lrSchedule?: LrSchedule;
  warmupEpochs?: number;
  clipNorm?: number;
  valFraction?: number;
  /** Early stopping: epochs without a better validation loss (0 = off, the default). */
  patience?: number;
  /** Random frame positions inside each resampling bin during training (default true). */
  jitter?: boolean;
  /** Greedy BLEU/CIDEr on the validation segments every N epochs (0 = only at the end; default 1). */
  bleuEvery?: number;
  seed?: number;
  /** When set, the best model is saved there at the end. */
  outDir?: string;
}

export interface CaptionItem extends TimeRange {
  videoId: string;
  captions: string[];
}

export interface CaptionTrainingData {
  videos: VideoFeatures[];
  items: CaptionItem[];
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
}

interface Pair {
  item: CaptionItem;
  ids: number[];
}

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new FramewiseError('ABORTED', 'Captioner training was cancelled.');
}

function intOption(name: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new FramewiseError('BAD_ARGUMENT', `${name} must be an integer ${min}–${max} (got ${v}).`);
  return v;
}

/** Video ids → (train, val), by video, seeded. */
function splitVideos(ids: string[], valFraction: number, rng: Rng): { train: string[]; val: string[] } {
  const sorted = [...ids].sort();
  if (sorted.length < 2 || valFraction <= 0) return { train: sorted, val: [] };
  const shuffled = rng.shuffle(sorted.slice());
  const n = Math.min(sorted.length - 1, Math.max(1, Math.round(sorted.length * valFraction)));
  const val = new Set(shuffled.slice(0, n));
  return { train: sorted.filter((v) => !val.has(v)), val: sorted.filter((v) => val.has(v)) };
}

function encodeCaption(vocab: Vocabulary, caption: string, maxLen: number): number[] {
  const ids = vocab.encode(caption, maxLen + 1);
  while (ids.length > 2 && ids[ids.length - 1] === PAD_ID) ids.pop();
  return ids;
}

/** Token-weighted mean loss over caption pairs (no dropout). */
function pairsLoss(
  model: CaptionModel,
  pairs: Pair[],
  videos: Map<string, VideoFeatures>,
  steps: number,
  norm: Normalizer,
  batchSize: number,
): number {
  let sum = 0;
  let tokens = 0;
  for (let i = 0; i < pairs.length; i += batchSize) {
    const chunk = pairs.slice(i, i + batchSize);
    const enc = segmentBatch(
      chunk.map((p) => ({ video: videos.get(p.item.videoId)!, segment: p.item })),
      steps,
      norm,
    );
    const r = model.evaluate(enc, decoderBatch(chunk.map((p) => p.ids)));
    sum += r.loss * r.tokens;
    tokens += r.tokens;
  }
  return tokens ? sum / tokens : NaN;
}

/** Greedy captions of items scored against their reference captions. */
export function scoreItems(
  captioner: TrainedCaptioner,
  items: CaptionItem[],
  videos: Map<string, VideoFeatures>,
  batchSize = 64,
): CaptionScores {
  const { model, vocab, meta } = captioner;
  const norm = normalizerOf(meta);
  const samples: { candidate: string; references: string[] }[] = [];
  for (let i = 0; i < items.length; i += batchSize) {
    const chunk = items.slice(i, i + batchSize);
    const enc = segmentBatch(
      chunk.map((it) => ({ video: videos.get(it.videoId)!, segment: it })),
      meta.steps,
      norm,
    );
    greedyDecode(model, vocab, enc, { maxLen: meta.maxLen }).forEach((d, j) =>
      samples.push({ candidate: d.sentence, references: chunk[j]!.captions }),
    );
  }
  return evaluateCaptions(samples);
}

export async function trainCaptioner(
  config: CaptionerTrainConfig,
  data: CaptionTrainingData,
  opts: CaptionTrainOptions = {},
): Promise<CaptionTrainResult> {
  const { signal, onProgress } = opts;
  const runStart = performance.now();
  const seed = config.seed ?? 1;
  const epochs = intOption('epochs', config.epochs ?? 30, 1, 100000);
  const batchSize = intOption('batchSize', config.batchSize ?? 32, 1, 4096);
  const steps = intOption('steps', config.steps ?? 32, 1, 4096);
  const maxLen = intOption('maxLen', config.maxLen ?? 20, 1, 1000);
  const lr = config.lr ?? 2e-3;
  const schedule = config.lrSchedule ?? 'cosine';
  const patience = config.patience ?? 0;
  const bleuEvery = config.bleuEvery ?? 1;
  const jitter = config.jitter ?? true;
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

  const rng = new Rng(seed);
  const split = splitVideos([...new Set(items.map((i) => i.videoId))], config.valFraction ?? 0.2, rng.fork());
  if (split.val.length === 0 && (config.valFraction ?? 0.2) > 0)
    warnings.push('Only one captioned video: no validation split (it is made by video), so no validation scores.');
  const valSet = new Set(split.val);
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
  const clipSamples: ClipSample[] = trainItems.map((it) => {
    const v = videos.get(it.videoId)!;
    const start = Math.min(frameAt(v.times, it.start), v.times.length - 1);
    return { videoId: it.videoId, label: 0, start, end: Math.max(start + 1, frameAt(v.times, it.end)) };
  });
  const norm = fitNormalizer(clipSamples, videos, first.featureDim);

  const modelConfig: CaptionModelConfig = {
    ...DEFAULT_CAPTION_MODEL,
    ...config.model,
    inputDim: first.featureDim,
    vocabSize: vocab.size,
  };
  const model = CaptionModel.create(modelConfig, seed);
  const meta = (metrics: Record<string, number>): CaptionerMeta => ({
    backboneId: first.backboneId,
    featureDim: first.featureDim,
    fps: first.fps,
    steps,
    maxLen,
    normalization: { mean: Array.from(norm.mean), std: Array.from(norm.std) },
    metrics,
    createdAt: new Date().toISOString(),
    trainVideos: split.train,
    valVideos: split.val,
  });
  const captioner: TrainedCaptioner = { model, vocab, meta: meta({}) };

  const opt = new Adam({ lr, clipNorm: config.clipNorm ?? 5 });
  const batches = Math.ceil(trainPairs.length / batchSize);
  const history: CaptionEpochProgress[] = [];
  let best = model.params.snapshot();
  let bestLoss = Infinity;
  let bestEpoch = -1;
  let stoppedEarly = false;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const epochStart = performance.now();
    const epochRng = new Rng(seed * 1000003 + epoch);
    const order = epochRng.shuffle(trainPairs.slice());
    let lossSum = 0;
    let tokenSum = 0;
    for (let bi = 0; bi < batches; bi++) {
      checkAbort(signal);
      opt.lr = scheduledLr(lr, schedule, epoch + bi / batches, epochs, { warmupEpochs: config.warmupEpochs ?? 0 });
      const chunk = order.slice(bi * batchSize, (bi + 1) * batchSize);
      const enc = segmentBatch(
        chunk.map((p) => ({ video: videos.get(p.item.videoId)!, segment: p.item })),
        steps,
        norm,
        jitter ? epochRng : undefined,
      );
      const r = model.lossAndGrads(enc, decoderBatch(chunk.map((p) => p.ids)), epochRng);
      opt.step(model.params, r.grads);
      lossSum += r.loss * r.tokens;
      tokenSum += r.tokens;
      await yieldToEventLoop();
    }
    checkAbort(signal);
    const loss = lossSum / Math.max(1, tokenSum);
    const valLoss = valPairs.length ? pairsLoss(model, valPairs, videos, steps, norm, 64) : null;
    const monitored = valLoss ?? loss;
    const improved = monitored < bestLoss - 1e-6;
    if (improved) {
      bestLoss = monitored;
      bestEpoch = epoch;
      best = model.params.snapshot();
    }
    const ev: CaptionEpochProgress = {
      type: 'epoch',
      epoch,
      epochs,
      loss,
      valLoss,
      lr: opt.lr,
      seconds: 0,
      improved,
    };
    if (valItems.length && bleuEvery > 0 && ((epoch + 1) % bleuEvery === 0 || epoch === epochs - 1)) {
      const s = scoreItems(captioner, valItems, videos);
      ev.bleu4 = s.bleu4;
      ev.ciderD = s.ciderD;
    }
    ev.seconds = (performance.now() - epochStart) / 1000;
    history.push(ev);
    onProgress?.(ev);
    if (valLoss !== null && patience > 0 && epoch - bestEpoch >= patience) {
      stoppedEarly = true;
      break;
    }
  }
  model.params.restore(best);
  const bestStats = history.find((h) => h.epoch === bestEpoch)!;
  const valScores = valItems.length ? scoreItems(captioner, valItems, videos) : null;
  const metrics: Record<string, number> = {
    epoch: bestEpoch,
    loss: bestStats.loss,
    ...(bestStats.valLoss !== null ? { valLoss: bestStats.valLoss } : {}),
    ...(valScores ?? {}),
  };
  captioner.meta = meta(metrics);
  if (config.outDir) {
    await mkdir(config.outDir, { recursive: true });
    await saveCaptioner(config.outDir, captioner);
  }
  return {
    captioner,
    history,
    bestEpoch,
    stoppedEarly,
    trainVideos: split.train,
    valVideos: split.val,
    valScores,
    warnings,
    seconds: (performance.now() - runStart) / 1000,
  };
}
