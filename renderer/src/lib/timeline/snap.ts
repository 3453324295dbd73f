/**
 * Snapping of dragged times: to the playhead, to other segments' edges, to the video's ends and to
 * the frame grid, within a tolerance given in pixels (so it feels the same at every zoom). Shift
 * (`disabled`) turns it off.
 *
 * The edges, playhead and ends win over the frame grid when both are within reach: zoomed out, the
 * grid is denser than the tolerance and would otherwise always win.
 */
import type { Segment } from '../../../../src/store/schema.js';

export type SnapKind = 'none' | 'frame' | 'playhead' | 'edge' | 'bound';

export interface SnapTarget {
  time: number;
  kind: Exclude<SnapKind, 'none' | 'frame'>;
}

export interface SnapContext {
  /** Current zoom, to turn `tolerancePx` into seconds. */
  pxPerSec: number;
  /** Pixels within which a candidate attracts; default {@link DEFAULT_TOLERANCE_PX}. */
  tolerancePx?: number;
  /** Frames per second for the frame grid; ≤ 0 or absent: no grid. */
  fps?: number;
  playhead?: number | null;
  /** Segments whose edges attract. */
  segments?: readonly Pick<Segment, 'id' | 'start' | 'end'>[];
  /** Segments whose edges do not attract (the one being dragged). */
  excludeIds?: readonly string[];
  /** Video length: 0 and the duration attract when given (> 0). */
  duration?: number;
  /** Shift held: no snapping at all. */
  disabled?: boolean;
}

export interface SnapResult {
  time: number;
  snapped: boolean;
  kind: SnapKind;
}

export const DEFAULT_TOLERANCE_PX = 8;

/** A pixel distance in seconds at `pxPerSec`; 0 when the zoom is unknown. */
export function toleranceSec(tolerancePx: number, pxPerSec: number): number {
  return pxPerSec > 0 && Number.isFinite(pxPerSec) ? tolerancePx / pxPerSec : 0;
}

/** The candidates other than the frame grid: playhead, the video's ends, other segments' edges. */
export function snapTargets(ctx: SnapContext): SnapTarget[] {
  const out: SnapTarget[] = [];
  if (ctx.playhead !== null && ctx.playhead !== undefined && Number.isFinite(ctx.playhead)) {
    out.push({ time: ctx.playhead, kind: 'playhead' });
  }
  if (ctx.duration !== undefined && ctx.duration > 0) {
    out.push({ time: 0, kind: 'bound' }, { time: ctx.duration, kind: 'bound' });
  }
  const excluded = new Set(ctx.excludeIds ?? []);
  for (const s of ctx.segments ?? []) {
    if (excluded.has(s.id)) continue;
    out.push({ time: s.start, kind: 'edge' }, { time: s.end, kind: 'edge' });
  }
  return out;
}

/** The nearest frame boundary (k / fps), or null without a frame rate. */
export function nearestFrame(t: number, fps: number | undefined): number | null {
  if (!fps || !(fps > 0) || !Number.isFinite(fps)) return null;
  return Math.round(t * fps) / fps;
}

/** Snaps `t` to the nearest candidate within the tolerance; `t` unchanged when none is. */
export function snapTime(t: number, ctx: SnapContext): SnapResult {
  const none: SnapResult = { time: t, snapped: false, kind: 'none' };
  if (ctx.disabled) return none;
  const tol = toleranceSec(ctx.tolerancePx ?? DEFAULT_TOLERANCE_PX, ctx.pxPerSec);
  if (!(tol > 0)) return none;

  let best: SnapTarget | null = null;
  let bestDist = Infinity;
  for (const c of snapTargets(ctx)) {
    const d = Math.abs(c.time - t);
    // Ties keep the first: playhead before ends before edges.
    if (d <= tol && d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  if (best) return { time: best.time, snapped: true, kind: best.kind };

  const frame = nearestFrame(t, ctx.fps);
  if (frame !== null && Math.abs(frame - t) <= tol) return { time: frame, snapped: true, kind: 'frame' };
  return none;
}

/**
 * Snaps a moved range [start, end] (a segment body being dragged): whichever of its two edges is
 * closer to a candidate snaps, and the range shifts with it. Returns the new start.
 */
export function snapRange(start: number, end: number, ctx: SnapContext): SnapResult {
  const a = snapTime(start, ctx);
  const b = snapTime(end, ctx);
  if (!a.snapped && !b.snapped) return { time: start, snapped: false, kind: 'none' };
  // A semantic target (playhead, edge, bound) beats the frame grid, like in snapTime.
  const rank = (r: SnapResult): number => (r.kind === 'frame' ? 1 : 0);
  const useB =
    !a.snapped ||
    (b.snapped && (rank(b) < rank(a) || (rank(b) === rank(a) && Math.abs(b.time - end) < Math.abs(a.time - start))));
  // Rounded: the shift must not add float noise (1.9999999999999998 instead of 2).
  const shifted = Math.round((start + (b.time - end)) * 1e9) / 1e9;
  return useB ? { time: shifted, snapped: true, kind: b.kind } : a;
}
