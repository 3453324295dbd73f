/**
 * Training a classification head: split by video, normalise on the training split, class weights,
 * then the shared training loop (fit.ts: Adam + LR schedule + clipping, per-batch/per-epoch
 * progress, early stopping on validation loss, best weights, cancellation, per-epoch checkpoints
 * in `outDir` and `resume`). This file is the classifier's side of it: how a batch of clips gives
 * a loss and gradients, validation by clip accuracy, and the sequence-model folder format.
 */
import { FramewiseError } from '../errors.js';
import { Rng } from '../util/rng.js';
import { DEFAULT_HEAD, SequenceHead, type HeadConfig } from '../models/head.js';
import { checkFeatureFit } from '../models/feature-fit.js';
import { softmaxCrossEntropy } from '../models/losses.js';
import {
  balancedClassWeights,
  dropBlocks,
  fitNormalizer,
  type InputKind,
  makeBatch,
  samplesFromSegments,
  splitByVideo,
  splitFixed,
  type ClipSample,
  type FeatureBlock,
  type LabeledSegment,
  type Normalizer,
  type VideoFeatures,
} from './dataset.js';
import { loadModel, normalizerOf, saveModel, trainedMeta, type ModelMeta, type TrainedModel } from './model-io.js';
import {
  fit,
  fitSettings,
  type FitBatch,
  type FitEpoch,
  type FitTask,
  type LoopConfig,
  type RunCheckpoint,
} from './fit.js';

export interface TrainConfig extends LoopConfig {
  head?: Partial<Omit<HeadConfig, 'inputDim' | 'numClasses'>>;
  /** Frames per clip (at the feature fps). */
  clipLength: number;
  classWeighting?: 'none' | 'balanced';
  valFraction?: number;
  /** A fixed validation set (a dataset's official test videos) instead of a random split by video. */
  valVideos?: string[];
  /** Probability of blanking each stream of a training clip (see dropBlocks); default 0.2 with streams. */
  streamDropout?: number;
  /**
   * Absolute or relative input (Normalizer.relative). 'auto' (default) trains a short probe of
   * each on the same split and keeps the one that validates better; absolute without a validation
   * split, on ties, and for the mean head (a clip's mean of relative input is zero).
   */
  input?: InputKind;
}

/** How the input kind was decided, for the report. */
export interface InputChoice {
  kind: 'absolute' | 'relative';
  /** e.g. "validation top-1 0.83 relative vs 0.33 absolute (probe of 15 epochs)". */
  reason: string;
}

export interface TrainingData {
  classes: { id: string; name: string }[];
  backboneId: string;
  featureDim: number;
  /** The streams' blocks in each vector (appearance first), balanced by the normaliser; optional. */
  featureBlocks?: FeatureBlock[];
  fps: number;
  videos: VideoFeatures[];
  segments: LabeledSegment[];
}

export type BatchProgress = FitBatch;

export type EpochProgress = FitEpoch;

export type TrainProgress = BatchProgress | EpochProgress;

/** What a training run reports besides the model itself. */
export interface TrainRun {
  history: EpochProgress[];
  bestEpoch: number;
  stoppedEarly: boolean;
  trainVideos: string[];
  valVideos: string[];
  warnings: string[];
  input: InputChoice;
}

export interface TrainResult extends TrainRun {
  model: TrainedModel;
}

export interface TrainOptions {
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
}

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

export async function train(config: TrainConfig, data: TrainingData, opts: TrainOptions = {}): Promise<TrainResult> {
  const { signal, onProgress } = opts;
  const seed = config.seed ?? 1;
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
  const splitRng = rng.fork(); // forked either way, so the streams after it do not depend on the split kind
  const split = config.valVideos
    ? splitFixed(samples, config.valVideos)
    : splitByVideo(samples, config.valFraction ?? 0.2, splitRng);
  warnings.push(...split.warnings);
  const { train: trainSet, val: valSet } = split;
  // Few clips need small batches: 24 clips at the usual 32 a batch are one optimiser step an epoch,
  // and 40 steps do not train a recurrent head. At least 8 steps an epoch, batches of 4 to 32.
  const batchSize = Math.max(4, Math.min(32, Math.floor(trainSet.length / 8)));
  const classWeights =
    config.classWeighting === 'balanced' ? balancedClassWeights(trainSet, data.classes.length) : null;
  const headConfig: HeadConfig = {
    ...DEFAULT_HEAD,
    ...config.head,
    inputDim: data.featureDim,
    numClasses: data.classes.length,
  };
  const settings = fitSettings(config, { epochs: 30, batchSize, lr: 1e-3, patience: 5 });
  const normFor = (relative: boolean): Normalizer =>
    fitNormalizer(trainSet, videos, data.featureDim, data.featureBlocks, relative);

  /** One run of the shared loop on `norm`; a probe has its own epochs and no checkpoints or progress. */
  const runFit = async (norm: Normalizer, probeEpochs?: number) => {
    let head = SequenceHead.create(headConfig, seed);
    const meta = (metrics: Record<string, number>, checkpoint?: RunCheckpoint): ModelMeta => ({
      classes: data.classes.map((c) => ({ id: c.id, name: c.name })),
      clipLength,
      ...trainedMeta(data, norm, split, metrics, checkpoint),
    });
    const task: FitTask<ClipSample, EpochProgress> = {
      get params() {
        return head.params;
      },
      items: trainSet,
      step(chunk, rng) {
        const { batch, labels } = makeBatch(chunk, videos, clipLength, norm, rng);
        if (data.featureBlocks) dropBlocks(batch, data.featureBlocks, config.streamDropout ?? 0.2, rng);
        const { logits, cache } = head.forward(batch, rng);
        const r = softmaxCrossEntropy(logits, labels, headConfig.numClasses, classWeights);
        return { loss: r.loss, count: r.count, correct: r.correct, grads: head.backward(cache, r.dLogits) };
      },
      validate: () =>
        valSet.length ? evaluateSamples(head, valSet, videos, clipLength, norm, 64, classWeights) : null,
      epochEvent: (e) => e,
      save: (dir, ev, checkpoint) =>
        saveModel(dir, {
          head,
          meta: meta(
            { loss: ev.loss, acc: ev.acc, ...(ev.valLoss !== null ? { valLoss: ev.valLoss, valAcc: ev.valAcc! } : {}) },
            checkpoint,
          ),
        }),
      async resume(dir) {
        const ck = await loadModel(dir, { backboneId: data.backboneId, featureDim: data.featureDim });
        head = ck.head;
        const saved = normalizerOf(ck.meta);
        norm.mean.set(saved.mean);
        norm.std.set(saved.std);
        norm.relative = saved.relative;
        return ck.meta.checkpoint;
      },
      readWeights: async (dir) => (await loadModel(dir)).head.params.snapshot(),
    };
    const probe = probeEpochs !== undefined;
    const run = await fit(
      task,
      probe ? { ...settings, epochs: probeEpochs, outDir: undefined, resume: false } : settings,
      probe ? { signal } : { signal, onBatch: onProgress, onEpoch: onProgress },
    );
    return { run, head: () => head, meta };
  };

  const { norm, input } = await chooseInput(
    config,
    headConfig,
    valSet.length > 0,
    trainSet.length,
    normFor,
    async (n, epochs) => {
      const { run } = await runFit(n, epochs);
      const best = run.history.find((h) => h.epoch === run.bestEpoch);
      return { acc: best?.valAcc ?? 0, loss: best?.valLoss ?? Infinity };
    },
  );
  const { run, head: finalHead, meta } = await runFit(norm);
  const head = finalHead();
  // A resumed run goes on with the input its checkpoint was trained on (resume() set it).
  if (config.resume) input.kind = norm.relative ? 'relative' : 'absolute';
  const { history, bestEpoch } = run;
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
    ...run,
    trainVideos: split.trainVideos,
    valVideos: split.valVideos,
    warnings,
    input,
  };
}

/** Epochs of each probe run of input 'auto': enough to tell the two apart on few-shot data. */
const PROBE_EPOCHS = 15;
/** Above this many training clips the probes cost more than they tell; absolute is kept. */
const PROBE_MAX_CLIPS = 2000;

async function chooseInput(
  config: TrainConfig,
  head: HeadConfig,
  hasValidation: boolean,
  trainClips: number,
  normFor: (relative: boolean) => Normalizer,
  probe: (norm: Normalizer, epochs: number) => Promise<{ acc: number; loss: number }>,
): Promise<{ norm: Normalizer; input: InputChoice }> {
  const asked = config.input ?? 'auto';
  if (asked !== 'auto') return { norm: normFor(asked === 'relative'), input: { kind: asked, reason: 'as asked' } };
  const absolute = normFor(false);
  const keep = (reason: string) => ({ norm: absolute, input: { kind: 'absolute' as const, reason } });
  if (config.resume) return keep('from the checkpoint');
  if (head.kind === 'mean-mlp') return keep('the frame-mean head needs absolute input');
  if (!hasValidation) return keep('no validation split to choose on');
  if (trainClips > PROBE_MAX_CLIPS) return keep(`more than ${PROBE_MAX_CLIPS} training clips: no probes`);
  const epochs = Math.min(PROBE_EPOCHS, config.epochs ?? PROBE_EPOCHS);
  const relative = normFor(true);
  const a = await probe(absolute, epochs);
  const r = await probe(relative, epochs);
  const better = r.acc > a.acc || (r.acc === a.acc && r.loss < a.loss);
  const reason = `validation top-1 ${r.acc.toFixed(2)} relative vs ${a.acc.toFixed(2)} absolute (probes of ${epochs} epochs)`;
  return better ? { norm: relative, input: { kind: 'relative', reason } } : keep(reason);
}
