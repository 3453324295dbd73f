/**
 * The one training loop, for every model kind: epochs of shuffled mini-batches (the order seeded
 * per epoch), Adam with a learning-rate schedule and global-norm clipping, per-batch and per-epoch
 * progress, a validation loss each epoch, the best weights kept in memory (lowest validation loss,
 * else training loss), early stopping, cancellation through an AbortSignal, and — with an output
 * folder — a per-epoch checkpoint that `resume` continues from.
 *
 * A model kind plugs in as a FitTask: the classifier (train.ts) and the captioner
 * (captioning/train-captioner.ts) say how a batch of their items gives a loss and gradients, how to
 * validate, and how to save and load their model folder; everything else is here.
 *
 * Checkpoints: after each epoch the current weights go to `<outDir>/checkpoint/` (its meta.json
 * carries the epoch, history and best-so-far: RunCheckpoint) and, when the epoch improved, to
 * `<outDir>/` as the best model, with Adam's step count and moments beside it (adam-state.ts).
 * `resume` continues from the checkpoint's next epoch with the moments, the LR schedule and the
 * data order where they were: the run ends with the weights an uninterrupted run would have.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { FramewiseError } from '../errors.js';
import { Rng } from '../util/rng.js';
import type { Grads } from '../models/layers.js';
import type { RunCheckpoint } from '../models/param-folder.js';
import { loadAdamState, saveAdamState } from './adam-state.js';
import type { ParamStore } from '../models/params.js';
import { Adam, scheduledLr, type LrSchedule } from './optimizer.js';

export type { RunCheckpoint } from '../models/param-folder.js';

export interface FitSettings {
  epochs: number;
  batchSize: number;
  lr: number;
  schedule: LrSchedule;
  warmupEpochs: number;
  /** Global-norm gradient clipping (0 = off). */
  clipNorm: number;
  /** Early stopping: epochs without a better validation loss (0 = off). */
  patience: number;
  seed: number;
  /** Where the best model and the per-epoch checkpoint are saved (optional). */
  outDir?: string;
  resume?: boolean;
}

/** The loop's options as a trainer's config spells them (TrainConfig and CaptionerTrainConfig extend it). */
export interface LoopConfig {
  batchSize?: number;
  epochs?: number;
  lr?: number;
  lrSchedule?: LrSchedule;
  warmupEpochs?: number;
  /** Global-norm gradient clipping (0 = off; default 5). */
  clipNorm?: number;
  /** Early stopping: epochs without a better validation loss (0 = off). */
  patience?: number;
  seed?: number;
  /** Where the best model and the per-epoch checkpoint are saved (optional). */
  outDir?: string;
  /** Continue from the checkpoint in outDir. */
  resume?: boolean;
}

/** FitSettings from a config, with the trainer's defaults for what it leaves out. */
export function fitSettings(
  config: LoopConfig,
  defaults: { epochs: number; batchSize: number; lr: number; patience: number },
): FitSettings {
  return {
    epochs: config.epochs ?? defaults.epochs,
    batchSize: config.batchSize ?? defaults.batchSize,
    lr: config.lr ?? defaults.lr,
    schedule: config.lrSchedule ?? 'cosine',
    warmupEpochs: config.warmupEpochs ?? 0,
    clipNorm: config.clipNorm ?? 5,
    patience: config.patience ?? defaults.patience,
    seed: config.seed ?? 1,
    ...(config.outDir !== undefined ? { outDir: config.outDir } : {}),
    ...(config.resume !== undefined ? { resume: config.resume } : {}),
  };
}

/** One batch's forward and backward pass. */
export interface StepResult {
  /** Mean loss over the batch's `count` units (clips, tokens). */
  loss: number;
  count: number;
  /** Units predicted right (argmax = label). */
  correct: number;
  grads: Grads;
}

export interface FitBatch {
  type: 'batch';
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Running mean over the epoch so far. */
  loss: number;
  acc: number;
  /** Items (clips, captions) per second over the run. */
  samplesPerSec: number;
  etaSec: number;
}

export interface FitEpoch {
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

/** What a model kind tells the loop. S: a training item; E: the kind's epoch event. */
export interface FitTask<S, E extends { epoch: number; seconds: number }> {
  /** The weights being trained (a task may swap its model when it resumes). */
  readonly params: ParamStore;
  readonly items: readonly S[];
  /** Forward and backward over a batch of items; rng is the epoch's stream (dropout, crops). */
  step(batch: S[], rng: Rng): StepResult;
  /** Loss (and accuracy) on the validation set with the current weights; null without one. */
  validate(): { loss: number; acc: number | null } | null;
  /** The kind's epoch event from the loop's numbers (it may add its own, e.g. BLEU). */
  epochEvent(e: FitEpoch): E;
  /** Writes the current weights and meta to dir; as a resumable checkpoint when `checkpoint` is set. */
  save(dir: string, ev: E, checkpoint?: RunCheckpoint): Promise<void>;
  /** Loads the checkpoint in dir as the model to continue; its run state, or undefined if it has none. */
  resume(dir: string): Promise<RunCheckpoint | undefined>;
  /** The weights of the model saved in dir (the best so far, on resume). */
  readWeights(dir: string): Promise<Map<string, Float32Array>>;
}

export interface FitOptions<E> {
  signal?: AbortSignal;
  onBatch?: (p: FitBatch) => void;
  onEpoch?: (e: E) => void;
  /** Words for the cancellation message ("Training", "Captioner training"). */
  what?: string;
}

export interface FitResult<E> {
  history: E[];
  bestEpoch: number;
  stoppedEarly: boolean;
}

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

/** Trains task.params; on return they hold the best epoch's weights. */
export async function fit<S, E extends { epoch: number; seconds: number }>(
  task: FitTask<S, E>,
  settings: FitSettings,
  opts: FitOptions<E> = {},
): Promise<FitResult<E>> {
  const { epochs, batchSize, lr, seed, outDir } = settings;
  const checkAbort = (): void => {
    if (opts.signal?.aborted) throw new FramewiseError('ABORTED', `${opts.what ?? 'Training'} was cancelled.`);
  };
  let startEpoch = 0;
  let history: E[] = [];
  let bestValLoss = Infinity;
  let bestEpoch = -1;
  let best = task.params.snapshot();
  const checkpointDir = outDir ? join(outDir, 'checkpoint') : '';
  if (settings.resume && outDir && (await exists(join(checkpointDir, 'meta.json')))) {
    const ck = await task.resume(checkpointDir);
    if (!ck) throw new FramewiseError('BAD_ARGUMENT', `${outDir}/checkpoint is not a training checkpoint.`);
    startEpoch = ck.epoch + 1;
    history = ck.history as E[];
    bestEpoch = ck.bestEpoch;
    bestValLoss = ck.bestValLoss ?? Infinity; // JSON has no Infinity: null before any improvement
    best = (await exists(join(outDir, 'meta.json'))) ? await task.readWeights(outDir) : task.params.snapshot();
  }

  const opt = new Adam({ lr, clipNorm: settings.clipNorm });
  if (startEpoch > 0) await loadAdamState(checkpointDir, opt, startEpoch - 1);
  const n = task.items.length;
  const batches = Math.ceil(n / batchSize);
  let stoppedEarly = false;
  const runStart = performance.now();
  let samplesDone = 0;
  for (let epoch = startEpoch; epoch < epochs; epoch++) {
    const epochStart = performance.now();
    const epochRng = new Rng(seed * 1000003 + epoch); // per-epoch stream: resume reproduces the order
    const order = epochRng.shuffle(task.items.slice());
    let lossSum = 0;
    let count = 0;
    let correct = 0;
    for (let bi = 0; bi < batches; bi++) {
      checkAbort();
      opt.lr = scheduledLr(lr, settings.schedule, epoch + bi / batches, epochs, {
        warmupEpochs: settings.warmupEpochs,
      });
      const chunk = order.slice(bi * batchSize, (bi + 1) * batchSize);
      const r = task.step(chunk, epochRng);
      opt.step(task.params, r.grads);
      lossSum += r.loss * r.count;
      count += r.count;
      correct += r.correct;
      samplesDone += chunk.length;
      const sps = samplesDone / Math.max((performance.now() - runStart) / 1000, 1e-9);
      const seen = Math.min(n, (bi + 1) * batchSize);
      opts.onBatch?.({
        type: 'batch',
        epoch,
        epochs,
        batch: bi,
        batches,
        loss: lossSum / count,
        acc: correct / count,
        samplesPerSec: sps,
        etaSec: ((epochs - epoch - 1) * n + (n - seen)) / sps,
      });
      await yieldToEventLoop();
    }
    checkAbort();
    const val = task.validate();
    const trainLoss = lossSum / Math.max(1, count);
    const monitored = val ? val.loss : trainLoss;
    const improved = monitored < bestValLoss - 1e-6;
    if (improved) {
      bestValLoss = monitored;
      bestEpoch = epoch;
      best = task.params.snapshot();
    }
    const sps = samplesDone / Math.max((performance.now() - runStart) / 1000, 1e-9);
    const ev = task.epochEvent({
      type: 'epoch',
      epoch,
      epochs,
      loss: trainLoss,
      acc: correct / Math.max(1, count),
      valLoss: val ? val.loss : null,
      valAcc: val ? val.acc : null,
      lr: opt.lr,
      samplesPerSec: sps,
      etaSec: ((epochs - epoch - 1) * n) / sps,
      seconds: 0,
      improved,
    });
    ev.seconds = (performance.now() - epochStart) / 1000;
    history.push(ev);
    opts.onEpoch?.(ev);
    if (outDir) {
      await task.save(checkpointDir, ev, { epoch, bestEpoch, bestValLoss, history, seed });
      await saveAdamState(checkpointDir, opt, epoch);
      if (improved) await task.save(outDir, ev);
    }
    if (val && settings.patience > 0 && epoch - bestEpoch >= settings.patience) {
      stoppedEarly = true;
      break;
    }
  }
  task.params.restore(best);
  return { history, bestEpoch, stoppedEarly };
}
