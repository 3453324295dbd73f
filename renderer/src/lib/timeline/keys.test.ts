import { describe, expect, it } from 'vitest';
import { timelineCommand } from './keys.js';

const none = { dragging: false, selected: null, frame: 0.04 } as const;
const user = { ...none, selected: 'user' } as const;
const pred = { ...none, selected: 'prediction' } as const;

describe('timelineCommand', () => {
  it('Escape cancels a drag first, then deselects, else leaves the key alone', () => {
    expect(timelineCommand({ key: 'Escape' }, { ...user, dragging: true })).toEqual({ type: 'cancel-drag' });
    expect(timelineCommand({ key: 'Escape' }, user)).toEqual({ type: 'deselect' });
    expect(timelineCommand({ key: 'Escape' }, none)).toBeNull();
  });

  it('segment keys need a selection; A and R only on predictions', () => {
    expect(timelineCommand({ key: 'Delete' }, none)).toBeNull();
    expect(timelineCommand({ key: 'Backspace' }, user)).toEqual({ type: 'delete' });
    expect(timelineCommand({ key: 'a' }, user)).toBeNull();
    expect(timelineCommand({ key: 'a' }, pred)).toEqual({ type: 'accept' });
    expect(timelineCommand({ key: 'R' }, pred)).toEqual({ type: 'reject' });
    expect(timelineCommand({ key: 's' }, user)).toEqual({ type: 'split' });
    expect(timelineCommand({ key: 's' }, none)).toBeNull();
  });

  it('nudges the segment, its end or its start by one frame', () => {
    expect(timelineCommand({ key: 'ArrowRight', altKey: true }, user)).toEqual({ type: 'nudge', frames: 1 });
    expect(timelineCommand({ key: 'ArrowLeft', altKey: true, shiftKey: true }, user)).toEqual({
      type: 'nudge',
      frames: -1,
      edge: 'end',
    });
    expect(timelineCommand({ key: '[' }, user)).toEqual({ type: 'nudge', frames: -1, edge: 'start' });
    expect(timelineCommand({ key: ']' }, user)).toEqual({ type: 'nudge', frames: 1, edge: 'start' });
    expect(timelineCommand({ key: ']' }, none)).toBeNull();
  });

  it('steps the playhead by a frame or a second, zooms and fits', () => {
    expect(timelineCommand({ key: 'ArrowLeft' }, none)).toEqual({ type: 'seek-by', seconds: -0.04 });
    expect(timelineCommand({ key: 'ArrowRight', shiftKey: true }, none)).toEqual({ type: 'seek-by', seconds: 1 });
    expect(timelineCommand({ key: 'End' }, none)).toEqual({ type: 'seek-to', where: 'end' });
    expect(timelineCommand({ key: '=' }, none)).toEqual({ type: 'zoom', way: 'in' });
    expect(timelineCommand({ key: '-' }, none)).toEqual({ type: 'zoom', way: 'out' });
    expect(timelineCommand({ key: '0' }, none)).toEqual({ type: 'zoom', way: 'fit' });
    expect(timelineCommand({ key: '0', ctrlKey: true }, none)).toBeNull();
  });
});
