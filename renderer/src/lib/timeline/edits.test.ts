import { describe, expect, it } from 'vitest';
import type { Segment } from '../../../../src/store/schema.js';
import {
  acceptPrediction,
  createSegment,
  deleteSegment,
  frameStep,
  minLength,
  moveSegment,
  normalizeRange,
  nudgeSegment,
  rejectPrediction,
  resizeBounds,
  resizeSegment,
  setSegmentCaption,
  setSegmentClass,
  splitSegment,
  type EditLimits,
} from './edits.js';

const L: EditLimits = { duration: 10, fps: 10 }; // one frame = 0.1 s

function seg(id: string, start: number, end: number, extra: Partial<Segment> = {}): Segment {
  return { id, videoId: 'v1', start, end, classId: 'red', captions: [], source: 'user', ...extra };
}

/** A deep-frozen fixture: any mutation by an edit throws in strict mode. */
function frozen(list: Segment[]): Segment[] {
  for (const s of list) {
    Object.freeze(s.captions);
    Object.freeze(s);
  }
  return Object.freeze(list) as Segment[];
}

const base = (): Segment[] =>
  frozen([
    seg('a', 1, 2),
    seg('b', 4, 6, { captions: ['a person waves'] }),
    seg('p', 7, 8, { source: 'prediction', score: 0.83, classId: 'blue' }),
  ]);

describe('minLength / frameStep', () => {
  it('is one frame, or 0.1 s without a frame rate', () => {
    expect(minLength(25)).toBeCloseTo(0.04, 12);
    expect(minLength(0)).toBe(0.1);
    expect(minLength(NaN)).toBe(0.1);
    expect(minLength(-5)).toBe(0.1);
    expect(frameStep(4)).toBe(0.25);
  });
});

describe('normalizeRange', () => {
  it('orders, clamps and enforces the minimum length', () => {
    expect(normalizeRange(5, 3, L)).toEqual({ start: 3, end: 5 });
    expect(normalizeRange(-2, 12, L)).toEqual({ start: 0, end: 10 });
    expect(normalizeRange(3, 3.01, L)).toEqual({ start: 3, end: 3.1 });
  });
  it('shifts a too-short range at the end back inside the video', () => {
    expect(normalizeRange(9.98, 10, L)).toEqual({ start: 9.9, end: 10 });
  });
  it('has no upper bound when the duration is unknown', () => {
    expect(normalizeRange(50, 60, { duration: 0, fps: 10 })).toEqual({ start: 50, end: 60 });
  });
});

describe('createSegment', () => {
  it('appends a user segment without touching the input', () => {
    const prev = base();
    const next = createSegment(prev, { id: 'n', videoId: 'v1', start: 3, end: 2.5, classId: 'blue' }, L);
    expect(next).not.toBe(prev);
    expect(prev).toHaveLength(3);
    expect(next).toHaveLength(4);
    expect(next.slice(0, 3)).toEqual(prev);
    expect(next[3]).toEqual({
      id: 'n',
      videoId: 'v1',
      start: 2.5,
      end: 3,
      classId: 'blue',
      captions: [],
      source: 'user',
    });
  });
  it('gives a click-sized segment one frame', () => {
    const next = createSegment([], { id: 'n', videoId: 'v1', start: 4, end: 4, classId: null }, L);
    expect(next[0]?.start).toBe(4);
    expect(next[0]?.end).toBeCloseTo(4.1, 12);
  });
  it('copies the captions it is given', () => {
    const captions = ['x'];
    const next = createSegment([], { id: 'n', videoId: 'v', start: 0, end: 1, classId: null, captions }, L);
    expect(next[0]?.captions).toEqual(['x']);
    expect(next[0]?.captions).not.toBe(captions);
  });
});

describe('moveSegment', () => {
  it('moves keeping the length', () => {
    const prev = base();
    const next = moveSegment(prev, 'b', 5.5, L);
    expect(next[1]).toMatchObject({ id: 'b', start: 5.5, end: 7.5, captions: ['a person waves'] });
    expect(next[0]).toBe(prev[0]);
    expect(prev[1]).toMatchObject({ start: 4, end: 6 });
  });
  it('clamps at both ends of the video', () => {
    expect(moveSegment(base(), 'b', -3, L)[1]).toMatchObject({ start: 0, end: 2 });
    expect(moveSegment(base(), 'b', 9, L)[1]).toMatchObject({ start: 8, end: 10 });
  });
  it('returns the input itself for an unknown id or no movement', () => {
    const prev = base();
    expect(moveSegment(prev, 'nope', 3, L)).toBe(prev);
    expect(moveSegment(prev, 'a', 1, L)).toBe(prev);
    // Already against the end: a further move right changes nothing.
    const atEnd = frozen([seg('x', 9, 10)]);
    expect(moveSegment(atEnd, 'x', 9.5, L)).toBe(atEnd);
  });
});

describe('resizeBounds / resizeSegment', () => {
  const s = { start: 4, end: 6 };
  it('moves one edge and keeps the other', () => {
    expect(resizeBounds(s, 'start', 3, L)).toEqual({ start: 3, end: 6 });
    expect(resizeBounds(s, 'end', 7.5, L)).toEqual({ start: 4, end: 7.5 });
  });
  it('keeps at least one frame', () => {
    expect(resizeBounds(s, 'start', 5.97, L)).toEqual({ start: 5.9, end: 6 });
    expect(resizeBounds(s, 'end', 4, L)).toEqual({ start: 4, end: 4.1 });
  });
  it('turns around when dragged past the other edge', () => {
    expect(resizeBounds(s, 'start', 8, L)).toEqual({ start: 6, end: 8 });
    expect(resizeBounds(s, 'end', 1, L)).toEqual({ start: 1, end: 4 });
    // Just past the other edge: the minimum length on the far side.
    expect(resizeBounds(s, 'start', 6.02, L)).toEqual({ start: 6, end: 6.1 });
  });
  it('clamps to the video', () => {
    expect(resizeBounds(s, 'start', -1, L)).toEqual({ start: 0, end: 6 });
    expect(resizeBounds(s, 'end', 11, L)).toEqual({ start: 4, end: 10 });
    // A segment ending at the video's end, its start dragged past it: stays one frame at the end.
    expect(resizeBounds({ start: 9, end: 10 }, 'start', 12, L)).toEqual({ start: 9.9, end: 10 });
    expect(resizeBounds({ start: 0, end: 1 }, 'end', -2, L)).toEqual({ start: 0, end: 0.1 });
  });
  it('uses 0.1 s as the minimum without a frame rate', () => {
    expect(resizeBounds(s, 'end', 4.01, { duration: 10, fps: 0 }).end).toBeCloseTo(4.1, 12);
  });
  it('resizeSegment replaces only that segment', () => {
    const prev = base();
    const next = resizeSegment(prev, 'a', 'end', 3, L);
    expect(next[0]).toMatchObject({ id: 'a', start: 1, end: 3 });
    expect(next[1]).toBe(prev[1]);
    expect(prev[0]).toMatchObject({ start: 1, end: 2 });
    expect(resizeSegment(prev, 'a', 'end', 2, L)).toBe(prev);
    expect(resizeSegment(prev, 'zz', 'end', 3, L)).toBe(prev);
  });
});

describe('deleteSegment', () => {
  it('removes by id', () => {
    const prev = base();
    const next = deleteSegment(prev, 'b');
    expect(next.map((s) => s.id)).toEqual(['a', 'p']);
    expect(prev).toHaveLength(3);
    expect(deleteSegment(prev, 'nope')).toBe(prev);
  });
});

describe('setSegmentClass', () => {
  it('sets or clears the class', () => {
    const prev = base();
    expect(setSegmentClass(prev, 'a', 'blue')[0]?.classId).toBe('blue');
    expect(setSegmentClass(prev, 'a', null)[0]?.classId).toBeNull();
    expect(setSegmentClass(prev, 'a', 'red')).toBe(prev);
    expect(prev[0]?.classId).toBe('red');
  });
});

describe('setSegmentCaption', () => {
  it('replaces the first caption, trimmed', () => {
    const prev = base();
    const next = setSegmentCaption(prev, 'b', '  a person jumps ');
    expect(next[1]?.captions).toEqual(['a person jumps']);
    expect(prev[1]?.captions).toEqual(['a person waves']);
  });
  it('adds a caption to a segment without one', () => {
    expect(setSegmentCaption(base(), 'a', 'hello')[0]?.captions).toEqual(['hello']);
  });
  it('removes the caption on empty text', () => {
    expect(setSegmentCaption(base(), 'b', '   ')[1]?.captions).toEqual([]);
    const prev = base();
    expect(setSegmentCaption(prev, 'a', '')).toBe(prev);
  });
  it('addresses other captions by index and is a no-op for the same text', () => {
    const prev = frozen([seg('c', 0, 1, { captions: ['one', 'two'] })]);
    expect(setSegmentCaption(prev, 'c', 'TWO', 1)[0]?.captions).toEqual(['one', 'TWO']);
    expect(setSegmentCaption(prev, 'c', 'three', 5)[0]?.captions).toEqual(['one', 'two', 'three']);
    expect(setSegmentCaption(prev, 'c', 'two', 1)).toBe(prev);
  });
});

describe('nudgeSegment', () => {
  it('moves by whole frames', () => {
    const next = nudgeSegment(base(), 'a', 1, L);
    expect(next[0]).toMatchObject({ start: 1.1, end: 2.1 });
    const back = nudgeSegment(base(), 'a', -3, L);
    expect(back[0]).toMatchObject({ start: 0.7, end: 1.7 });
  });
  it('leaves no float noise in the times', () => {
    // 0.1 + 0.2 is 0.30000000000000004 in plain arithmetic.
    const prev = frozen([seg('x', 0.1, 0.2)]);
    expect(nudgeSegment(prev, 'x', 2, L)[0]).toMatchObject({ start: 0.3, end: 0.4 });
    expect(moveSegment(prev, 'x', 0.1 + 0.2, L)[0]).toMatchObject({ start: 0.3, end: 0.4 });
    expect(resizeSegment(prev, 'x', 'end', 0.1 + 0.2, L)[0]?.end).toBe(0.3);
  });
  it('stops at the video bounds', () => {
    const prev = frozen([seg('x', 0, 1)]);
    expect(nudgeSegment(prev, 'x', -1, L)).toBe(prev);
  });
  it('moves a single edge when asked', () => {
    expect(nudgeSegment(base(), 'a', 2, L, 'end')[0]).toMatchObject({ start: 1, end: 2.2 });
    expect(nudgeSegment(base(), 'a', -1, L, 'start')[0]).toMatchObject({ start: 0.9, end: 2 });
  });
  it('is a no-op for 0 frames or an unknown id', () => {
    const prev = base();
    expect(nudgeSegment(prev, 'a', 0, L)).toBe(prev);
    expect(nudgeSegment(prev, '?', 1, L)).toBe(prev);
  });
});

describe('splitSegment', () => {
  it('cuts in two, the second part with the new id and copies of the rest', () => {
    const prev = base();
    const next = splitSegment(prev, 'b', 5, 'b2', L);
    expect(next.map((s) => s.id)).toEqual(['a', 'b', 'b2', 'p']);
    expect(next[1]).toMatchObject({ id: 'b', start: 4, end: 5, captions: ['a person waves'] });
    expect(next[2]).toMatchObject({ id: 'b2', start: 5, end: 6, classId: 'red', captions: ['a person waves'] });
    expect(next[2]?.captions).not.toBe(next[1]?.captions);
    expect(prev[1]).toMatchObject({ start: 4, end: 6 });
  });
  it('keeps source and score of a prediction on both parts', () => {
    const next = splitSegment(base(), 'p', 7.5, 'p2', L);
    expect(next[2]).toMatchObject({ source: 'prediction', score: 0.83, start: 7, end: 7.5 });
    expect(next[3]).toMatchObject({ id: 'p2', source: 'prediction', score: 0.83, start: 7.5, end: 8 });
  });
  it('refuses cuts outside or closer than a frame to an edge', () => {
    const prev = base();
    expect(splitSegment(prev, 'b', 3, 'x', L)).toBe(prev);
    expect(splitSegment(prev, 'b', 6, 'x', L)).toBe(prev);
    expect(splitSegment(prev, 'b', 4.05, 'x', L)).toBe(prev);
    expect(splitSegment(prev, 'b', 5.95, 'x', L)).toBe(prev);
    expect(splitSegment(prev, 'zz', 5, 'x', L)).toBe(prev);
    // Exactly one frame in is allowed.
    expect(splitSegment(prev, 'b', 4.1, 'x', L)).toHaveLength(4);
  });
});

describe('acceptPrediction / rejectPrediction', () => {
  it('accept turns a prediction into a user segment without score, marked accepted', () => {
    const prev = base();
    const next = acceptPrediction(prev, 'p');
    expect(next[2]).toEqual({
      id: 'p',
      videoId: 'v1',
      start: 7,
      end: 8,
      classId: 'blue',
      captions: [],
      source: 'user',
      accepted: true,
    });
    expect('score' in (next[2] as object)).toBe(false);
    expect(prev[2]).toMatchObject({ source: 'prediction', score: 0.83 });
  });
  it('accept leaves user segments alone', () => {
    const prev = base();
    expect(acceptPrediction(prev, 'a')).toBe(prev);
    expect(acceptPrediction(prev, 'zz')).toBe(prev);
  });
  it('reject removes a prediction but never a user segment', () => {
    const prev = base();
    expect(rejectPrediction(prev, 'p').map((s) => s.id)).toEqual(['a', 'b']);
    expect(rejectPrediction(prev, 'a')).toBe(prev);
  });
});
