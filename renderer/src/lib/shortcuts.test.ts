import { describe, expect, it } from 'vitest';
import { isTypingTarget, keyLabel, matchShortcut, SHORTCUTS } from './shortcuts.js';

describe('shortcut registry', () => {
  it('has unique ids, a description and at least one key for each entry', () => {
    const ids = SHORTCUTS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of SHORTCUTS) {
      expect(s.description.length, s.id).toBeGreaterThan(5);
      expect(s.keys.length, s.id).toBeGreaterThan(0);
    }
  });

  it('binds no key twice within one scope', () => {
    const seen = new Map<string, string>();
    for (const s of SHORTCUTS)
      for (const k of s.keys) {
        const key = `${s.scope}:${k.toLowerCase()}`;
        expect(seen.get(key), `${k} in ${s.scope}: ${s.id} and ${seen.get(key)}`).toBeUndefined();
        seen.set(key, s.id);
      }
  });

  it('matches letters without case, Shift only where the chord names it', () => {
    expect(matchShortcut({ key: 'a' }, 'timeline')).toBe('timeline.accept');
    expect(matchShortcut({ key: 'A' }, 'timeline')).toBe('timeline.accept');
    expect(matchShortcut({ key: 'A', shiftKey: true }, 'timeline')).toBeNull();
    expect(matchShortcut({ key: 'l' }, 'player')).toBe('player.faster');
    expect(matchShortcut({ key: 'L', shiftKey: true }, 'player')).toBeNull();
    expect(matchShortcut({ key: 'L', shiftKey: true }, 'editor')).toBe('editor.loop');
  });

  it('matches modifiers exactly; Mod is Ctrl or Meta', () => {
    expect(matchShortcut({ key: 'ArrowLeft' }, 'timeline')).toBe('timeline.frame-back');
    expect(matchShortcut({ key: 'ArrowLeft', shiftKey: true }, 'timeline')).toBe('timeline.second-back');
    expect(matchShortcut({ key: 'ArrowLeft', altKey: true }, 'timeline')).toBe('timeline.nudge-back');
    expect(matchShortcut({ key: 'ArrowLeft', altKey: true, shiftKey: true }, 'timeline')).toBe('timeline.end-back');
    expect(matchShortcut({ key: 'ArrowLeft', ctrlKey: true }, 'timeline')).toBeNull();
    expect(matchShortcut({ key: 'z', ctrlKey: true }, 'editor')).toBe('editor.undo');
    expect(matchShortcut({ key: 'z', metaKey: true }, 'editor')).toBe('editor.undo');
    expect(matchShortcut({ key: 'Z', ctrlKey: true, shiftKey: true }, 'editor')).toBe('editor.redo');
    expect(matchShortcut({ key: 'y', ctrlKey: true }, 'editor')).toBe('editor.redo');
    expect(matchShortcut({ key: 'z' }, 'editor')).toBeNull();
  });

  it('ignores Shift on symbols typed with it, and reads Space', () => {
    expect(matchShortcut({ key: '?', shiftKey: true }, 'global')).toBe('help');
    expect(matchShortcut({ key: '+', shiftKey: true }, 'timeline')).toBe('timeline.zoom-in');
    expect(matchShortcut({ key: '>', shiftKey: true }, 'player')).toBe('player.speed-up');
    expect(matchShortcut({ key: ' ' }, 'player')).toBe('player.toggle');
    expect(matchShortcut({ key: '7' }, 'editor')).toBe('editor.class');
    expect(matchShortcut({ key: '?' }, 'player')).toBeNull();
  });

  it('labels keys for people', () => {
    expect(keyLabel('Alt+Shift+ArrowRight')).toBe('Alt+Shift+→');
    expect(keyLabel('Mod+z')).toBe('Ctrl+Z');
    expect(keyLabel('Mod+z', true)).toBe('⌘+Z');
    expect(keyLabel('Space')).toBe('Space');
    expect(keyLabel('+')).toBe('+');
  });
});

describe('isTypingTarget', () => {
  it('text fields, selects and editable elements are typing; buttons and checkboxes are not', () => {
    expect(isTypingTarget({ tagName: 'INPUT', type: 'text' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'INPUT', type: 'number' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'TEXTAREA' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'SELECT' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'DIV', isContentEditable: true } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'INPUT', type: 'checkbox' } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget({ tagName: 'BUTTON' } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
