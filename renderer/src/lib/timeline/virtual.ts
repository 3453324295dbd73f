/**
 * Virtualising the timeline: on an hour of video zoomed to frames, thousands of segments and
 * thumbnails lie outside the window. Only what overlaps the visible span (plus a margin, so a
 * short scroll does not show a gap before the next render) is put in the DOM.
 */
import { pxPerSec, visibleRange, type Viewport } from './zoom.js';

/** Pixels beyond each edge that are still rendered. */
export const OVERSCAN_PX = 200;

/** The time span worth rendering: the visible one widened by `overscanPx` on each side. */
export function renderRange(vp: Viewport, overscanPx = OVERSCAN_PX): { start: number; end: number } {
  const r = visibleRange(vp);
  const pad = overscanPx / pxPerSec(vp);
  return { start: r.start - pad, end: r.end + pad };
}

/**
 * The items overlapping `range`, in their order; `keepId` stays even when outside (the selected
 * segment holds keyboard focus, and removing its element would drop the focus to the page).
 */
export function inRange<T extends { id: string; start: number; end: number }>(
  items: readonly T[],
  range: { start: number; end: number },
  keepId: string | null = null,
): T[] {
  return items.filter((s) => (s.end >= range.start && s.start <= range.end) || s.id === keepId);
}

/**
 * Times for a filmstrip of the visible window at this zoom: one picture per `tilePx` pixels, on
 * a grid of multiples of the tile's duration (so scrolling reuses the pictures already loaded and
 * only the new edge asks for more). Never finer than one frame, never past the video.
 */
export function filmstripTimes(
  vp: Viewport,
  fps: number,
  tilePx = 96,
  overscanPx = OVERSCAN_PX,
): {
  step: number;
  times: number[];
} {
  const frame = fps > 0 ? 1 / fps : 0.05;
  const raw = tilePx / pxPerSec(vp);
  // Steps are whole frames; above a second, 1-2-5 steps keep the grid stable while zooming.
  const step = raw <= 1 ? Math.max(frame, Math.round(raw / frame) * frame) : niceSeconds(raw);
  const r = renderRange(vp, overscanPx);
  const first = Math.max(0, Math.floor(r.start / step));
  const last = Math.floor(Math.min(r.end, vp.duration - 1e-6) / step);
  const times: number[] = [];
  for (let i = first; i <= last; i++) times.push(Number((i * step).toFixed(6)));
  return { step, times };
}

function niceSeconds(s: number): number {
  const p = 10 ** Math.floor(Math.log10(s));
  for (const m of [1, 2, 5, 10]) if (m * p >= s) return m * p;
  return 10 * p;
}
