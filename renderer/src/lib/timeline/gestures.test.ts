import { describe, expect, it } from 'vitest';
import type { Segment } from '../../../../src/store/schema.js';
import { dragEnd, dragMove, PREVIEW_ID, type Drag, type GestureContext } from './gestures.js';

const seg = (id: string, start: number, end: number): Segment => ({
  id,
  videoId: 'v',
  start,
  end,
  classId: 'c',
  captions: [],
  source: 'user',
});

const base = [seg('a', 1, 2), seg('b', 5, 6)];
const ctx: GestureContext = {
  base,
  limits: { duration: 10, fps: 10 },
  videoId: 'v',
  // No snapping: the arithmetic of the gesture itself is under test.
  snap: () => ({ pxPerSec: 100, fps: 10, playhead: 0, segments: base, excludeIds: [], duration: 10, disabled: true }),
};

describe('dragMove', () => {
  it('stays a click until the pointer travels the threshold', () => {
    const d: Drag = { kind: 'move', pointerId: 1, id: 'a', origin: base[0]!, grabT: 1.5, x0: 100, active: false };
    expect(dragMove(d, { t: 1.51, clientX: 102, shift: false }, ctx)).toBeNull();
    const step = dragMove(d, { t: 2.5, clientX: 200, shift: false }, ctx);
    expect(step?.drag).toMatchObject({ active: true });
    const moved = step!.preview.find((s) => s.id === 'a')!;
    expect(moved.start).toBeCloseTo(2);
    expect(moved.end).toBeCloseTo(3);
  });

  it('resizes the grabbed edge and draws a new segment from the anchor', () => {
    const r: Drag = { kind: 'resize', pointerId: 1, id: 'b', edge: 'end', x0: 0, active: true };
    expect(dragMove(r, { t: 7, clientX: 50, shift: false }, ctx)!.preview.find((s) => s.id === 'b')!.end).toBeCloseTo(
      7,
    );
    const c: Drag = { kind: 'create', pointerId: 1, classId: 'c', anchor: 3, x0: 0, active: false };
    const drawn = dragMove(c, { t: 4, clientX: 40, shift: false }, ctx)!.preview.find((s) => s.id === PREVIEW_ID)!;
    expect([drawn.start, drawn.end]).toEqual([3, 4]);
    expect(drawn.classId).toBe('c');
  });
});

describe('dragEnd', () => {
  it('a press on a lane that never moved is a click; on a segment it is nothing', () => {
    const c: Drag = { kind: 'create', pointerId: 1, classId: null, anchor: 3, x0: 0, active: false };
    expect(dragEnd(c, null, base, () => 'new')).toEqual({ type: 'click' });
    const m: Drag = { kind: 'move', pointerId: 1, id: 'a', origin: base[0]!, grabT: 1, x0: 0, active: false };
    expect(dragEnd(m, null, base, () => 'new')).toEqual({ type: 'none' });
  });

  it('a drawn segment is committed under a new id and selected', () => {
    const c: Drag = { kind: 'create', pointerId: 1, classId: 'c', anchor: 3, x0: 0, active: true };
    const preview = [...base, { ...seg(PREVIEW_ID, 3, 4) }];
    const out = dragEnd(c, preview, base, () => 'seg_new');
    expect(out).toMatchObject({ type: 'commit', label: 'Create segment', select: 'seg_new' });
    if (out.type !== 'commit') throw new Error('not a commit');
    expect(out.next.map((s) => s.id)).toEqual(['a', 'b', 'seg_new']);
  });
});
