/**
 * Segments too narrow to be worth a DOM element at the current zoom. On an hour zoomed out, 900
 * segments are a pixel or two wide each; as buttons, every zoom step restyles and lays out all of
 * them (measured: ~300 ms a step on the 2-core CI machine, against ~35 ms without them). They are
 * drawn on one canvas per lane instead, and a press on one is found by time (`narrowAt`).
 */
import { pxPerSec, timeToX, type Viewport } from './zoom.js';

/** Narrower than this many pixels, a segment is drawn instead of being an element. */
export const MIN_BLOCK_PX = 8;

interface Span {
  id: string;
  start: number;
  end: number;
}

/**
 * Splits `items` into elements (`blocks`) and drawn rectangles (`narrow`). `keepId` (the selected
 * segment) always stays an element: it holds keyboard focus and shows its handles.
 */
export function splitNarrow<T extends Span>(
  items: readonly T[],
  vp: Viewport,
  keepId: string | null,
  minPx = MIN_BLOCK_PX,
): { blocks: T[]; narrow: T[] } {
  const pps = pxPerSec(vp);
  const blocks: T[] = [];
  const narrow: T[] = [];
  for (const s of items) ((s.end - s.start) * pps >= minPx || s.id === keepId ? blocks : narrow).push(s);
  return { blocks, narrow };
}

/**
 * The narrow segment under time `t`, or the nearest one within `tolSec` of it (a one-pixel segment
 * is hard to hit exactly); null when none is that close. Ties go to the earlier one.
 */
export function narrowAt<T extends Span>(items: readonly T[], t: number, tolSec: number): T | null {
  let best: T | null = null;
  let bestGap = Infinity;
  for (const s of items) {
    const gap = t < s.start ? s.start - t : t > s.end ? t - s.end : 0;
    if (gap < bestGap) {
      best = s;
      bestGap = gap;
    }
  }
  return bestGap <= tolSec ? best : null;
}

/**
 * Rectangles in CSS pixels for the canvas: at least `minDrawPx` wide so a very short segment still
 * shows, cut to the canvas (plus a pixel) so huge coordinates never reach the context.
 */
export function narrowRects<T extends Span>(
  items: readonly T[],
  vp: Viewport,
  minDrawPx = 2,
): { x: number; w: number; item: T }[] {
  const out: { x: number; w: number; item: T }[] = [];
  for (const s of items) {
    const x0 = Math.max(-1, timeToX(s.start, vp));
    const x1 = Math.min(vp.width + 1, timeToX(s.end, vp));
    if (x1 < -1 || x0 > vp.width + 1) continue;
    out.push({ x: x0, w: Math.max(minDrawPx, x1 - x0), item: s });
  }
  return out;
}
