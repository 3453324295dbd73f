/**
 * Prediction at the project level: features for any video (cached in the project), then clip
 * classification and temporal localization with a saved model, as rows ready for export.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FramewiseError } from '../errors.js';
import type { FeatureEngine } from '../features/types.js';
import type { ExtractProgress } from '../features/extract.js';
import { newId, resolveVideoPath, type ProjectStore } from '../store/project-store.js';
import { describeVideo } from '../store/video-entry.js';
import { BACKGROUND_CLASS, type VideoFeatures } from '../training/dataset.js';
import type { TrainedModel } from '../training/model-io.js';
import { classify, localize, type ClassScore, type LocalizeOptions } from '../inference/predict.js';
import { projectVideoFeatures } from './video-features.js';

export interface VideoPrediction {
  video: string;
  durationSec: number;
  top: ClassScore[];
  segments: { start: number; end: number; classId: string; label: string; score: number }[];
  curves: { times: number[]; classes: { label: string; probabilities: number[] }[] };
}

/** The models saved in a project, newest first. */
export async function listProjectModels(
  store: ProjectStore,
): Promise<{ name: string; dir: string; createdAt: string }[]> {
  const names = await readdir(store.paths.models).catch(() => [] as string[]);
  const out: { name: string; dir: string; createdAt: string }[] = [];
  for (const name of names) {
    // Dot folders are imports being staged (project/import-model.ts).
    if (name.startsWith('.')) continue;
    const dir = join(store.paths.models, name);
    const st = await stat(join(dir, 'meta.json')).catch(() => null);
    if (st) out.push({ name, dir, createdAt: st.mtime.toISOString() });
  }
  return out.sort((a, b) =>
    a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.name.localeCompare(a.name),
  );
}

export async function resolveModelDir(store: ProjectStore, name?: string): Promise<string> {
  const models = await listProjectModels(store);
  if (models.length === 0)
    throw new FramewiseError(
      'NOT_FOUND',
      `No trained model in ${store.paths.models}. Train one first (framewise train).`,
    );
  if (name === undefined) return models[0]!.dir;
  const m = models.find((x) => x.name === name);
  if (!m)
    throw new FramewiseError(
      'NOT_FOUND',
      `No model "${name}" in this project; available: ${models.map((x) => x.name).join(', ')}.`,
    );
  return m.dir;
}

export async function videoFeatures(
  file: string,
  store: ProjectStore,
  engine: FeatureEngine,
  opts: { signal?: AbortSignal; onExtract?: (p: ExtractProgress) => void; fps?: number } = {},
): Promise<VideoFeatures & { durationSec: number }> {
  const r = await projectVideoFeatures(store, file, {
    engine,
    fps: opts.fps,
    signal: opts.signal,
    onProgress: opts.onExtract,
  });
  return { ...r.features, durationSec: r.durationSec };
}

/** Localisation as a person sets it, in seconds: the CLI's flags and the app's controls. */
export interface LocalizationSettings {
  /** Per-frame probability that starts a segment (default 0.5). */
  threshold?: number;
  /** Width of the moving average over the probability curves, in seconds (default half a clip). */
  smoothingSec?: number;
  /** Segments shorter than this many seconds are dropped (default 0). */
  minDurationSec?: number;
}

/** Curves are smoothed over an odd number of frames at the model's sampling rate; at least one. */
export function smoothingFrames(seconds: number, fps: number): number {
  const n = Math.max(1, Math.round(seconds * fps));
  return n % 2 === 1 ? n : n + 1;
}

/** The localisation options for a model sampled at `fps`; what is not set keeps localize's default. */
export function localizeOptionsFrom(
  s: LocalizationSettings,
  fps: number,
): Pick<LocalizeOptions, 'threshold' | 'smoothing' | 'minDuration'> {
  return {
    ...(s.threshold !== undefined ? { threshold: s.threshold } : {}),
    ...(s.smoothingSec !== undefined ? { smoothing: smoothingFrames(s.smoothingSec, fps) } : {}),
    ...(s.minDurationSec !== undefined ? { minDuration: s.minDurationSec } : {}),
  };
}

export async function predictVideo(
  model: TrainedModel,
  features: VideoFeatures & { durationSec: number },
  label: string,
  opts: LocalizeOptions & { topK?: number } = {},
): Promise<VideoPrediction> {
  const top = await classify(model, features, { topK: opts.topK ?? 5, signal: opts.signal });
  const loc = await localize(model, features, {
    ...opts,
    ignoreClassIds: [...(opts.ignoreClassIds ?? []), BACKGROUND_CLASS.id],
  });
  const names = new Map(model.meta.classes.map((c) => [c.id, c.name]));
  return {
    video: label,
    durationSec: features.durationSec,
    top,
    segments: loc.segments.map((s) => ({ ...s, label: names.get(s.classId) ?? s.classId })),
    curves: {
      times: Array.from(loc.times),
      classes: model.meta.classes.map((c, i) => ({ label: c.name, probabilities: Array.from(loc.curves[i] ?? []) })),
    },
  };
}

/**
 * Stores predicted segments in the project as editable pre-labels (source "prediction"), replacing
 * earlier predictions for the same videos; videos not yet in the project are added. Returns the count.
 */
export async function savePredictions(
  store: ProjectStore,
  items: { file: string; segments: { start: number; end: number; classId: string; score: number }[] }[],
): Promise<number> {
  const known = new Map(store.project.videos.map((v) => [resolveVideoPath(store.paths, v.path), v.id]));
  const added: ProjectStore['project']['videos'] = [];
  const byHash = new Map(store.project.videos.filter((v) => v.contentHash).map((v) => [v.contentHash!, v.id]));
  for (const { file } of items) {
    if (known.has(file)) continue;
    const video = await describeVideo(file);
    // A copy of a project video (same content) gets its predictions, not a second entry.
    const same = video.contentHash ? byHash.get(video.contentHash) : undefined;
    if (same) {
      known.set(file, same);
      continue;
    }
    added.push(video);
    known.set(file, video.id);
    if (video.contentHash) byHash.set(video.contentHash, video.id);
  }
  const classIds = new Set(store.project.classes.map((c) => c.id));
  let count = 0;
  await store.update((p) => {
    p.videos.push(...added);
    for (const { file, segments } of items) {
      const videoId = known.get(file)!;
      p.segments = p.segments.filter((s) => !(s.videoId === videoId && s.source === 'prediction'));
      for (const s of segments) {
        if (!classIds.has(s.classId)) continue;
        p.segments.push({
          id: newId('seg'),
          videoId,
          start: s.start,
          end: s.end,
          classId: s.classId,
          captions: [],
          source: 'prediction',
          score: s.score,
        });
        count++;
      }
    }
  });
  return count;
}
