/**
 * Training and evaluation at the project level: gathers the labelled segments of a project, makes
 * sure every video they use has cached features (extracting what is missing), trains a head in a
 * worker thread, evaluates it on the validation videos and saves it under <project>/models/<name>.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FramewiseError } from '../errors.js';
import type { FeatureEngine } from '../features/types.js';
import type { ExtractProgress } from '../features/extract.js';
import type { ProjectStore } from '../store/project-store.js';
import { classificationReport, type ClassificationReport } from '../eval/metrics.js';
import { classesMissingFrom } from '../eval/validation-status.js';
import { BACKGROUND_CLASS, backgroundSegments, samplesFromSegments, type VideoFeatures } from '../training/dataset.js';
import {
  evaluateSamples,
  type TrainRun,
  type TrainConfig,
  type TrainingData,
  type TrainProgress,
} from '../training/train.js';
import { loadModel, normalizerOf, saveModel, type TrainedModel } from '../training/model-io.js';
import { modelFromWorkerResult, trainInWorker } from '../training/run-in-worker.js';
import { featureSetBlocks } from '../features/streams/streams.js';
import { projectFeatureSet, projectVideoFeatures } from './video-features.js';

export interface ProjectDataOptions {
  engine: FeatureEngine;
  signal?: AbortSignal;
  onExtract?: (videoIndex: number, videoCount: number, p: ExtractProgress) => void;
  /** Only these videos (default: every video with a labelled segment). */
  videoIds?: string[];
  /**
   * Train the unlabelled time inside labelled videos as a "no action" class (default on), so that
   * prediction can leave what is none of the classes unlabelled.
   */
  background?: boolean;
}

/** Loads (extracting where needed) the features of the given project videos. */
export async function projectFeatures(
  store: ProjectStore,
  opts: ProjectDataOptions & { videoIds: string[] },
): Promise<Map<string, VideoFeatures>> {
  const out = new Map<string, VideoFeatures>();
  for (const [i, id] of opts.videoIds.entries()) {
    const v = store.project.videos.find((x) => x.id === id);
    if (!v) throw new FramewiseError('NOT_FOUND', `No video ${id} in this project.`);
    const { features } = await projectVideoFeatures(store, v, {
      engine: opts.engine,
      signal: opts.signal,
      onProgress: (p) => opts.onExtract?.(i, opts.videoIds.length, p),
    });
    out.set(id, features);
  }
  return out;
}

/** The training set of a project: its classes, its user-labelled segments and their videos' features. */
export async function projectTrainingData(store: ProjectStore, opts: ProjectDataOptions): Promise<TrainingData> {
  const { project } = store;
  const segments = project.segments
    .filter((s) => s.source === 'user' && s.classId !== null)
    .map((s) => ({ videoId: s.videoId, start: s.start, end: s.end, classId: s.classId }));
  const used = new Set(segments.map((s) => s.classId));
  const classes = project.classes.filter((c) => used.has(c.id)).map((c) => ({ id: c.id, name: c.name }));
  if (classes.length < 2) {
    throw new FramewiseError(
      'BAD_ARGUMENT',
      `Training needs labelled segments of at least 2 classes; this project has ${classes.length}. Label more segments first.`,
    );
  }
  const videoIds = opts.videoIds ?? [...new Set(segments.map((s) => s.videoId))];
  const videos = await projectFeatures(store, { ...opts, videoIds });
  const featureSet = projectFeatureSet(store, opts.engine);
  if (opts.background ?? true) {
    const durations = new Map(
      [...videos.values()].map((v) => [v.videoId, v.times.length ? v.times[v.times.length - 1]! + 1 / v.fps : 0]),
    );
    // Gaps of at least half a clip; a quarter of a second trimmed at each labelled boundary.
    const minSec = store.project.settings.clipLength / store.project.settings.fps / 2;
    const background = backgroundSegments(segments, durations, { minSec, marginSec: 0.25 });
    if (background.length > 0) {
      segments.push(...background);
      classes.push({ ...BACKGROUND_CLASS });
    }
  }
  return {
    classes,
    backboneId: featureSet.backboneId,
    featureDim: featureSet.featureDim,
    featureBlocks: featureSetBlocks(opts.engine.featureDim, featureSet.streams),
    fps: project.settings.fps,
    videos: [...videos.values()],
    segments,
  };
}

export interface ProjectTrainOptions extends ProjectDataOptions {
  config: Partial<TrainConfig>;
  /** Folder name under <project>/models; default a timestamp. */
  name?: string;
  onProgress?: (p: TrainProgress) => void;
  /**
   * After the validated run, train the saved model again on every labelled clip, validation videos
   * included ('auto': when there are at most REFIT_MAX_CLIPS clips). With 8 clips a class, holding a
   * quarter out and stopping on its noisy loss costs more than anything else (docs/streams.md);
   * the reported validation stays the one of the run that never saw those videos.
   */
  refit?: 'auto' | 'always' | 'never';
  /**
   * 'video' (default): a random split by video (config.valFraction). 'official': the videos the
   * dataset marks as test (`split: "test"`, UCF101's testlist) are the validation set, and the
   * saved model is not trained again on them.
   */
  split?: 'video' | 'official';
  /**
   * Continue the run saved under this name from its last checkpoint (a cancelled run, or a finished
   * one given more epochs) instead of starting over.
   */
  resume?: boolean;
}

/** Up to this many labelled clips, 'auto' refits on all of them (a few seconds of training). */
export const REFIT_MAX_CLIPS = 500;

export interface ProjectTrainResult extends TrainRun {
  modelDir: string;
  /**
   * On the validation videos; null when there were too few videos to hold any out. `missingClasses`:
   * the trained classes the validation videos have no clip of (then top-1 is over the others only).
   */
  validation: (ClassificationReport & { missingClasses: string[] }) | null;
  classes: { id: string; name: string }[];
  seconds: number;
}

/**
 * The validated run keeps its best model and a checkpoint every epoch in <model>/run/, so a
 * cancelled or finished run can be resumed; apart from the saved model, which may be refit on every
 * clip (validation videos included) and so must not be taken for the run's best.
 */
export function runDirOf(store: ProjectStore, name: string): string {
  return join(store.paths.models, name, 'run');
}

/** The meta file of a run's last checkpoint: there when the run can be resumed. */
export function runCheckpointFile(store: ProjectStore, name: string): string {
  return join(runDirOf(store, name), 'checkpoint', 'meta.json');
}

export async function trainProjectModel(store: ProjectStore, opts: ProjectTrainOptions): Promise<ProjectTrainResult> {
  const t0 = performance.now();
  const data = await projectTrainingData(store, opts);
  const name = opts.name ?? new Date().toISOString().replace(/[:.]/g, '-');
  const modelDir = join(store.paths.models, name);
  const runDir = runDirOf(store, name);
  const config: TrainConfig = {
    clipLength: store.project.settings.clipLength,
    ...opts.config,
    outDir: runDir,
    resume: opts.resume ?? false,
  };
  if (opts.resume && !(await stat(runCheckpointFile(store, name)).catch(() => null)))
    throw new FramewiseError('NOT_FOUND', `There is no training checkpoint of a model "${name}" to resume.`);
  if (opts.split === 'official') {
    const labelled = new Set(data.videos.map((v) => v.videoId));
    const test = store.project.videos.filter((v) => v.split === 'test' && labelled.has(v.id)).map((v) => v.id);
    if (test.length === 0)
      throw new FramewiseError(
        'BAD_ARGUMENT',
        'No labelled video is marked as the official test split (import a UCF101-style folder with its testlist), so the official split cannot be used.',
      );
    config.valVideos = test;
  }
  const r = await trainInWorker(config, data, { signal: opts.signal, onProgress: opts.onProgress });
  const model = modelFromWorkerResult(r);
  // Only the run summary: the worker result also carries the weights, which belong in the model folder.
  const run: TrainRun = {
    history: r.history,
    bestEpoch: r.bestEpoch,
    stoppedEarly: r.stoppedEarly,
    trainVideos: r.trainVideos,
    valVideos: r.valVideos,
    warnings: r.warnings,
    input: r.input,
  };

  const videos = new Map(data.videos.map((v) => [v.videoId, v]));
  const valSet = new Set(run.valVideos);
  const { samples } = samplesFromSegments(
    data.segments.filter((s) => valSet.has(s.videoId)),
    data.classes.map((c) => c.id),
    videos,
  );
  let validation: ProjectTrainResult['validation'] = null;
  if (samples.length > 0) {
    const ev = evaluateSamples(model.head, samples, videos, config.clipLength, normalizerOf(model.meta));
    const labels = samples.map((s) => s.label);
    validation = {
      ...classificationReport(ev.probs, labels, data.classes.length),
      missingClasses: classesMissingFrom(
        data.classes.map((c) => c.name),
        labels,
      ),
    };
    model.meta.metrics = {
      ...model.meta.metrics,
      valTop1: validation.top1,
      valMeanPerClassAccuracy: validation.meanPerClassAccuracy,
    };
  }
  const clips = samplesFromSegments(
    data.segments,
    data.classes.map((c) => c.id),
    videos,
  ).samples.length;
  // The official test videos stay unseen by the saved model: that is what the split is for.
  const refit = opts.split === 'official' ? 'never' : (opts.refit ?? 'auto');
  let saved = model;
  if (run.valVideos.length > 0 && (refit === 'always' || (refit === 'auto' && clips <= REFIT_MAX_CLIPS))) {
    // The same epochs on every clip, no early stopping (no held-out loss to stop on); its epoch
    // curves are not the validated ones, so only its batch progress is passed on.
    const { outDir: _out, resume: _resume, valVideos: _val, ...rest } = config;
    // The input kind chosen on validation (there is none to choose on now).
    const all = await trainInWorker({ ...rest, valFraction: 0, patience: 0, input: run.input.kind }, data, {
      signal: opts.signal,
      onProgress: (p) => {
        if (p.type === 'batch') opts.onProgress?.(p);
      },
    });
    saved = modelFromWorkerResult(all);
    saved.meta.metrics = { ...model.meta.metrics, refitOnAllClips: 1 };
    saved.meta.valVideos = model.meta.valVideos;
    run.warnings.push(
      `The saved model was trained again on all ${clips} labelled clips (validation videos included); the validation scores are those of the run that did not see them.`,
    );
  }
  await saveModel(modelDir, saved);
  return { modelDir, ...run, validation, classes: data.classes, seconds: (performance.now() - t0) / 1000 };
}

/** Loads a project's model, refusing one trained on other features (backbone or streams). */
export function loadProjectModel(
  store: ProjectStore,
  dir: string,
  engine: Pick<FeatureEngine, 'backboneId' | 'featureDim'>,
): Promise<TrainedModel> {
  const { backboneId, featureDim } = projectFeatureSet(store, engine);
  return loadModel(dir, { backboneId, featureDim });
}
