/**
 * Features of a project video, in one place: extracted into (or read back from) the project's
 * features/ cache at the project's sampling rate, keyed by the content hash stored with the video
 * so a known video is never hashed again. Training, prediction, captioning, the demo and the
 * features.extract service all come through here.
 */
import { basename, join } from 'node:path';
import type { FitMode } from '../video/types.js';
import { cacheFileName, extractFeatures, type ExtractProgress, type ExtractResult } from '../features/extract.js';
import { readFeatureFile } from '../features/feature-file.js';
import type { FeatureEngine } from '../features/types.js';
import { featureSetDim, featureSetId, streamsFor, type FrameStream } from '../features/streams/streams.js';
import { resolveVideoPath, type ProjectStore } from '../store/project-store.js';
import type { ProjectSettings, ProjectVideo } from '../store/schema.js';
import type { VideoFeatures } from '../training/dataset.js';

export interface ProjectVideoFeaturesOptions {
  engine: FeatureEngine;
  /** Frames per second; default the project's setting. */
  fps?: number;
  signal?: AbortSignal;
  onProgress?: (p: ExtractProgress) => void;
}

/** What a project's features are made of: its backbone plus the streams its settings name. */
export interface ProjectFeatureSet {
  /** Backbone and streams, e.g. "mobilenet_v2_nsfwjs+motion1": what models and caches are keyed by. */
  backboneId: string;
  featureDim: number;
  streams: FrameStream[];
}

/**
 * The project's feature set. Projects written before streams existed have no `streams` setting and
 * stay appearance-only, so their caches and models remain valid.
 */
export function projectFeatureSet(
  store: ProjectStore,
  engine: Pick<FeatureEngine, 'backboneId' | 'featureDim'>,
): ProjectFeatureSet {
  const streams = streamsFor(store.project.settings.streams ?? []);
  return {
    backboneId: featureSetId(engine.backboneId, streams),
    featureDim: featureSetDim(engine.featureDim, streams),
    streams,
  };
}

/**
 * Where the features of a project video at the project's settings are cached (whether or not they
 * are there yet); null for a video not hashed yet.
 */
export function projectCacheFile(
  store: ProjectStore,
  video: ProjectVideo,
  engine: Pick<FeatureEngine, 'backboneId' | 'featureDim' | 'featureRevision' | 'inputWidth' | 'inputHeight'>,
): string | null {
  return settingsCacheFile(store.paths.features, video, store.project.settings, engine);
}

/** The project's frame fit; projects made before the setting existed stretch. */
export function frameFitOf(settings: Pick<ProjectSettings, 'frameFit'>): FitMode {
  return settings.frameFit ?? 'stretch';
}

/**
 * The same for any settings (a change not saved yet): `engine` is the one of `settings.backboneId`.
 * fps, backbone and streams name the file; the clip length does not (clips are cut from the cache).
 */
export function settingsCacheFile(
  featuresDir: string,
  video: ProjectVideo,
  settings: Pick<ProjectSettings, 'fps' | 'streams' | 'frameFit'>,
  engine: Pick<FeatureEngine, 'backboneId' | 'featureRevision' | 'inputWidth' | 'inputHeight'>,
): string | null {
  if (!video.contentHash) return null;
  const streams = streamsFor(settings.streams ?? []);
  return join(
    featuresDir,
    cacheFileName(video.contentHash, engine, {
      fps: settings.fps,
      fit: frameFitOf(settings),
      dtype: 'float16',
      streams,
    }),
  );
}

/**
 * A project video, or any video file: a file that is one of the project's videos gets its stored
 * content hash; another file is hashed by the extraction.
 */
function source(store: ProjectStore, video: ProjectVideo | string): { file: string; hash?: string; videoId: string } {
  if (typeof video !== 'string') {
    return { file: resolveVideoPath(store.paths, video.path), hash: video.contentHash, videoId: video.id };
  }
  const known = store.project.videos.find((v) => resolveVideoPath(store.paths, v.path) === video);
  return { file: video, hash: known?.contentHash, videoId: basename(video) };
}

/** Extracts the features of a video into the project's cache (a cache hit when they are there). */
export function extractProjectVideoFeatures(
  store: ProjectStore,
  video: ProjectVideo | string,
  opts: ProjectVideoFeaturesOptions,
): Promise<ExtractResult> {
  const { file, hash } = source(store, video);
  return extractFeatures(file, {
    engine: opts.engine,
    fps: opts.fps ?? store.project.settings.fps,
    fit: frameFitOf(store.project.settings),
    cacheDir: store.paths.features,
    hash,
    streams: projectFeatureSet(store, opts.engine).streams,
    signal: opts.signal,
    onProgress: opts.onProgress,
  });
}

/**
 * The features of a video as the trainers and predictors take them, extracting them first where
 * needed. `videoId` is the project video's id, or the file's name for a video outside the project.
 */
export async function projectVideoFeatures(
  store: ProjectStore,
  video: ProjectVideo | string,
  opts: ProjectVideoFeaturesOptions,
): Promise<{ features: VideoFeatures; durationSec: number }> {
  const res = await extractProjectVideoFeatures(store, video, opts);
  const data = await readFeatureFile(res.file);
  const n = data.header.count;
  const step = n > 1 ? data.times[1]! - data.times[0]! : 1 / data.header.fps;
  return {
    features: {
      videoId: source(store, video).videoId,
      featureDim: data.header.featureDim,
      fps: data.header.fps,
      backboneId: data.header.backboneId,
      times: data.times,
      features: data.features,
    },
    durationSec: n > 0 ? data.times[n - 1]! + step : 0,
  };
}
