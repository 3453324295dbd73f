/**
 * Dense captioning: one caption per segment of a video — segments a person labelled, the output of
 * temporal localisation, or fixed windows of N seconds — and their export as SRT / WebVTT cues
 * (through export/subtitles.ts, so the cue rules are the same as for hand-written captions).
 */
import { FramewiseError } from '../errors.js';
import { cuesFromSegments, toSrt, toWebVtt, type SubtitleCue } from '../export/subtitles.js';
import type { VideoFeatures } from '../training/dataset.js';
import { captionSegments, type CaptionOptions } from './beam-search.js';
import type { TimeRange } from './batches.js';
import type { TrainedCaptioner } from './captioner-io.js';

/** Where the segments come from: explicit ranges, or fixed windows over the whole video. */
export type DenseSegmentSource = { segments: readonly TimeRange[] } | { windowSeconds: number; hopSeconds?: number };

export interface DenseCaption extends TimeRange {
  text: string;
  /** Length-normalised log-probability (see beam-search.ts). */
  score: number;
  logProb: number;
}

/** Duration covered by the features: last frame time + one frame. */
export function featureDuration(video: VideoFeatures): number {
  const n = video.times.length;
  if (n === 0) return 0;
  return video.times[n - 1]! + 1 / video.fps;
}

/** Windows [k·hop, k·hop + window) over the video; the last one is clipped to the video's end. */
export function fixedWindows(video: VideoFeatures, windowSeconds: number, hopSeconds = windowSeconds): TimeRange[] {
  if (!(windowSeconds > 0) || !(hopSeconds > 0))
    throw new FramewiseError(
      'BAD_ARGUMENT',
      `window and hop must be > 0 seconds (got ${windowSeconds}, ${hopSeconds})`,
    );
  const duration = featureDuration(video);
  const t0 = video.times.length ? Math.max(0, video.times[0]!) : 0;
  const out: TimeRange[] = [];
  for (let s = t0; s < duration - 1e-9; s += hopSeconds) {
    out.push({ start: s, end: Math.min(duration, s + windowSeconds) });
    if (s + windowSeconds >= duration) break;
  }
  return out;
}

/** A caption for every segment, in input order (beamWidth 1 = greedy; default beam 5). */
export function denseCaptions(
  captioner: TrainedCaptioner,
  video: VideoFeatures,
  source: DenseSegmentSource,
  options: CaptionOptions = {},
): DenseCaption[] {
  const segments =
    'segments' in source ? source.segments : fixedWindows(video, source.windowSeconds, source.hopSeconds);
  for (const s of segments)
    if (!(Number.isFinite(s.start) && Number.isFinite(s.end) && s.end >= s.start && s.start >= 0))
      throw new FramewiseError('BAD_ARGUMENT', `segment [${s.start}, ${s.end}) is not a valid time range`);
  if (segments.length === 0) return [];
  const decoded = captionSegments(captioner, video, segments, options);
  return segments.map((s, i) => ({
    start: s.start,
    end: s.end,
    text: decoded[i]!.sentence,
    score: decoded[i]!.score,
    logProb: decoded[i]!.logProb,
  }));
}

/** A dense caption in the shape of a project segment (store/schema.ts's Segment) of source "prediction". */
export interface DenseCaptionSegment {
  id: string;
  videoId: string;
  start: number;
  end: number;
  classId: null;
  captions: string[];
  source: 'prediction';
  score: number;
}

/** Dense captions as (prediction) project segments, e.g. to store for review. */
export function denseCaptionSegments(videoId: string, captions: readonly DenseCaption[]): DenseCaptionSegment[] {
  return captions.map((c, i) => ({
    id: `caption-${videoId}-${i}`,
    videoId,
    start: c.start,
    end: c.end,
    classId: null,
    captions: [c.text],
    source: 'prediction',
    score: c.score,
  }));
}

export function denseCaptionCues(captions: readonly DenseCaption[]): SubtitleCue[] {
  return cuesFromSegments(denseCaptionSegments('video', captions));
}

/** SubRip or WebVTT text of dense captions. */
export function denseCaptionSubtitles(captions: readonly DenseCaption[], format: 'srt' | 'vtt'): string {
  const cues = denseCaptionCues(captions);
  return format === 'srt' ? toSrt(cues) : toWebVtt(cues);
}
