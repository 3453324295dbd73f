/**
 * Evaluates a saved model on the project's labelled videos and keeps the report next to the model
 * (`<model>/eval.json`), so it survives a restart and models can be compared later. One
 * implementation for `framewise eval` and the app's Evaluation panel.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { FramewiseError } from '../errors.js';
import type { FeatureEngine } from '../features/types.js';
import type { ExtractProgress } from '../features/extract.js';
import { classificationReport, localizationMap, type PredSegment } from '../eval/metrics.js';
import { localize } from '../inference/predict.js';
import { samplesFromSegments } from '../training/dataset.js';
import { normalizerOf, readModelInfo } from '../training/model-io.js';
import { evaluateSamples } from '../training/train.js';
import type { ProjectStore } from '../store/project-store.js';
import { atomicWriteFile } from '../util/atomic-write.js';
import type { EvalSplit, ModelEvaluation } from '../eval/model-evaluation.js';

export type { EvalSplit, ModelEvaluation };
import { loadProjectModel, projectFeatures } from './training.js';

export const EVAL_FILE = 'eval.json';

function labelledSegments(store: ProjectStore): ProjectStore['project']['segments'] {
  return store.project.segments.filter((s) => s.source === 'user' && s.classId !== null);
}

/** The labelled videos a split evaluates on: the model's validation videos, the official test split, or all. */
export function evaluationVideoIds(
  store: ProjectStore,
  valVideos: readonly string[] | undefined,
  split: EvalSplit,
): string[] {
  const labelled = [...new Set(labelledSegments(store).map((s) => s.videoId))];
  if (split === 'all') return labelled;
  const inSplit = new Set(
    split === 'val' ? (valVideos ?? []) : store.project.videos.filter((v) => v.split === 'test').map((v) => v.id),
  );
  return labelled.filter((id) => inSplit.has(id));
}

/**
 * What a report was scored against, as a short hash: the videos and each labelled segment's video,
 * times and class. Any edit of those labels (or a video joining or leaving the split) changes it.
 */
export function labelsFingerprint(store: ProjectStore, videoIds: readonly string[]): string {
  const ids = new Set(videoIds);
  const rows = labelledSegments(store)
    .filter((s) => ids.has(s.videoId))
    .map((s) => `${s.videoId}\t${s.start}\t${s.end}\t${s.classId}`)
    .sort();
  return createHash('sha256')
    .update([...ids].sort().join('\n') + '\n\n' + rows.join('\n'))
    .digest('hex')
    .slice(0, 16);
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export async function evaluateProjectModel(
  store: ProjectStore,
  modelDir: string,
  engine: FeatureEngine,
  opts: {
    split: EvalSplit;
    signal?: AbortSignal;
    onExtract?: (videoIndex: number, videoCount: number, p: ExtractProgress) => void;
  },
): Promise<ModelEvaluation> {
  const model = await loadProjectModel(store, modelDir, engine);
  const labelled = labelledSegments(store);
  const videoIds = evaluationVideoIds(store, model.meta.valVideos, opts.split);
  if (videoIds.length === 0)
    throw new FramewiseError(
      'BAD_ARGUMENT',
      opts.split === 'val'
        ? 'The model has no validation videos in this project; evaluate on the test split or on all videos.'
        : opts.split === 'test'
          ? 'No labelled video is marked as the official test split.'
          : 'No labelled videos to evaluate on.',
    );
  const videos = await projectFeatures(store, {
    engine,
    videoIds,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onExtract ? { onExtract: opts.onExtract } : {}),
  });
  const segs = labelled.filter((s) => videos.has(s.videoId));
  const classIds = model.meta.classes.map((c) => c.id);
  const { samples } = samplesFromSegments(segs, classIds, videos);
  const ev = evaluateSamples(model.head, samples, videos, model.meta.clipLength, normalizerOf(model.meta));
  const report = classificationReport(
    ev.probs,
    samples.map((s) => s.label),
    classIds.length,
  );
  const preds: PredSegment[] = [];
  for (const [id, v] of videos) {
    const loc = await localize(model, v, opts.signal ? { signal: opts.signal } : {});
    for (const s of loc.segments) preds.push({ ...s, videoId: id });
  }
  const gt = segs.map((s) => ({ videoId: s.videoId, classId: s.classId!, start: s.start, end: s.end }));
  const map = localizationMap(gt, preds);
  return {
    model: basename(modelDir),
    modelCreatedAt: model.meta.createdAt,
    evaluatedAt: new Date().toISOString(),
    split: opts.split,
    videos: videoIds.length,
    segments: samples.length,
    classes: model.meta.classes.map((c) => c.name),
    top1: report.top1,
    top5: report.top5,
    meanPerClassAccuracy: finite(report.meanPerClassAccuracy),
    perClass: report.perClass.map((p) => {
      const f1 = p.precision + p.recall > 0 ? (2 * p.precision * p.recall) / (p.precision + p.recall) : NaN;
      return { precision: finite(p.precision), recall: finite(p.recall), f1: finite(f1), support: p.support };
    }),
    confusion: report.confusion,
    localization: { thresholds: map.thresholds, mAP: map.mAP.map(finite), average: finite(map.average) },
    labels: labelsFingerprint(store, videoIds),
  };
}

/** Whether a stored report still describes the model in modelDir on the project's labels now. */
export async function evaluationStaleness(
  store: ProjectStore,
  modelDir: string,
  e: ModelEvaluation,
): Promise<ModelEvaluation['stale']> {
  const info = await readModelInfo(modelDir).catch(() => null);
  if (!info) return null;
  if (info.meta.createdAt !== e.modelCreatedAt) return 'model';
  if (e.labels === undefined) return null;
  const now = labelsFingerprint(store, evaluationVideoIds(store, info.meta.valVideos, e.split));
  return now === e.labels ? null : 'labels';
}

export async function saveEvaluation(modelDir: string, e: ModelEvaluation): Promise<void> {
  const { stale: _stale, ...stored } = e;
  await atomicWriteFile(join(modelDir, EVAL_FILE), JSON.stringify(stored, null, 1));
}

/** The stored report of a model folder, or null when it was never evaluated (or the file is unreadable). */
export async function readEvaluation(modelDir: string): Promise<ModelEvaluation | null> {
  const text = await readFile(join(modelDir, EVAL_FILE), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    return JSON.parse(text) as ModelEvaluation;
  } catch {
    return null;
  }
}
