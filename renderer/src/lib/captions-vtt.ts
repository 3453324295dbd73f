/**
 * Generated captions → a WebVTT document for the player's <track> (pure; tested under Node). The
 * text is written by the core's WebVTT writer (src/export/subtitles.ts), the same one behind
 * "Export → Captions (WebVTT)", so both escape and time cues alike.
 */
import type { CaptionResult } from '../../../src/services/contract.js';
import { toWebVtt, type SubtitleCue } from '../../../src/export/subtitles.js';

/** Cues the track can show: finite, non-negative, not empty, and ending after they start. */
export function trackCues(c: Pick<CaptionResult, 'captions'>): SubtitleCue[] {
  return c.captions
    .filter((x) => Number.isFinite(x.start) && Number.isFinite(x.end) && x.end > x.start && x.text.trim() !== '')
    .map((x) => ({ start: Math.max(0, x.start), end: Math.max(0, x.end), text: x.text }));
}

export function captionsToVtt(c: Pick<CaptionResult, 'captions'>): string {
  return toWebVtt(trackCues(c), { cueIds: true });
}

/** The caption shown at time t (the latest one that has started), or null. */
export function captionAt(c: Pick<CaptionResult, 'captions'>, t: number): string | null {
  let found: string | null = null;
  for (const x of c.captions) if (x.start <= t && t < x.end) found = x.text;
  return found;
}
