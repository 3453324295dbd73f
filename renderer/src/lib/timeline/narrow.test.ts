import { describe, expect, it } from 'vitest';
import { narrowAt, narrowRects, splitNarrow } from './narrow.js';
import type { Viewport } from './zoom.js';

// 1000 px for 1000 s: one pixel a second.
const vp: Viewport = { duration: 1000, width: 1000, zoom: 1, scroll: 0 };
const segs = [
  { id: 'wide', start: 0, end: 20 },
  { id: 'thin', start: 100, end: 103 },
  { id: 'edge', start: 200, end: 208 },
  { id: 'sel', start: 300, end: 301 },
];

describe('splitNarrow', () => {
  it('keeps segments of at least the minimum width as elements and draws the rest', () => {
    const { blocks, narrow } = splitNarrow(segs, vp, null, 8);
    expect(blocks.map((s) => s.id)).toEqual(['wide', 'edge']);
    expect(narrow.map((s) => s.id)).toEqual(['thin', 'sel']);
  });
  it('keeps the selected segment an element however narrow', () => {
    const { blocks, narrow } = splitNarrow(segs, vp, 'sel', 8);
    expect(blocks.map((s) => s.id)).toEqual(['wide', 'edge', 'sel']);
    expect(narrow.map((s) => s.id)).toEqual(['thin']);
  });
  it('turns drawn segments into elements once the zoom makes them wide enough', () => {
    const { narrow } = splitNarrow(segs, { ...vp, zoom: 8 }, null, 8);
    expect(narrow).toEqual([]);
  });
});

describe('narrowAt', () => {
  const thin = [
    { id: 'a', start: 10, end: 11 },
    { id: 'b', start: 20, end: 21 },
  ];
  it('finds the segment under the time', () => {
    expect(narrowAt(thin, 10.5, 2)?.id).toBe('a');
    expect(narrowAt(thin, 20, 2)?.id).toBe('b');
  });
  it('finds the nearest within the tolerance, and none beyond it', () => {
    expect(narrowAt(thin, 12.5, 2)?.id).toBe('a');
    expect(narrowAt(thin, 18.5, 2)?.id).toBe('b');
    expect(narrowAt(thin, 15, 2)).toBeNull();
    expect(narrowAt([], 15, 2)).toBeNull();
  });
});

describe('narrowRects', () => {
  it('places rectangles in pixels, at least the minimum width, only those on the canvas', () => {
    const zoomed = { ...vp, zoom: 10, scroll: 95 }; // 10 px a second from 95 s: 95-195 s visible
    const r = narrowRects(
      [
        { id: 'a', start: 100, end: 100.05 },
        { id: 'b', start: 150, end: 152 },
        { id: 'c', start: 500, end: 501 },
      ],
      zoomed,
    );
    expect(r).toHaveLength(2);
    expect(r[0]!.x).toBeCloseTo(50);
    expect(r[0]!.w).toBe(2);
    expect(r[1]!.x).toBeCloseTo(550);
    expect(r[1]!.w).toBeCloseTo(20);
    expect(r.map((x) => x.item.id)).toEqual(['a', 'b']);
  });
});
