/** Labelling from the keyboard while the video plays, as pure steps (tested without a player). */
import type { Segment } from '../../../src/store/schema.js';

export interface HeldLabel {
  /** The key held ('1'–'9'); its keyup ends the span. */
  key: string;
  classId: string;
  /** Playback time when the key went down. */
  start: number;
}

/**
 * The span a held class key labels: from the time it went down to the time it came up, in either
 * order (a seek back while holding), or null when shorter than a frame (a tap picks the class only).
 */
export function heldSpan(h: HeldLabel, now: number, fps: number): { start: number; end: number } | null {
  const start = Math.min(h.start, now);
  const end = Math.max(h.start, now);
  const frame = fps > 0 ? 1 / fps : 1 / 30;
  return end - start >= frame ? { start, end } : null;
}

/**
 * The next segment starting after `t` (dir 1), or the previous one starting before `t` (dir -1).
 * A little slack so that a segment the playhead was just sent to does not count as "next" again.
 */
export function neighbourSegment(segments: readonly Segment[], t: number, dir: 1 | -1): Segment | null {
  const EPS = 1e-3;
  const sorted = [...segments].sort((a, b) => a.start - b.start);
  if (dir > 0) return sorted.find((s) => s.start > t + EPS) ?? null;
  return sorted.reverse().find((s) => s.start < t - EPS) ?? null;
}
