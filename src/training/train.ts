/**
 * The training loop: split by video, normalise on the training split, Adam + LR schedule + gradient
 * clipping, per-batch/per-epoch progress, early stopping on validation loss, best weights kept in
 * memory (and saved), cancellation via AbortSignal, resumable from the last per-epoch checkpoint.
 *
 * Resume: with `outDir`, after each epoch the current weights go to `<outDir>/checkpoint/` (with the
 * epoch, history and best-so-far in its meta.json) and the best weights to `<outDir>/`. `resume: true`
 * continues from the checkpoint's next epoch. Adam's moments are not saved (a few batches re-warm
 * them); the LR schedule and the data order (seeded per epoch) continue where they were.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { FramewiseError } from '../errors.js';
import { Rng } from '../util/rng.js';
import { DEFAULT_HEAD, SequenceHead, type HeadConfig } from '../models/head.js';
import { checkFeatureFit } from '../models/feature-fit.js';
import { softmaxCrossEntropy } from '../models/losses.js';
import {
  balancedClassWeights,
  fitNormalizer,
  makeBatch,
  samplesFromSegments,
  splitByVideo,
  type ClipSample,
  type LabeledSegment,
  type Normalizer,
  type VideoFeatures,
} from './dataset.js';
import { loadModel, normalizerOf, saveModel, type ModelMeta, type TrainedModel } from './model-io.js';
import { Adam, scheduledLr, type LrSchedule } from './optimizer.js';

export interface TrainConfig {
  head?: Partial<Omit<HeadConfig, 'inputDim' | 'numClasses'>>;
  /** Frames per clip (at the feature fps). */
  clipLength: number;
  batchSize?: number;
  epochs?: number;
  lr?: number;
  lrSchedule?: LrSchedule;
  warmupEpochs?: number;
  /** Global-norm gradient clipping (0 = off). */
  clipNorm?: number;
  classWeighting?: 'none' | 'balanced';
  valFraction?: number;
  /** Early stopping: epochs without a better validation loss (0 = off). */
  patience?: number;
  seed?: number;
  /** Where the best model and the per-epoch checkpoint are saved (optional). */
  outDir?: string;
  resume?: boolean;
}

export interface TrainingData {
  classes: { id: string; name: string }[];
  backboneId: string;
  featureDim: number;
  fps: number;
  videos: VideoFeatures[];
  segments: LabeledSegment[];
}

export interface BatchProgress {
  type: 'batch';
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  acc: number;
  samplesPerSec: number;
  etaSec: number;
}

export interface EpochProgress {
  type: 'epoch';
  epoch: number;
  epochs: number;
  loss: number;
  acc: number;
  valLoss: number | null;
  valAcc: number | null;
  lr: number;
  samplesPerSec: number;
  etaSec: number;
  seconds: number;
  improved: boolean;
}

export type TrainProgress = BatchProgress | EpochProgress;

/** What a training run reports besides the model itself. */
export interface TrainRun {
  history: EpochProgress[];
  bestEpoch: number;
  stoppedEarly: boolean;
  trainVideos: string[];
  valVideos: string[];
  warnings: string[];
}

export interface TrainResult extends TrainRun {
  model: TrainedModel;
}

export interface TrainOptions {
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
}

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new FramewiseError('ABORTED', 'Training was cancelled.');
}

/** Loss/accuracy over samples (centre crops, no dropout). */
export function evaluateSamples(
  head: SequenceHead,
  samples: ClipSample[],
  videos: Map<string, VideoFeatures>,
  clipLength: number,
  norm: Normalizer,
  batchSize = 64,
  classWeights?: Float32Array | null,
): { loss: number; acc: number; probs: Float32Array } {
  const C = head.config.numClasses;
  const probs = new Float32Array(samples.length * C);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < samples.length; i += batchSize) {
    const chunk = samples.slice(i, i + batchSize);
    const { batch, labels } = makeBatch(chunk, videos, clipLength, norm);
    const { logits, cache } = head.forward(batch);
    head.release(cache);
    const r = softmaxCrossEntropy(logits, labels, C, classWeights);
    loss += r.loss * chunk.length;
    correct += r.correct;
    probs.set(r.probs, i * C);
  }
  return {
    loss: samples.length ? loss / samples.length : NaN,
    acc: samples.length ? correct / samples.length : NaN,
    probs,
  };
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

export async function train(config: TrainConfig, data: TrainingData, opts: TrainOptions = {}): Promise<TrainResult> {
  const { signal, onProgress } = opts;
  const seed = config.seed ?? 1;
  const epochs = config.epochs ?? 30;
  const batchSize = config.batchSize ?? 32;
  const lr = config.lr ?? 1e-3;
  const schedule = config.lrSchedule ?? 'cosine';
  const patience = config.patience ?? 5;
  const clipLength = config.clipLength;
  if (!Number.isInteger(clipLength) || clipLength < 1)
    throw new FramewiseError('BAD_ARGUMENT', `clipLength must be a positive integer (got ${clipLength}).`);
  if (data.classes.length < 2) throw new FramewiseError('BAD_ARGUMENT', 'Training needs at least 2 classes.');
  for (const v of data.videos)
    checkFeatureFit(data, v, { offered: `video ${v.videoId}`, expected: 'this training run uses' });
  checkAbort(signal);

  const videos = new Map(data.videos.map((v) => [v.videoId, v]));
  const { samples, warnings } = samplesFromSegments(
    data.segments,
    data.classes.map((c) => c.id),
    videos,
  );
  if (samples.length === 0)
    throw new FramewiseError('BAD_ARGUMENT', 'No labelled segments with extracted features to train on.');
  const rng = new Rng(seed);
  const split = splitByVideo(samples, config.valFraction ?? 0.2, rng.fork());
  warnings.push(...split.warnings);
  const { train: trainSet, val: valSet } = split;
  const norm = fitNormalizer(trainSet, videos, data.featureDim);
  const classWeights =
    config.classWeighting === 'balanced' ? balancedClassWeights(trainSet, data.classes.length) : null;

  const headConfig: HeadConfig = {
    ...DEFAULT_HEAD,
    ...config.head,
    inputDim: data.featureDim,
    numClasses: data.classes.length,
  };
  let head = SequenceHead.create(headConfig, seed);
  const meta = (metrics: Record<string, number>, checkpoint?: ModelMeta['checkpoint']): ModelMeta => ({
    classes: data.classes.map((c) => ({ id: c.id, name: c.name })),
    backboneId: data.backboneId,
    featureDim: data.featureDim,
    fps: data.fps,
    clipLength,
    normalization: { mean: Array.from(norm.mean), std: Array.from(norm.std) },
    metrics,
    createdAt: new Date().toISOString(),
    trainVideos: split.trainVideos,
    valVideos: split.valVideos,
    ...(checkpoint ? { checkpoint } : {}),
  });

  let startEpoch = 0;
  let history: EpochProgress[] = [];
  let bestValLoss = Infinity;
  let bestEpoch = -1;
  let best = head.params.snapshot();
  if (config.resume && config.outDir && (await exists(join(config.outDir, 'checkpoint', 'meta.json')))) {
    const ck = await loadModel(join(config.outDir, 'checkpoint'), {
      backboneId: data.backboneId,
      featureDim: data.featureDim,
    });
    if (!ck.meta.checkpoint)
      throw new FramewiseError('BAD_ARGUMENT', `${config.outDir}/checkpoint is not a training checkpoint.`);
    head = ck.head;
    const saved = normalizerOf(ck.meta);
    norm.mean.set(saved.mean);
    norm.std.set(saved.std);
    startEpoch = ck.meta.checkpoint.epoch + 1;
    history = ck.meta.checkpoint.history as EpochProgress[];
    bestEpoch = ck.meta.checkpoint.bestEpoch;
    bestValLoss = ck.meta.checkpoint.bestValLoss ?? Infinity;
    best = (await exists(join(config.outDir, 'meta.json')))
      ? (await loadModel(config.outDir)).head.params.snapshot()
      : head.params.snapshot();
  }

  const opt = new Adam({ lr, clipNorm: config.clipNorm ?? 5 });
  const batches = Math.ceil(trainSet.length / batchSize);
  let stoppedEarly = false;
  const runStart = performance.now();
  let samplesDone = 0;
  for (let epoch = startEpoch; epoch < epochs; epoch++) {
    const epochStart = performance.now();
    const epochRng = new Rng(seed * 1000003 + epoch); // per-epoch stream: resume reproduces the order
    const order = epochRng.shuffle(trainSet.slice());
    let lossSum = 0;
    let correct = 0;
    for (let bi = 0; bi < batches; bi++) {
      checkAbort(signal);
      opt.lr = scheduledLr(lr, schedule, epoch + bi / batches, epochs, { warmupEpochs: config.warmupEpochs ?? 0 });
      const chunk = order.slice(bi * batchSize, (bi + 1) * batchSize);
      const { batch, labels } = makeBatch(chunk, videos, clipLength, norm, epochRng);
      const { logits, cache } = head.forward(batch, epochRng);
      const r = softmaxCrossEntropy(logits, labels, headConfig.numClasses, classWeights);
      const grads = head.backward(cache, r.dLogits);
      opt.step(head.params, grads);
      lossSum += r.loss * chunk.length;
      correct += r.correct;
      samplesDone += chunk.length;
      const elapsed = (performance.now() - runStart) / 1000;
      const sps = samplesDone / Math.max(elapsed, 1e-9);
      const remaining =
        (epochs - epoch - 1) * trainSet.length + (trainSet.length - Math.min(trainSet.length, (bi + 1) * batchSize));
      const seen = Math.min(trainSet.length, (bi + 1) * batchSize);
      onProgress?.({
        type: 'batch',
        epoch,
        epochs,
        batch: bi,
        batches,
        loss: lossSum / seen,
        acc: correct / seen,
        samplesPerSec: sps,
        etaSec: remaining / sps,
      });
      await yieldToEventLoop();
    }
    const val = valSet.length ? evaluateSamples(head, valSet, videos, clipLength, norm, 64, classWeights) : null;
    const trainLoss = lossSum / trainSet.length;
    const monitored = val ? val.loss : trainLoss;
    const improved = monitored < bestValLoss - 1e-6;
    if (improved) {
      bestValLoss = monitored;
      bestEpoch = epoch;
      best = head.params.snapshot();
    }
    const elapsed = (performance.now() - runStart) / 1000;
    const sps = samplesDone / Math.max(elapsed, 1e-9);
    const ev: EpochProgress = {
      type: 'epoch',
      epoch,
      epochs,
      loss: trainLoss,
      acc: correct / trainSet.length,
      valLoss: val ? val.loss : null,
      valAcc: val ? val.acc : null,
      lr: opt.lr,
      samplesPerSec: sps,
      etaSec: ((epochs - epoch - 1) * trainSet.length) / sps,
      seconds: (performance.now() - epochStart) / 1000,
      improved,
    };
    history.push(ev);
    onProgress?.(ev);
    if (config.outDir) {
      const ckMeta = meta(
        { loss: ev.loss, acc: ev.acc, ...(val ? { valLoss: val.loss, valAcc: val.acc } : {}) },
        { epoch, bestEpoch, bestValLoss, history, seed },
      );
      await saveModel(join(config.outDir, 'checkpoint'), { head, meta: ckMeta });
      if (improved) await saveModel(config.outDir, { head, meta: { ...ckMeta, checkpoint: undefined } });
    }
    if (val && patience > 0 && epoch - bestEpoch >= patience) {
      stoppedEarly = true;
      break;
    }
  }
  head.params.restore(best);
  const bestStats = history.find((h) => h.epoch === bestEpoch) ?? history[history.length - 1];
  const metrics: Record<string, number> = bestStats
    ? {
        epoch: bestStats.epoch,
        loss: bestStats.loss,
        acc: bestStats.acc,
        ...(bestStats.valLoss !== null ? { valLoss: bestStats.valLoss, valAcc: bestStats.valAcc! } : {}),
      }
    : {};
  const model: TrainedModel = { head, meta: meta(metrics) };
  if (config.outDir) await saveModel(config.outDir, model);
  return {
    model,
    history,
    bestEpoch,
    stoppedEarly,
    trainVideos: split.trainVideos,
    valVideos: split.valVideos,
    warnings,
  };
}
