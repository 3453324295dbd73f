import { describe, expect, it } from 'vitest';
import type { Segment } from '../../../../src/store/schema.js';
import { segmentEdit } from './commands.js';

const user: Segment = { id: 'u', videoId: 'v', start: 1, end: 2, classId: 'c', captions: [], source: 'user' };
const pred: Segment = { ...user, id: 'p', start: 4, end: 5, source: 'prediction', score: 0.8 };
const ctx = { limits: { duration: 10, fps: 10 }, playhead: 1.5, newId: () => 'u2' };

describe('segmentEdit', () => {
  it('Delete removes a user segment and rejects a prediction', () => {
    expect(segmentEdit([user, pred], user, { type: 'delete' }, ctx)).toMatchObject({
      label: 'Delete segment',
      next: [pred],
    });
    const r = segmentEdit([user, pred], pred, { type: 'delete' }, ctx)!;
    expect(r.label).toBe('Reject prediction');
    expect(r.next.some((s) => s.id === 'p')).toBe(false);
  });

  it('Accept turns a prediction into a user segment; it does nothing to a user segment', () => {
    const r = segmentEdit([user, pred], pred, { type: 'accept' }, ctx)!;
    expect(r.next.find((s) => s.start === 4)?.source).toBe('user');
    expect(segmentEdit([user], user, { type: 'accept' }, ctx)).toBeNull();
  });

  it('nudges by one frame (0.1 s at 10 fps), splits at the playhead', () => {
    const n = segmentEdit([user], user, { type: 'nudge', frames: 1, edge: 'start' }, ctx)!;
    expect(n.label).toBe('Resize segment');
    expect(n.next[0]!.start).toBeCloseTo(1.1);
    expect(n.next[0]!.end).toBeCloseTo(2);
    const s = segmentEdit([user], user, { type: 'split' }, ctx)!;
    expect(s.next.map((x) => [x.id, x.start, x.end])).toEqual([
      ['u', 1, 1.5],
      ['u2', 1.5, 2],
    ]);
  });
});
