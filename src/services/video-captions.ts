/**
 * A project video's generated captions: made with a captioner (per labelled segment, else per
 * predicted segment, else per fixed window) and kept in <project>/captions/<videoId>.json, so
 * playback and export survive a restart. One implementation for captioning.run and the batch job.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FramewiseError } from '../errors.js';
import type { ExtractProgress } from '../features/extract.js';
import type { FeatureEngine } from '../features/types.js';
import type { TrainedCaptioner } from '../captioning/captioner-io.js';
import { captionFeatures } from '../project/captioning.js';
import { videoFeatures } from '../project/predict.js';
import { resolveVideoPath, type ProjectStore } from '../store/project-store.js';
import { atomicWriteFile } from '../util/atomic-write.js';
import type { CaptionResult } from './contract.js';
import { findVideo } from './service-context.js';

/** Where a video's generated captions are kept. */
export function captionsFile(store: ProjectStore, videoId: string): string {
  return join(store.paths.captions, `${videoId}.json`);
}

export async function readCaptions(store: ProjectStore, videoId: string): Promise<CaptionResult | null> {
  const text = await readFile(captionsFile(store, videoId), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const data = JSON.parse(text) as CaptionResult;
    return Array.isArray(data.captions) ? data : null;
  } catch {
    return null;
  }
}

/** Checked before a job starts: the window a person may ask for. */
export function checkCaptionWindow(windowSec: number | undefined): void {
  if (windowSec !== undefined && !(windowSec > 0 && windowSec <= 600))
    throw new FramewiseError('BAD_ARGUMENT', 'The caption window must be between 0 and 600 seconds.');
}

/** Captions one project video with `model` (named `captioner`) and keeps the result. */
export async function captionProjectVideo(
  store: ProjectStore,
  engine: FeatureEngine,
  model: TrainedCaptioner,
  captioner: string,
  videoId: string,
  opts: { windowSec?: number; signal: AbortSignal; onExtract?: (p: ExtractProgress) => void },
): Promise<CaptionResult> {
  const file = resolveVideoPath(store.paths, findVideo(store, videoId).path);
  const features = await videoFeatures(file, store, engine, {
    fps: model.meta.fps,
    signal: opts.signal,
    ...(opts.onExtract ? { onExtract: opts.onExtract } : {}),
  });
  if (opts.signal.aborted) throw new FramewiseError('ABORTED', 'Cancelled.');
  // Labelled segments first (what the person marked), then predicted ones, else fixed windows.
  const mine = store.project.segments.filter((x) => x.videoId === videoId).sort((a, b) => a.start - b.start);
  const user = mine.filter((x) => x.source === 'user');
  const ranges = user.length > 0 ? user : mine;
  const source =
    opts.windowSec !== undefined || ranges.length === 0
      ? { windowSeconds: opts.windowSec ?? 4 }
      : { segments: ranges.map((r) => ({ start: r.start, end: r.end })) };
  const captions = captionFeatures(model, features, source);
  const result: CaptionResult = {
    videoId,
    captioner,
    createdAt: new Date().toISOString(),
    captions: captions.map((c) => ({ start: c.start, end: c.end, text: c.text })),
  };
  await mkdir(store.paths.captions, { recursive: true });
  await atomicWriteFile(captionsFile(store, videoId), JSON.stringify(result, null, 1) + '\n');
  return result;
}
