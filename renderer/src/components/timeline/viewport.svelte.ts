/**
 * The timeline's window onto the video: zoom, scroll and the lanes' width, with the commands that
 * move it (buttons, keys, wheel, following the playhead). The arithmetic is lib/timeline/zoom.ts.
 */
import {
  centerOn,
  clampViewport,
  fitAll,
  followPlayhead,
  maxZoomFor,
  scrollByPx,
  timeToX,
  visibleRange,
  wheelZoomFactor,
  zoomAt,
  type Viewport,
} from '../../lib/timeline/zoom.js';

export const ZOOM_STEP = 1.5;

export class TimelineViewport {
  width = $state(0);
  private zoom = $state(1);
  private scroll = $state(0);

  readonly maxZoom: number;
  readonly vp: Viewport;
  readonly range: { start: number; end: number };

  /** `duration` and `fps` are read reactively (the video can change under the same timeline). */
  constructor(duration: () => number, fps: () => number) {
    this.maxZoom = $derived(maxZoomFor(duration(), this.width, fps()));
    this.vp = $derived(
      clampViewport({ duration: duration(), width: this.width, zoom: this.zoom, scroll: this.scroll }, this.maxZoom),
    );
    this.range = $derived(visibleRange(this.vp));
  }

  set(v: Viewport): void {
    this.zoom = v.zoom;
    this.scroll = v.scroll;
  }

  reset(): void {
    this.zoom = 1;
    this.scroll = 0;
  }

  /** Zooms around the playhead when it is in view, else around the centre. */
  zoomBy(factor: number, playhead: number): void {
    const x = timeToX(playhead, this.vp);
    const anchor = x >= 0 && x <= this.width ? x : this.width / 2;
    this.set(zoomAt(this.vp, factor, anchor, this.maxZoom));
  }

  fit(): void {
    this.set(fitAll(this.vp));
  }

  /** Keeps `t` in view while playing or seeking. */
  follow(t: number): void {
    if (this.vp.zoom <= 1) return;
    const next = followPlayhead(this.vp, t);
    if (next !== this.vp) this.set(next);
  }

  /** Brings a span into view when it is outside the window (a segment reached with Tab). */
  reveal(start: number, end: number): void {
    if (end < this.range.start || start > this.range.end) this.set(centerOn(this.vp, (start + end) / 2, this.maxZoom));
  }

  /** Ctrl/⌘+wheel zooms at the pointer, the wheel scrolls when zoomed in; `left` is the lanes' left edge. */
  wheel(e: WheelEvent, left: number): void {
    const scale = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? this.width : 1;
    if (e.ctrlKey || e.metaKey) {
      e.preventDefault();
      this.set(zoomAt(this.vp, wheelZoomFactor(e.deltaY * scale), e.clientX - left, this.maxZoom));
      return;
    }
    if (this.vp.zoom <= 1) return; // nothing to scroll: let the page scroll
    const dx = (Math.abs(e.deltaX) > Math.abs(e.deltaY) ? e.deltaX : e.deltaY) * scale;
    if (dx === 0) return;
    e.preventDefault();
    this.set(scrollByPx(this.vp, dx, this.maxZoom));
  }
}
