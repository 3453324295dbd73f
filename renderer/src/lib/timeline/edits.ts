/**
 * Pure edits on a video's segments for the timeline. Every function takes the segments array and
 * returns the next one without mutating its input: a new array when something changed, the input
 * itself when the edit does not apply (unknown id, split outside the segment…), so `next === prev`
 * tells a no-op apart from an edit. Order is kept; a created segment is appended.
 */
import type { Segment } from '../../../../src/store/schema.js';

export type SegmentEdge = 'start' | 'end';

/** The bounds every edit keeps segments within. */
export interface EditLimits {
  /** Video length in seconds; ≤ 0 or not finite means unknown (no upper bound). */
  duration: number;
  /** Frames per second, for the minimum length and nudges; ≤ 0 or not finite means unknown. */
  fps: number;
}

/** The shortest segment when the frame rate is unknown. */
export const FALLBACK_MIN_LENGTH = 0.1;

/** The shortest segment an edit makes: one frame, or 0.1 s when the frame rate is unknown. */
export function minLength(fps: number): number {
  return Number.isFinite(fps) && fps > 0 ? 1 / fps : FALLBACK_MIN_LENGTH;
}

/** One frame in seconds (the nudge step); 0.1 s when the frame rate is unknown. */
export function frameStep(fps: number): number {
  return minLength(fps);
}

function upper(limits: EditLimits): number {
  return Number.isFinite(limits.duration) && limits.duration > 0 ? limits.duration : Infinity;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Rounds away float noise (2 + 0.1 → 2.1, not 2.1000000000000001); nanoseconds are plenty. */
export function tidyTime(t: number): number {
  return Number.isFinite(t) ? Math.round(t * 1e9) / 1e9 : t;
}

function replaceAt(segments: readonly Segment[], index: number, next: Segment): Segment[] {
  const out = segments.slice();
  out[index] = next;
  return out;
}

function indexOf(segments: readonly Segment[], id: string): number {
  return segments.findIndex((s) => s.id === id);
}

/**
 * [start, end] ordered, inside [0, duration] and at least one minimum length long (grown away from
 * `start` first, then shifted back inside the bounds). A video shorter than the minimum gives [0, duration].
 */
export function normalizeRange(a: number, b: number, limits: EditLimits): { start: number; end: number } {
  const max = upper(limits);
  const min = Math.min(minLength(limits.fps), max);
  let start = clamp(Math.min(a, b), 0, max);
  let end = clamp(Math.max(a, b), 0, max);
  if (end - start < min) {
    end = start + min;
    if (end > max) {
      end = max;
      start = max - min;
    }
  }
  return { start: tidyTime(start), end: tidyTime(end) };
}

export interface NewSegment {
  id: string;
  videoId: string;
  start: number;
  end: number;
  classId: string | null;
  captions?: string[];
}

/** Appends a user segment; the two times may come in either order (a drag to the left). */
export function createSegment(segments: readonly Segment[], init: NewSegment, limits: EditLimits): Segment[] {
  const { start, end } = normalizeRange(init.start, init.end, limits);
  const seg: Segment = {
    id: init.id,
    videoId: init.videoId,
    start,
    end,
    classId: init.classId,
    captions: init.captions ? init.captions.slice() : [],
    source: 'user',
  };
  return [...segments, seg];
}

/** Moves a segment so that it starts at `start`, keeping its length; clamped to [0, duration]. */
export function moveSegment(segments: readonly Segment[], id: string, start: number, limits: EditLimits): Segment[] {
  const i = indexOf(segments, id);
  const seg = segments[i];
  if (!seg) return segments as Segment[];
  const len = seg.end - seg.start;
  const max = upper(limits);
  const s = tidyTime(len >= max ? 0 : clamp(start, 0, max - len));
  if (s === seg.start) return segments as Segment[];
  return replaceAt(segments, i, { ...seg, start: s, end: tidyTime(s + len) });
}

/**
 * The bounds of `seg` with `edge` dragged to time `t`. The other edge stays put; dragging past it
 * turns the segment around (the dragged edge becomes the other one) instead of inverting it. The
 * result is at least one minimum length long and inside [0, duration].
 */
export function resizeBounds(
  seg: Pick<Segment, 'start' | 'end'>,
  edge: SegmentEdge,
  t: number,
  limits: EditLimits,
): { start: number; end: number } {
  const max = upper(limits);
  const min = Math.min(minLength(limits.fps), max);
  const fixed = edge === 'start' ? seg.end : seg.start;
  const moving = tidyTime(clamp(t, 0, max));
  // Which side of the fixed edge the dragged one ends up on; exactly on it keeps the original side.
  const after = moving > fixed || (moving === fixed && edge === 'end');
  if (after) {
    const end = tidyTime(Math.max(moving, fixed + min));
    return end > max ? { start: tidyTime(Math.min(fixed, max - min)), end: max } : { start: fixed, end };
  }
  const start = tidyTime(Math.min(moving, fixed - min));
  return start < 0 ? { start: 0, end: tidyTime(Math.max(fixed, min)) } : { start, end: fixed };
}

/** Drags one edge of a segment to time `t`; see {@link resizeBounds}. */
export function resizeSegment(
  segments: readonly Segment[],
  id: string,
  edge: SegmentEdge,
  t: number,
  limits: EditLimits,
): Segment[] {
  const i = indexOf(segments, id);
  const seg = segments[i];
  if (!seg) return segments as Segment[];
  const { start, end } = resizeBounds(seg, edge, t, limits);
  if (start === seg.start && end === seg.end) return segments as Segment[];
  return replaceAt(segments, i, { ...seg, start, end });
}

export function deleteSegment(segments: readonly Segment[], id: string): Segment[] {
  const i = indexOf(segments, id);
  if (i < 0) return segments as Segment[];
  return segments.filter((_, j) => j !== i);
}

export function setSegmentClass(segments: readonly Segment[], id: string, classId: string | null): Segment[] {
  const i = indexOf(segments, id);
  const seg = segments[i];
  if (!seg || seg.classId === classId) return segments as Segment[];
  return replaceAt(segments, i, { ...seg, classId });
}

/**
 * Sets caption number `index` (default the first) to `text`, trimmed. Empty text removes that
 * caption; an index past the end appends.
 */
export function setSegmentCaption(segments: readonly Segment[], id: string, text: string, index = 0): Segment[] {
  const i = indexOf(segments, id);
  const seg = segments[i];
  if (!seg) return segments as Segment[];
  const value = text.trim();
  const captions = seg.captions.slice();
  if (value === '') {
    if (index >= captions.length) return segments as Segment[];
    captions.splice(index, 1);
  } else if (index >= captions.length) {
    captions.push(value);
  } else {
    if (captions[index] === value) return segments as Segment[];
    captions[index] = value;
  }
  return replaceAt(segments, i, { ...seg, captions });
}

/**
 * Moves a segment by `frames` frames (negative: earlier), keeping its length; with `edge`, moves only
 * that edge (a resize, which may turn the segment around like a drag does).
 */
export function nudgeSegment(
  segments: readonly Segment[],
  id: string,
  frames: number,
  limits: EditLimits,
  edge?: SegmentEdge,
): Segment[] {
  const seg = segments.find((s) => s.id === id);
  if (!seg || frames === 0) return segments as Segment[];
  const delta = frames * frameStep(limits.fps);
  if (edge) return resizeSegment(segments, id, edge, seg[edge] + delta, limits);
  return moveSegment(segments, id, seg.start + delta, limits);
}

/**
 * Cuts a segment in two at `t`: the first part keeps the id, the second gets `newId` and a copy of
 * the class, captions, source and score. Both parts must be at least one minimum length long, else
 * nothing changes.
 */
export function splitSegment(
  segments: readonly Segment[],
  id: string,
  t: number,
  newId: string,
  limits: EditLimits,
): Segment[] {
  const i = indexOf(segments, id);
  const seg = segments[i];
  if (!seg) return segments as Segment[];
  const min = minLength(limits.fps);
  // A small epsilon: a cut exactly one frame in must count as one frame long.
  const eps = 1e-9;
  const cut = tidyTime(t);
  if (cut - seg.start < min - eps || seg.end - cut < min - eps) return segments as Segment[];
  const out = segments.slice();
  out.splice(i, 1, { ...seg, end: cut }, { ...seg, id: newId, start: cut, captions: seg.captions.slice() });
  return out;
}

/** Turns a predicted segment into a user one (source 'user', score dropped). */
export function acceptPrediction(segments: readonly Segment[], id: string): Segment[] {
  const i = indexOf(segments, id);
  const seg = segments[i];
  if (!seg || seg.source !== 'prediction') return segments as Segment[];
  const { score: _score, ...rest } = seg;
  return replaceAt(segments, i, { ...rest, source: 'user', accepted: true });
}

/** Drops a predicted segment; user segments are left alone (use deleteSegment for those). */
export function rejectPrediction(segments: readonly Segment[], id: string): Segment[] {
  const seg = segments.find((s) => s.id === id);
  if (!seg || seg.source !== 'prediction') return segments as Segment[];
  return deleteSegment(segments, id);
}
