import { describe, expect, it } from 'vitest';
import { nearestFrame, snapRange, snapTargets, snapTime, toleranceSec, type SnapContext } from './snap.js';

// 100 px per second, 8 px tolerance → 0.08 s.
const segments = [
  { id: 'a', start: 1, end: 2 },
  { id: 'b', start: 4.5, end: 6 },
];
const ctx: SnapContext = { pxPerSec: 100, tolerancePx: 8, fps: 10, playhead: 3, segments, duration: 10 };

describe('toleranceSec', () => {
  it('converts pixels to seconds at the zoom', () => {
    expect(toleranceSec(8, 100)).toBeCloseTo(0.08, 12);
    expect(toleranceSec(8, 400)).toBeCloseTo(0.02, 12);
    expect(toleranceSec(8, 0)).toBe(0);
  });
});

describe('nearestFrame', () => {
  it('rounds to the frame grid', () => {
    expect(nearestFrame(1.26, 4)).toBe(1.25);
    expect(nearestFrame(1.38, 4)).toBe(1.5);
    expect(nearestFrame(1.38, 0)).toBeNull();
  });
});

describe('snapTargets', () => {
  it('lists playhead, ends and other edges, minus excluded segments', () => {
    const t = snapTargets({ ...ctx, excludeIds: ['a'] });
    expect(t).toEqual([
      { time: 3, kind: 'playhead' },
      { time: 0, kind: 'bound' },
      { time: 10, kind: 'bound' },
      { time: 4.5, kind: 'edge' },
      { time: 6, kind: 'edge' },
    ]);
  });
});

describe('snapTime', () => {
  it('snaps to the playhead within the tolerance', () => {
    expect(snapTime(3.07, ctx)).toEqual({ time: 3, snapped: true, kind: 'playhead' });
    expect(snapTime(2.93, ctx)).toEqual({ time: 3, snapped: true, kind: 'playhead' });
  });
  it('snaps to other segments’ edges', () => {
    expect(snapTime(4.46, ctx)).toEqual({ time: 4.5, snapped: true, kind: 'edge' });
    expect(snapTime(1.95, ctx)).toEqual({ time: 2, snapped: true, kind: 'edge' });
  });
  it('does not snap to the dragged segment’s own edges', () => {
    const r = snapTime(1.97, { ...ctx, excludeIds: ['a'] });
    // Not the edge at 2 — the frame grid (2.0) instead, which is the same time but another kind.
    expect(r.kind).toBe('frame');
    const noGrid = snapTime(1.97, { ...ctx, fps: 0, excludeIds: ['a'] });
    expect(noGrid).toEqual({ time: 1.97, snapped: false, kind: 'none' });
  });
  it('picks the nearest of several candidates', () => {
    const close = [
      { id: 'x', start: 5, end: 7 },
      { id: 'y', start: 5.06, end: 8 },
    ];
    expect(snapTime(5.04, { pxPerSec: 100, segments: close }).time).toBe(5.06);
    expect(snapTime(5.02, { pxPerSec: 100, segments: close }).time).toBe(5);
  });
  it('prefers edges and the playhead over a nearer frame', () => {
    // 3.05 s is a frame boundary (fps 20) nearer than the playhead at 3.
    const r = snapTime(3.04, { ...ctx, fps: 20 });
    expect(r).toEqual({ time: 3, snapped: true, kind: 'playhead' });
  });
  it('falls back to the frame grid', () => {
    const r = snapTime(7.33, ctx);
    expect(r.kind).toBe('frame');
    expect(r.time).toBeCloseTo(7.3, 12);
  });
  it('leaves times beyond the tolerance alone', () => {
    // At 400 px/s the tolerance is 0.02 s: 3.05 is too far from the playhead and from the 0.25 s grid.
    expect(snapTime(3.05, { ...ctx, pxPerSec: 400, fps: 4 })).toEqual({ time: 3.05, snapped: false, kind: 'none' });
  });
  it('the tolerance follows the zoom', () => {
    expect(snapTime(3.05, { ...ctx, pxPerSec: 100, fps: 0 }).time).toBe(3);
    expect(snapTime(3.05, { ...ctx, pxPerSec: 1000, fps: 0 }).time).toBe(3.05);
  });
  it('snaps to the video’s ends', () => {
    expect(snapTime(9.95, { ...ctx, fps: 0 })).toEqual({ time: 10, snapped: true, kind: 'bound' });
    expect(snapTime(0.03, { ...ctx, fps: 0 })).toEqual({ time: 0, snapped: true, kind: 'bound' });
  });
  it('Shift (disabled) turns snapping off entirely', () => {
    expect(snapTime(3.01, { ...ctx, disabled: true })).toEqual({ time: 3.01, snapped: false, kind: 'none' });
    expect(snapTime(7.33, { ...ctx, disabled: true }).time).toBe(7.33);
  });
  it('does nothing at an unknown zoom', () => {
    expect(snapTime(3.01, { ...ctx, pxPerSec: 0 }).snapped).toBe(false);
  });
});

describe('snapRange', () => {
  const c: SnapContext = { pxPerSec: 100, playhead: 3, segments, excludeIds: ['m'] };
  it('snaps the start edge and shifts the range', () => {
    expect(snapRange(2.96, 3.96, c)).toEqual({ time: 3, snapped: true, kind: 'playhead' });
  });
  it('snaps the end edge and shifts the start with it', () => {
    // End near the edge at 4.5; the shifted start is exact, not 3.5000000000000004.
    expect(snapRange(3.45, 4.45, c)).toEqual({ time: 3.5, snapped: true, kind: 'edge' });
  });
  it('takes the closer of the two edges', () => {
    // start 2.95 is 0.05 from the playhead; end 4.47 is 0.03 from the edge at 4.5.
    expect(snapRange(2.95, 4.47, c).time).toBe(2.98);
  });
  it('prefers a semantic target on one edge over the frame grid on the other', () => {
    // start 7.3 sits on the frame grid, end 8.97 is 0.03 from the edge at 9.
    const r = snapRange(7.3, 8.97, { pxPerSec: 100, fps: 10, segments: [{ id: 'z', start: 9, end: 9.5 }] });
    expect(r).toEqual({ time: 7.33, snapped: true, kind: 'edge' });
  });
  it('is unchanged when nothing is near, or with Shift', () => {
    expect(snapRange(7.2, 7.7, c)).toEqual({ time: 7.2, snapped: false, kind: 'none' });
    expect(snapRange(2.96, 3.96, { ...c, disabled: true })).toEqual({ time: 2.96, snapped: false, kind: 'none' });
  });
});
