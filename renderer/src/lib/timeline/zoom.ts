/**
 * The timeline's view window: which part of the video is visible at what zoom, time ↔ pixel
 * conversion, zooming around the mouse, following the playhead, and the ruler's ticks.
 *
 * A viewport is a plain value; every function returns a new one. `zoom` is relative to "fit all"
 * (1 = the whole video fills the width), `scroll` the time at the left edge in seconds.
 */

export interface Viewport {
  /** Video length in seconds (values ≤ 0 count as 1). */
  duration: number;
  /** Width of the lanes in pixels (values ≤ 0 count as 1). */
  width: number;
  /** 1 = whole video visible; 2 = half of it… */
  zoom: number;
  /** Time at the left edge, seconds. */
  scroll: number;
}

export const MIN_ZOOM = 1;
/** Zoomed all the way in, one frame spans this many pixels. */
export const MAX_FRAME_PX = 40;

function dur(vp: Viewport): number {
  return Number.isFinite(vp.duration) && vp.duration > 0 ? vp.duration : 1;
}

function wid(vp: Viewport): number {
  return Number.isFinite(vp.width) && vp.width > 0 ? vp.width : 1;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** A fresh viewport showing the whole video. */
export function initialViewport(duration: number, width: number): Viewport {
  return { duration, width, zoom: 1, scroll: 0 };
}

/** The zoom at which one frame (0.05 s without a frame rate) spans {@link MAX_FRAME_PX}; at least 1. */
export function maxZoomFor(duration: number, width: number, fps: number, framePx = MAX_FRAME_PX): number {
  const frame = Number.isFinite(fps) && fps > 0 ? 1 / fps : 0.05;
  const vp: Viewport = { duration, width, zoom: 1, scroll: 0 };
  const fitPxPerSec = wid(vp) / dur(vp);
  return Math.max(MIN_ZOOM, framePx / frame / fitPxPerSec);
}

export function pxPerSec(vp: Viewport): number {
  return (wid(vp) * vp.zoom) / dur(vp);
}

/** Seconds visible at once. */
export function visibleSpan(vp: Viewport): number {
  return dur(vp) / vp.zoom;
}

export function visibleRange(vp: Viewport): { start: number; end: number } {
  return { start: vp.scroll, end: vp.scroll + visibleSpan(vp) };
}

/** Pixels from the left edge of the lanes. */
export function timeToX(t: number, vp: Viewport): number {
  return (t - vp.scroll) * pxPerSec(vp);
}

export function xToTime(x: number, vp: Viewport): number {
  return vp.scroll + x / pxPerSec(vp);
}

/** Zoom into [1, maxZoom], scroll so that the window stays inside [0, duration]. */
export function clampViewport(vp: Viewport, maxZoom = Infinity): Viewport {
  const zoom = clamp(Number.isFinite(vp.zoom) ? vp.zoom : MIN_ZOOM, MIN_ZOOM, Math.max(MIN_ZOOM, maxZoom));
  const span = dur(vp) / zoom;
  const scroll = clamp(Number.isFinite(vp.scroll) ? vp.scroll : 0, 0, Math.max(0, dur(vp) - span));
  return { ...vp, zoom, scroll };
}

/**
 * Sets the zoom keeping the time under `anchorX` (pixels from the left edge) where it is, as far
 * as the bounds allow.
 */
export function zoomTo(vp: Viewport, zoom: number, anchorX: number, maxZoom = Infinity): Viewport {
  const t = xToTime(anchorX, vp);
  const z = clamp(zoom, MIN_ZOOM, Math.max(MIN_ZOOM, maxZoom));
  const next = { ...vp, zoom: z };
  return clampViewport({ ...next, scroll: t - anchorX / pxPerSec(next) }, maxZoom);
}

/** Multiplies the zoom by `factor` (> 1 zooms in) around `anchorX`. */
export function zoomAt(vp: Viewport, factor: number, anchorX: number, maxZoom = Infinity): Viewport {
  return zoomTo(vp, vp.zoom * factor, anchorX, maxZoom);
}

/** The zoom factor for a wheel delta (Ctrl+wheel): 100 px of wheel ≈ ×1.22, up scrolls in. */
export function wheelZoomFactor(deltaY: number): number {
  return Math.exp(-deltaY * 0.002);
}

export function fitAll(vp: Viewport): Viewport {
  return { ...vp, zoom: MIN_ZOOM, scroll: 0 };
}

/** Scrolls by `dx` pixels (positive: later), clamped. */
export function scrollByPx(vp: Viewport, dx: number, maxZoom = Infinity): Viewport {
  return clampViewport({ ...vp, scroll: vp.scroll + dx / pxPerSec(vp) }, maxZoom);
}

/** Centres time `t` (as far as the bounds allow). */
export function centerOn(vp: Viewport, t: number, maxZoom = Infinity): Viewport {
  return clampViewport({ ...vp, scroll: t - visibleSpan(vp) / 2 }, maxZoom);
}

/**
 * Keeps the playhead in view: unchanged while `t` is inside the window and at least `marginFrac`
 * of the width away from its right edge; otherwise the window pages so that `t` sits `marginFrac`
 * from its left edge.
 */
export function followPlayhead(vp: Viewport, t: number, marginFrac = 0.1): Viewport {
  const { start, end } = visibleRange(vp);
  const margin = visibleSpan(vp) * marginFrac;
  if (t >= start && t <= end - margin) return vp;
  return clampViewport({ ...vp, scroll: t - margin });
}

/** The smallest 1/2/5 × 10^k not below `minStep`. */
export function niceStep(minStep: number): number {
  if (!(minStep > 0) || !Number.isFinite(minStep)) return 1;
  const exp = Math.floor(Math.log10(minStep));
  for (let e = exp; e <= exp + 1; e++) {
    for (const m of [1, 2, 5]) {
      const step = roundTo(m * 10 ** e);
      if (step >= minStep * (1 - 1e-9)) return step;
    }
  }
  return roundTo(10 ** (exp + 1));
}

/** The labelled tick spacing: labels at least `minLabelPx` apart. */
export function tickStep(pxPerSecond: number, minLabelPx = 80): number {
  if (!(pxPerSecond > 0)) return 1;
  return niceStep(minLabelPx / pxPerSecond);
}

/** Unlabelled subdivisions of a labelled step: 1 → 0.2, 2 → 0.5, 5 → 1 (×10^k). */
export function minorStep(step: number): number {
  const mantissa = Math.round(step / 10 ** Math.floor(Math.log10(step) + 1e-9));
  return roundTo(step / (mantissa === 2 ? 4 : 5));
}

export interface Ticks {
  step: number;
  minorStep: number;
  /** Labelled ticks, multiples of `step` inside [start, end]. */
  major: number[];
  /** Unlabelled ticks between them. */
  minor: number[];
}

export function ticks(start: number, end: number, pxPerSecond: number, minLabelPx = 80): Ticks {
  const step = tickStep(pxPerSecond, minLabelPx);
  const minor = minorStep(step);
  const major = multiples(start, end, step);
  const majorSet = new Set(major.map((t) => Math.round(t / minor)));
  return {
    step,
    minorStep: minor,
    major,
    minor: multiples(start, end, minor).filter((t) => !majorSet.has(Math.round(t / minor))),
  };
}

/** A ruler label: "0:05", "1:15.5", "1:02:05" – as many decimals as `step` needs. */
export function formatTick(t: number, step: number): string {
  const decimals = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step) - 1e-9));
  const scale = 10 ** decimals;
  const total = Math.round(Math.abs(t) * scale) / scale;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total - h * 3600) / 60);
  const s = total - h * 3600 - m * 60;
  const ss = s.toFixed(decimals).padStart(decimals > 0 ? 3 + decimals : 2, '0');
  const sign = t < 0 && total > 0 ? '-' : '';
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, '0')}:${ss}` : `${sign}${m}:${ss}`;
}

function multiples(start: number, end: number, step: number): number[] {
  const out: number[] = [];
  const first = Math.ceil(start / step - 1e-9);
  const last = Math.floor(end / step + 1e-9);
  // A guard against absurd ranges (a bad width): the ruler never needs more.
  if (last - first > 10_000) return out;
  for (let k = first; k <= last; k++) out.push(roundTo(k * step));
  return out;
}

function roundTo(v: number): number {
  return Number(v.toPrecision(12));
}
