/**
 * Every keyboard shortcut of the app as data: the player, the timeline and the segment editor
 * look their keys up here, and the `?` overlay lists this table, so what it shows is what the keys
 * do. Pure (no DOM), so the matching rules are tested without a browser.
 */

export type ShortcutScope = 'global' | 'player' | 'timeline' | 'editor';

export interface Shortcut {
  id: string;
  /** Alternatives, each `Mod+…+Key` with Mod among Ctrl, Alt, Shift, Meta; `Mod` is Ctrl or ⌘. */
  keys: readonly string[];
  description: string;
  scope: ShortcutScope;
}

export const SCOPE_TITLES: Record<ShortcutScope, string> = {
  global: 'Anywhere',
  player: 'Player',
  timeline: 'Timeline (when it has focus)',
  editor: 'Labelling',
};

export const SHORTCUTS: readonly Shortcut[] = [
  { id: 'help', keys: ['?'], description: 'Show or hide this list of shortcuts', scope: 'global' },
  {
    id: 'label-next',
    keys: ['Shift+N'],
    description: 'Jump to the next “label next” suggestion (what the model is least sure of)',
    scope: 'global',
  },
  { id: 'player.toggle', keys: ['Space'], description: 'Play or pause', scope: 'player' },
  { id: 'player.pause', keys: ['k'], description: 'Pause playback', scope: 'player' },
  { id: 'player.faster', keys: ['l'], description: 'Play; each press plays faster (1×, 2×, 4×, 8×)', scope: 'player' },
  { id: 'player.back', keys: ['j'], description: 'Jump back 2 s (more while playing fast)', scope: 'player' },
  { id: 'player.frame-back', keys: ['ArrowLeft'], description: 'Previous frame (pauses)', scope: 'player' },
  { id: 'player.frame-forward', keys: ['ArrowRight'], description: 'Next frame (pauses)', scope: 'player' },
  { id: 'player.second-back', keys: ['Shift+ArrowLeft'], description: 'Back one second', scope: 'player' },
  { id: 'player.second-forward', keys: ['Shift+ArrowRight'], description: 'Forward one second', scope: 'player' },
  { id: 'player.start', keys: ['Home'], description: 'Go to the start', scope: 'player' },
  { id: 'player.end', keys: ['End'], description: 'Go to the end', scope: 'player' },
  { id: 'player.slower', keys: ['<'], description: 'Playback speed down (down to 0.25×)', scope: 'player' },
  { id: 'player.speed-up', keys: ['>'], description: 'Playback speed up (up to 4×)', scope: 'player' },
  { id: 'editor.in', keys: ['i'], description: 'Mark In at the playhead', scope: 'editor' },
  { id: 'editor.out', keys: ['o'], description: 'Mark Out at the playhead', scope: 'editor' },
  {
    id: 'editor.class',
    keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
    description: 'Pick class 1–9; held while playing, labels the played span with it',
    scope: 'editor',
  },
  { id: 'editor.add', keys: ['Enter'], description: 'Add the segment from In to Out', scope: 'editor' },
  {
    id: 'editor.undo',
    keys: ['Mod+z'],
    description: 'Undo the last edit (segments, a removed video or class, a merge)',
    scope: 'editor',
  },
  { id: 'editor.redo', keys: ['Mod+Shift+z', 'Mod+y'], description: 'Redo the undone edit', scope: 'editor' },
  {
    id: 'editor.loop',
    keys: ['Shift+L'],
    description: 'Loop the selected segment (press again to stop)',
    scope: 'editor',
  },
  {
    id: 'editor.accept-caption',
    keys: ['g'],
    description: "Use the generated caption as the selected segment's caption",
    scope: 'editor',
  },
  { id: 'editor.next-segment', keys: ['n'], description: 'Jump to the next segment', scope: 'editor' },
  { id: 'editor.previous-segment', keys: ['p'], description: 'Jump to the previous segment', scope: 'editor' },
  { id: 'timeline.escape', keys: ['Escape'], description: 'Cancel the drag, else deselect', scope: 'timeline' },
  {
    id: 'timeline.delete',
    keys: ['Delete', 'Backspace'],
    description: 'Delete the selected segment (reject a prediction)',
    scope: 'timeline',
  },
  {
    id: 'timeline.nudge-back',
    keys: ['Alt+ArrowLeft'],
    description: 'Move the selected segment a frame earlier',
    scope: 'timeline',
  },
  {
    id: 'timeline.nudge-forward',
    keys: ['Alt+ArrowRight'],
    description: 'Move the selected segment a frame later',
    scope: 'timeline',
  },
  {
    id: 'timeline.end-back',
    keys: ['Alt+Shift+ArrowLeft'],
    description: 'Move the end of the selected segment a frame earlier',
    scope: 'timeline',
  },
  {
    id: 'timeline.end-forward',
    keys: ['Alt+Shift+ArrowRight'],
    description: 'Move the end of the selected segment a frame later',
    scope: 'timeline',
  },
  {
    id: 'timeline.start-back',
    keys: ['['],
    description: 'Move the start of the selected segment a frame earlier',
    scope: 'timeline',
  },
  {
    id: 'timeline.start-forward',
    keys: [']'],
    description: 'Move the start of the selected segment a frame later',
    scope: 'timeline',
  },
  { id: 'timeline.frame-back', keys: ['ArrowLeft'], description: 'Playhead one frame back', scope: 'timeline' },
  { id: 'timeline.frame-forward', keys: ['ArrowRight'], description: 'Playhead one frame on', scope: 'timeline' },
  { id: 'timeline.second-back', keys: ['Shift+ArrowLeft'], description: 'Playhead one second back', scope: 'timeline' },
  {
    id: 'timeline.second-forward',
    keys: ['Shift+ArrowRight'],
    description: 'Playhead one second on',
    scope: 'timeline',
  },
  { id: 'timeline.start', keys: ['Home'], description: 'Playhead to the start', scope: 'timeline' },
  { id: 'timeline.end', keys: ['End'], description: 'Playhead to the end', scope: 'timeline' },
  { id: 'timeline.accept', keys: ['a'], description: 'Accept the selected prediction', scope: 'timeline' },
  { id: 'timeline.reject', keys: ['r'], description: 'Reject the selected prediction', scope: 'timeline' },
  { id: 'timeline.split', keys: ['s'], description: 'Split the selected segment at the playhead', scope: 'timeline' },
  { id: 'timeline.zoom-in', keys: ['+', '='], description: 'Zoom in (also Ctrl+wheel)', scope: 'timeline' },
  { id: 'timeline.zoom-out', keys: ['-', '_'], description: 'Zoom out', scope: 'timeline' },
  { id: 'timeline.fit', keys: ['0'], description: 'Show the whole video', scope: 'timeline' },
];

export interface KeyPress {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

interface Chord {
  key: string;
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
  meta: boolean;
  /** `Mod`: Ctrl or ⌘, whichever the platform uses. */
  mod: boolean;
}

function parseChord(spec: string): Chord {
  // The key is what follows the last '+', so '+' itself (and 'Shift++') still parse.
  const cut = spec.length > 1 ? spec.lastIndexOf('+', spec.length - 2) : -1;
  const mods = cut >= 0 ? spec.slice(0, cut).split('+') : [];
  const key = cut >= 0 ? spec.slice(cut + 1) : spec;
  return {
    key: key === 'Space' ? ' ' : key,
    ctrl: mods.includes('Ctrl'),
    alt: mods.includes('Alt'),
    shift: mods.includes('Shift'),
    meta: mods.includes('Meta'),
    mod: mods.includes('Mod'),
  };
}

/** The person's own keys per shortcut id (lib/key-bindings.ts keeps them per user). */
let overrides: Readonly<Record<string, readonly string[]>> = {};
let CHORDS = buildChords();

function buildChords(): Map<string, Chord[]> {
  return new Map(SHORTCUTS.map((s) => [s.id, keysOf(s.id).map(parseChord)]));
}

/** The keys a shortcut answers to now: the person's, else the defaults. */
export function keysOf(id: string): readonly string[] {
  return overrides[id] ?? SHORTCUTS.find((s) => s.id === id)?.keys ?? [];
}

/** Replaces the person's keys (unknown ids and shortcuts that cannot be rebound are dropped). */
export function setKeyOverrides(next: Readonly<Record<string, readonly string[]>>): void {
  const kept: Record<string, readonly string[]> = {};
  for (const [id, keys] of Object.entries(next))
    if (isRebindable(id) && keys.length > 0 && keys.every((k) => typeof k === 'string' && k !== '')) kept[id] = keys;
  overrides = kept;
  CHORDS = buildChords();
}

export function keyOverrides(): Readonly<Record<string, readonly string[]>> {
  return overrides;
}

/** The class keys 1–9 are class numbers, not a binding; every other shortcut can be changed. */
export function isRebindable(id: string): boolean {
  return id !== 'editor.class' && SHORTCUTS.some((s) => s.id === id);
}

const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock']);

/** A key press as a chord spec ("Ctrl+Shift+k", "?", "Space"); null for a modifier alone. */
export function chordOf(e: KeyPress): string | null {
  if (MODIFIER_KEYS.has(e.key) || e.key === '') return null;
  const key = e.key === ' ' ? 'Space' : e.key.length === 1 ? e.key.toLowerCase() : e.key;
  // Shift is how '?' or '+' are typed: not part of their chord (see chordMatches).
  const shiftCounts = !(e.key.length === 1 && !/^[a-z]$/i.test(e.key));
  const mods = [
    ...(e.ctrlKey ? ['Ctrl'] : []),
    ...(e.altKey ? ['Alt'] : []),
    ...(e.shiftKey && shiftCounts ? ['Shift'] : []),
    ...(e.metaKey ? ['Meta'] : []),
  ];
  return [...mods, key].join('+');
}

/**
 * The other shortcuts `spec` would clash with: the player's, the labelling and the global keys all
 * listen on the window at once, so they clash with each other; the timeline's keys apply while it
 * has focus and clash only among themselves (and with the global `?`).
 */
function sameTime(a: ShortcutScope, b: ShortcutScope): boolean {
  return a === b || a === 'global' || b === 'global' || (a !== 'timeline' && b !== 'timeline');
}

export function keyConflicts(id: string, spec: string): string[] {
  const own = SHORTCUTS.find((s) => s.id === id);
  if (!own) return [];
  const c = parseChord(spec);
  const press: KeyPress = {
    key: c.key,
    ctrlKey: c.ctrl || c.mod,
    altKey: c.alt,
    shiftKey: c.shift,
    metaKey: c.meta,
  };
  return SHORTCUTS.filter(
    (s) => s.id !== id && sameTime(s.scope, own.scope) && CHORDS.get(s.id)!.some((k) => chordMatches(k, press)),
  ).map((s) => s.id);
}

/**
 * Whether a key press is this chord. Letters compare without case, Shift counting only where the
 * chord names it; for other printable characters ('?', '+', '<') Shift is how they are typed, so it
 * is not compared.
 */
function chordMatches(c: Chord, e: KeyPress): boolean {
  const letter = /^[a-z]$/i.test(c.key);
  const printable = c.key.length === 1 && c.key !== ' ';
  if (letter ? e.key.toLowerCase() !== c.key.toLowerCase() : e.key !== c.key) return false;
  const ctrl = !!e.ctrlKey;
  const meta = !!e.metaKey;
  if (c.mod ? !(ctrl || meta) : ctrl !== c.ctrl || meta !== c.meta) return false;
  if (!!e.altKey !== c.alt) return false;
  if (printable && !letter) return true;
  return !!e.shiftKey === c.shift;
}

/** The id of the first shortcut of `scope` this key press is, or null. */
export function matchShortcut(e: KeyPress, scope: ShortcutScope): string | null {
  for (const s of SHORTCUTS) {
    if (s.scope !== scope) continue;
    if (CHORDS.get(s.id)!.some((c) => chordMatches(c, e))) return s.id;
  }
  return null;
}

/** The keys of a shortcut as a person reads them ("Alt+Shift+→"). */
export function keyLabel(spec: string, mac = false): string {
  const names: Record<string, string> = {
    ArrowLeft: '←',
    ArrowRight: '→',
    ArrowUp: '↑',
    ArrowDown: '↓',
    Escape: 'Esc',
    Delete: 'Del',
  };
  const c = parseChord(spec);
  const parts = [
    ...(c.mod ? [mac ? '⌘' : 'Ctrl'] : []),
    ...(c.ctrl ? ['Ctrl'] : []),
    ...(c.meta ? ['⌘'] : []),
    ...(c.alt ? [mac ? '⌥' : 'Alt'] : []),
    ...(c.shift ? ['Shift'] : []),
    c.key === ' ' ? 'Space' : (names[c.key] ?? (c.key.length === 1 ? c.key.toUpperCase() : c.key)),
  ];
  return parts.join('+');
}

/**
 * The one "is the person typing" rule: keys typed into a text field, a select or an editable
 * element are text, never shortcuts (checkboxes, buttons and sliders are not typing).
 */
export function isTypingTarget(t: EventTarget | null): boolean {
  const el = t as { tagName?: string; isContentEditable?: boolean; type?: string } | null;
  if (!el?.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName !== 'INPUT') return false;
  return !['button', 'checkbox', 'radio', 'range', 'color', 'submit'].includes(el.type ?? 'text');
}
