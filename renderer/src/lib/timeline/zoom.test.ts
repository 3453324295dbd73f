import { describe, expect, it } from 'vitest';
import {
  centerOn,
  clampViewport,
  fitAll,
  followPlayhead,
  formatTick,
  initialViewport,
  maxZoomFor,
  minorStep,
  niceStep,
  pxPerSec,
  scrollByPx,
  tickStep,
  ticks,
  timeToX,
  visibleRange,
  wheelZoomFactor,
  xToTime,
  zoomAt,
  zoomTo,
  type Viewport,
} from './zoom.js';

// 100 s in 1000 px: 10 px/s at zoom 1.
const vp: Viewport = initialViewport(100, 1000);

describe('conversion', () => {
  it('maps time to pixels and back', () => {
    expect(pxPerSec(vp)).toBe(10);
    expect(timeToX(25, vp)).toBe(250);
    const z: Viewport = { ...vp, zoom: 4, scroll: 20 };
    expect(pxPerSec(z)).toBe(40);
    expect(visibleRange(z)).toEqual({ start: 20, end: 45 });
    expect(timeToX(30, z)).toBe(400);
    expect(xToTime(400, z)).toBe(30);
    expect(timeToX(10, z)).toBe(-400);
  });
  it('survives an unmeasured width or unknown duration', () => {
    expect(Number.isFinite(pxPerSec({ duration: 0, width: 0, zoom: 1, scroll: 0 }))).toBe(true);
  });
});

describe('clampViewport', () => {
  it('keeps zoom ≥ 1 and the window inside the video', () => {
    expect(clampViewport({ ...vp, zoom: 0.5, scroll: 10 })).toEqual({ ...vp, zoom: 1, scroll: 0 });
    expect(clampViewport({ ...vp, zoom: 4, scroll: 90 })).toEqual({ ...vp, zoom: 4, scroll: 75 });
    expect(clampViewport({ ...vp, zoom: 4, scroll: -3 })).toEqual({ ...vp, zoom: 4, scroll: 0 });
    expect(clampViewport({ ...vp, zoom: 50 }, 8).zoom).toBe(8);
  });
});

describe('zoomAt', () => {
  it('keeps the time under the cursor in place', () => {
    const start: Viewport = { ...vp, zoom: 2, scroll: 30 };
    for (const anchorX of [0, 137, 500, 999]) {
      const before = xToTime(anchorX, start);
      const after = zoomAt(start, 1.7, anchorX);
      expect(after.zoom).toBeCloseTo(3.4, 12);
      expect(xToTime(anchorX, after)).toBeCloseTo(before, 9);
    }
  });
  it('keeps the anchor when zooming out too, until the bounds interfere', () => {
    const start: Viewport = { ...vp, zoom: 8, scroll: 40 };
    const out = zoomAt(start, 0.5, 250);
    expect(out.zoom).toBe(4);
    expect(xToTime(250, out)).toBeCloseTo(xToTime(250, start), 9);
    // All the way out: fit, whatever the anchor.
    expect(zoomAt(start, 0.01, 250)).toEqual({ ...vp, zoom: 1, scroll: 0 });
  });
  it('clamps the zoom and the scroll', () => {
    const z = zoomAt(vp, 100, 1000, 20);
    expect(z.zoom).toBe(20);
    // Anchored at the right edge: the window ends at the video's end.
    expect(visibleRange(z).end).toBeCloseTo(100, 9);
    const left = zoomAt(vp, 4, 0);
    expect(left.scroll).toBe(0);
  });
  it('zoomTo sets an absolute zoom around the anchor', () => {
    const z = zoomTo(vp, 5, 500);
    expect(z.zoom).toBe(5);
    expect(xToTime(500, z)).toBeCloseTo(50, 9);
  });
  it('wheel up zooms in, wheel down out, symmetrically', () => {
    expect(wheelZoomFactor(-100)).toBeGreaterThan(1);
    expect(wheelZoomFactor(100)).toBeLessThan(1);
    expect(wheelZoomFactor(100) * wheelZoomFactor(-100)).toBeCloseTo(1, 12);
  });
});

describe('maxZoomFor', () => {
  it('lets one frame span 40 px at most', () => {
    // 10 px/s at fit; 25 fps → 1000 px/s for 40 px per frame → zoom 100.
    expect(maxZoomFor(100, 1000, 25)).toBeCloseTo(100, 9);
    expect(maxZoomFor(1, 1000, 10)).toBe(1); // a short video already shows frames wider than that
  });
});

describe('fitAll / scrollByPx / centerOn', () => {
  it('fit shows the whole video', () => {
    expect(fitAll({ ...vp, zoom: 7, scroll: 33 })).toEqual(vp);
  });
  it('scrolls by pixels at the current zoom, clamped', () => {
    const z: Viewport = { ...vp, zoom: 4, scroll: 20 };
    expect(scrollByPx(z, 80).scroll).toBe(22);
    expect(scrollByPx(z, -10_000).scroll).toBe(0);
    expect(scrollByPx(z, 10_000).scroll).toBe(75);
    expect(scrollByPx(vp, 500).scroll).toBe(0); // nothing to scroll at fit
  });
  it('centres a time', () => {
    expect(centerOn({ ...vp, zoom: 4 }, 50).scroll).toBe(37.5);
    expect(centerOn({ ...vp, zoom: 4 }, 99).scroll).toBe(75);
  });
});

describe('followPlayhead', () => {
  const z: Viewport = { ...vp, zoom: 4, scroll: 20 }; // [20, 45], margin 2.5 s
  it('leaves the view alone while the playhead is comfortably inside', () => {
    expect(followPlayhead(z, 30)).toBe(z);
    expect(followPlayhead(z, 42.5)).toBe(z);
  });
  it('pages when the playhead reaches the right margin', () => {
    expect(followPlayhead(z, 44).scroll).toBeCloseTo(41.5, 9);
  });
  it('jumps back when the playhead is left of the window', () => {
    expect(followPlayhead(z, 5).scroll).toBeCloseTo(2.5, 9);
    expect(followPlayhead(z, 1).scroll).toBe(0);
  });
  it('clamps at the end of the video', () => {
    expect(followPlayhead(z, 99).scroll).toBe(75);
  });
});

describe('ticks', () => {
  it('niceStep picks the smallest 1/2/5 × 10^k at or above', () => {
    expect(niceStep(0.7)).toBe(1);
    expect(niceStep(1)).toBe(1);
    expect(niceStep(1.01)).toBe(2);
    expect(niceStep(2.5)).toBe(5);
    expect(niceStep(6)).toBe(10);
    expect(niceStep(0.03)).toBe(0.05);
    expect(niceStep(0.011)).toBe(0.02);
    expect(niceStep(120)).toBe(200);
  });
  it('tickStep keeps labels at least minLabelPx apart', () => {
    expect(tickStep(10, 80)).toBe(10); // 8 s → 10 s
    expect(tickStep(100, 80)).toBe(1); // 0.8 s → 1 s
    expect(tickStep(1000, 80)).toBe(0.1);
    expect(tickStep(30, 80)).toBe(5); // 2.67 s → 5 s
  });
  it('minorStep subdivides', () => {
    expect(minorStep(1)).toBe(0.2);
    expect(minorStep(2)).toBe(0.5);
    expect(minorStep(5)).toBe(1);
    expect(minorStep(0.1)).toBe(0.02);
    expect(minorStep(20)).toBe(5);
  });
  it('lists the multiples inside the window, minor ones without the major', () => {
    const t = ticks(3.3, 7.9, 100, 80); // step 1, minor 0.2
    expect(t.step).toBe(1);
    expect(t.major).toEqual([4, 5, 6, 7]);
    expect(t.minor[0]).toBe(3.4);
    expect(t.minor).toContain(7.8);
    expect(t.minor).not.toContain(4);
    expect(t.minor).toHaveLength(19); // 3.4 … 7.8 in 0.2 s is 23 ticks, less the 4 majors
  });
  it('has no float noise in tick times', () => {
    const t = ticks(0, 1, 1000, 80); // step 0.1
    expect(t.major).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  });
});

describe('formatTick', () => {
  it('uses m:ss with as many decimals as the step needs', () => {
    expect(formatTick(0, 1)).toBe('0:00');
    expect(formatTick(75, 5)).toBe('1:15');
    expect(formatTick(75.5, 0.5)).toBe('1:15.5');
    expect(formatTick(3.05, 0.05)).toBe('0:03.05');
    expect(formatTick(3725, 10)).toBe('1:02:05');
    expect(formatTick(59.99, 0.1)).toBe('1:00.0');
  });
});
