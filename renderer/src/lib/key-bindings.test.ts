import { afterEach, describe, expect, it } from 'vitest';
import { bindKeys, loadKeyBindings, resetKeyBindings } from './key-bindings.js';
import { chordOf, keyConflicts, keysOf, matchShortcut, setKeyOverrides } from './shortcuts.js';

function memory(): Pick<Storage, 'getItem' | 'setItem'> & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

afterEach(() => setKeyOverrides({}));

describe('key bindings', () => {
  it('a rebound shortcut answers to its new key only, and the binding survives a reload', () => {
    const store = memory();
    bindKeys(store, 'player.pause', ['Ctrl+k']);
    expect(matchShortcut({ key: 'k', ctrlKey: true }, 'player')).toBe('player.pause');
    expect(matchShortcut({ key: 'k' }, 'player')).toBeNull();
    setKeyOverrides({});
    expect(matchShortcut({ key: 'k' }, 'player')).toBe('player.pause');
    loadKeyBindings(store);
    expect(keysOf('player.pause')).toEqual(['Ctrl+k']);
    bindKeys(store, 'player.pause', null);
    expect(keysOf('player.pause')).toEqual(['k']);
  });
  it('ignores stored values it did not write, and the class keys cannot be rebound', () => {
    const store = memory();
    store.data.set('framewise.keyBindings.v1', '{"player.pause": "x", "editor.class": ["q"], "nope": ["z"]');
    loadKeyBindings(store);
    expect(keysOf('player.pause')).toEqual(['k']);
    store.data.set('framewise.keyBindings.v1', '{"player.pause": "x", "editor.class": ["q"], "nope": ["z"]}');
    loadKeyBindings(store);
    expect(keysOf('player.pause')).toEqual(['k']);
    expect(keysOf('editor.class')).toContain('1');
    resetKeyBindings(store);
    expect(store.data.get('framewise.keyBindings.v1')).toBe('{}');
  });
});

describe('chordOf', () => {
  it('writes a key press as a chord the matcher reads back', () => {
    expect(chordOf({ key: 'K', shiftKey: true, ctrlKey: true })).toBe('Ctrl+Shift+k');
    expect(chordOf({ key: '?', shiftKey: true })).toBe('?');
    expect(chordOf({ key: ' ' })).toBe('Space');
    expect(chordOf({ key: 'ArrowLeft', altKey: true })).toBe('Alt+ArrowLeft');
    expect(chordOf({ key: 'Shift', shiftKey: true })).toBeNull();
    setKeyOverrides({ 'editor.loop': [chordOf({ key: 'K', shiftKey: true, ctrlKey: true })!] });
    expect(matchShortcut({ key: 'K', shiftKey: true, ctrlKey: true }, 'editor')).toBe('editor.loop');
  });
});

describe('keyConflicts', () => {
  it('names the shortcuts listening at the same time on that key', () => {
    expect(keyConflicts('player.pause', 'l')).toEqual(['player.faster']);
    expect(keyConflicts('player.pause', 'i')).toEqual(['editor.in']); // both listen on the window
    expect(keyConflicts('player.pause', 'a')).toEqual([]); // the timeline's, only while it has focus
    expect(keyConflicts('timeline.split', 'a')).toEqual(['timeline.accept']);
    expect(keyConflicts('player.pause', '?')).toEqual(['help']);
    expect(keyConflicts('player.pause', 'k')).toEqual([]); // its own key
  });
});
