import { describe, expect, it } from 'vitest';
import type { Segment } from '../../../src/store/schema.js';
import { heldSpan, neighbourSegment } from './label-keys.js';

const seg = (id: string, start: number): Segment => ({
  id,
  videoId: 'v',
  start,
  end: start + 1,
  classId: 'c',
  captions: [],
  source: 'user',
});

describe('heldSpan', () => {
  it('spans from key down to key up, in time order', () => {
    expect(heldSpan({ key: '1', classId: 'c', start: 2 }, 3.5, 10)).toEqual({ start: 2, end: 3.5 });
    expect(heldSpan({ key: '1', classId: 'c', start: 3.5 }, 2, 10)).toEqual({ start: 2, end: 3.5 });
  });

  it('a tap shorter than a frame labels nothing', () => {
    expect(heldSpan({ key: '1', classId: 'c', start: 2 }, 2.05, 10)).toBeNull();
    expect(heldSpan({ key: '1', classId: 'c', start: 2 }, 2.1, 10)).toEqual({ start: 2, end: 2.1 });
  });
});

describe('neighbourSegment', () => {
  const list = [seg('c', 8), seg('a', 1), seg('b', 4)];
  it('finds the next and the previous segment by start time', () => {
    expect(neighbourSegment(list, 0, 1)?.id).toBe('a');
    expect(neighbourSegment(list, 1, 1)?.id).toBe('b');
    expect(neighbourSegment(list, 4.5, -1)?.id).toBe('b');
    expect(neighbourSegment(list, 4, -1)?.id).toBe('a');
    expect(neighbourSegment(list, 8, 1)).toBeNull();
    expect(neighbourSegment(list, 1, -1)).toBeNull();
  });
});
