import { describe, expect, it } from 'vitest';
import { filmstripTimes, inRange, renderRange } from './virtual.js';
import type { Viewport } from './zoom.js';

const hour: Viewport = { duration: 3600, width: 1000, zoom: 1, scroll: 0 };

describe('renderRange', () => {
  it('widens the visible span by the overscan in seconds', () => {
    // 1000 px for 3600 s at zoom 1: 200 px are 720 s.
    expect(renderRange(hour)).toEqual({ start: -720, end: 4320 });
    const zoomed = { ...hour, zoom: 3600, scroll: 100 }; // 1000 px per second
    const r = renderRange(zoomed);
    expect(r.start).toBeCloseTo(99.8);
    expect(r.end).toBeCloseTo(101.2);
  });
});

describe('inRange', () => {
  const segs = [
    { id: 'a', start: 0, end: 10 },
    { id: 'b', start: 50, end: 60 },
    { id: 'c', start: 100, end: 200 },
  ];
  it('keeps the overlapping items in order', () => {
    expect(inRange(segs, { start: 55, end: 150 }).map((s) => s.id)).toEqual(['b', 'c']);
    expect(inRange(segs, { start: 11, end: 49 })).toEqual([]);
  });
  it('keeps the selected item even outside the range', () => {
    expect(inRange(segs, { start: 55, end: 58 }, 'a').map((s) => s.id)).toEqual(['a', 'b']);
  });
});

describe('filmstripTimes', () => {
  it('spreads about one picture per tile over the whole hour when fitted', () => {
    const f = filmstripTimes(hour, 25, 100, 0);
    // 100 px = 360 s, rounded up to a 1-2-5 step: 500 s.
    expect(f.step).toBe(500);
    expect(f.times).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000, 3500]);
  });
  it('uses whole frames when zoomed in, never finer than one frame', () => {
    // 40 px per frame at 25 fps = 1000 px per second; 96 px ≈ 2.4 frames → 2 frames.
    const vp = { ...hour, zoom: 3600, scroll: 10 };
    const f = filmstripTimes(vp, 25, 96, 0);
    expect(f.step).toBeCloseTo(0.08);
    expect(f.times[0]).toBeCloseTo(10);
    expect(f.times.at(-1)).toBeCloseTo(10.96);
    const tiny = filmstripTimes({ ...vp, zoom: 36000 }, 25, 96, 0);
    expect(tiny.step).toBeCloseTo(0.04);
  });
  it('keeps the grid while scrolling, so loaded pictures are reused', () => {
    const a = filmstripTimes({ ...hour, zoom: 60, scroll: 100 }, 25, 96, 0);
    const b = filmstripTimes({ ...hour, zoom: 60, scroll: 110 }, 25, 96, 0);
    expect(a.step).toBe(b.step);
    const shared = b.times.filter((t) => a.times.includes(t));
    expect(shared.length).toBeGreaterThan(b.times.length / 2);
  });
});
