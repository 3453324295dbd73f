import { describe, expect, it } from 'vitest';
import { History } from './history.js';

describe('History', () => {
  it('starts with nothing to undo or redo', () => {
    const h = new History('a');
    expect(h.present).toBe('a');
    expect(h.canUndo()).toBe(false);
    expect(h.canRedo()).toBe(false);
    expect(h.undo()).toBeUndefined();
    expect(h.redo()).toBeUndefined();
    expect(h.present).toBe('a');
  });

  it('undoes and redoes in order', () => {
    const h = new History(0);
    h.push(1, { label: 'one' });
    h.push(2, { label: 'two' });
    expect(h.undoLabel()).toBe('two');
    expect(h.undo()).toBe(1);
    expect(h.redoLabel()).toBe('two');
    expect(h.undoLabel()).toBe('one');
    expect(h.undo()).toBe(0);
    expect(h.canUndo()).toBe(false);
    expect(h.redoSize).toBe(2);
    expect(h.redo()).toBe(1);
    expect(h.redo()).toBe(2);
    expect(h.canRedo()).toBe(false);
    expect(h.present).toBe(2);
  });

  it('clears redo after a new push', () => {
    const h = new History('a');
    h.push('b');
    h.push('c');
    h.undo();
    expect(h.canRedo()).toBe(true);
    h.push('d');
    expect(h.canRedo()).toBe(false);
    expect(h.undo()).toBe('b');
    expect(h.undo()).toBe('a');
  });

  it('ignores a push equal to the present', () => {
    const h = new History('a');
    expect(h.push('a')).toBe(false);
    expect(h.canUndo()).toBe(false);
    const custom = new History({ n: 1 }, { equals: (x, y) => x.n === y.n });
    expect(custom.push({ n: 1 })).toBe(false);
    expect(custom.push({ n: 2 })).toBe(true);
  });

  it('keeps at most `capacity` undo steps, dropping the oldest', () => {
    const h = new History(0, { capacity: 3 });
    for (let i = 1; i <= 5; i++) h.push(i);
    expect(h.undoSize).toBe(3);
    expect(h.undo()).toBe(4);
    expect(h.undo()).toBe(3);
    expect(h.undo()).toBe(2);
    expect(h.undo()).toBeUndefined();
    expect(h.present).toBe(2);
    // Redo still goes all the way forward.
    expect([h.redo(), h.redo(), h.redo()]).toEqual([3, 4, 5]);
  });

  it('rejects a bad capacity', () => {
    expect(() => new History(0, { capacity: 0 })).toThrow(RangeError);
    expect(() => new History(0, { capacity: 1.5 })).toThrow(RangeError);
  });

  describe('coalesceKey', () => {
    it('merges consecutive pushes with the same key into one step', () => {
      const h = new History('');
      h.push('h', { coalesceKey: 'caption:a', label: 'Edit caption' });
      h.push('he', { coalesceKey: 'caption:a', label: 'Edit caption' });
      h.push('hey', { coalesceKey: 'caption:a', label: 'Edit caption' });
      expect(h.undoSize).toBe(1);
      expect(h.undo()).toBe('');
      expect(h.redo()).toBe('hey');
    });
    it('starts a new step for another key, a push without key, after undo or seal()', () => {
      const h = new History(0);
      h.push(1, { coalesceKey: 'x' });
      h.push(2, { coalesceKey: 'y' });
      expect(h.undoSize).toBe(2);
      h.push(3);
      h.push(4, { coalesceKey: 'y' });
      expect(h.undoSize).toBe(4);
      h.seal();
      h.push(5, { coalesceKey: 'y' });
      expect(h.undoSize).toBe(5);
      h.undo();
      h.push(6, { coalesceKey: 'y' });
      h.push(7, { coalesceKey: 'y' });
      expect(h.undoSize).toBe(5);
      expect(h.undo()).toBe(4);
    });
  });

  describe('begin / commit (a drag)', () => {
    it('records one step for the whole transaction', () => {
      const h = new History(0);
      h.push(10, { label: 'before' });
      h.begin();
      for (let x = 11; x <= 20; x++) h.push(x, { label: 'Move' });
      expect(h.present).toBe(20);
      expect(h.canUndo()).toBe(false); // not while dragging
      expect(h.commit('Move segment')).toBe(true);
      expect(h.undoSize).toBe(2);
      expect(h.undoLabel()).toBe('Move segment');
      expect(h.undo()).toBe(10);
      expect(h.redo()).toBe(20);
    });
    it('records nothing when the drag ended where it started', () => {
      const h = new History('a');
      h.begin();
      h.push('b');
      h.push('a');
      expect(h.commit('noop')).toBe(false);
      expect(h.canUndo()).toBe(false);
    });
    it('cancel restores the state from before', () => {
      const h = new History('a');
      h.push('b');
      h.begin();
      h.push('c');
      expect(h.cancel()).toBe('b');
      expect(h.present).toBe('b');
      expect(h.undo()).toBe('a');
    });
    it('a committed drag clears redo', () => {
      const h = new History(0);
      h.push(1);
      h.undo();
      h.begin();
      h.push(5);
      h.commit();
      expect(h.canRedo()).toBe(false);
      expect(h.undo()).toBe(0);
    });
  });

  it('reset forgets everything', () => {
    const h = new History(1);
    h.push(2);
    h.push(3);
    h.undo();
    h.reset(9);
    expect(h.present).toBe(9);
    expect(h.canUndo()).toBe(false);
    expect(h.canRedo()).toBe(false);
  });
});

describe('History dump / restore', () => {
  it('restores the same undo and redo steps', () => {
    const h = new History<number>(0);
    h.push(1, { label: 'one' });
    h.push(2, { label: 'two' });
    h.push(3, { label: 'three' });
    h.undo();
    const copy = History.restore(JSON.parse(JSON.stringify(h.dump())) as ReturnType<typeof h.dump>);
    expect(copy.present).toBe(2);
    expect(copy.undoLabel()).toBe('two');
    expect(copy.redoLabel()).toBe('three');
    expect(copy.redo()).toBe(3);
    expect(copy.undo()).toBe(2);
    expect(copy.undo()).toBe(1);
    expect(copy.undo()).toBe(0);
    expect(copy.canUndo()).toBe(false);
  });

  it('keeps an open transaction out, and refuses what is not a dump', () => {
    const h = new History<number>(0);
    h.push(1, { label: 'one' });
    h.begin();
    h.push(5);
    expect(History.restore(h.dump()).present).toBe(1);
    expect(() => History.restore({ past: [], future: [] } as never)).toThrow(TypeError);
    expect(() => History.restore({ past: [1], current: { state: 0, label: '' }, future: [] } as never)).toThrow(
      TypeError,
    );
  });

  it('drops the oldest steps beyond the capacity', () => {
    const h = new History<number>(0);
    for (let i = 1; i <= 10; i++) h.push(i);
    const copy = History.restore(h.dump(), { capacity: 3 });
    expect(copy.undoSize).toBe(3);
  });
});
