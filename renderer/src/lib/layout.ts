/**
 * Pane sizes of the editor window: clamped so no pane disappears, remembered per user in
 * localStorage (any Storage-like object, so the rules are tested without a browser).
 */
export interface PaneSizes {
  /** Library column, px. */
  left: number;
  /** Inspector column, px. */
  right: number;
  /** Timeline row, px. */
  bottom: number;
}

export const DEFAULT_SIZES: PaneSizes = { left: 280, right: 380, bottom: 260 };
const KEY = 'framewise.layout.v1';

/** Smallest sizes, and the least the centre (the player) keeps of the window. */
const MIN = { left: 180, right: 260, bottom: 150 };
const CENTRE_MIN = { width: 320, height: 200 };

/** Sizes that fit a window of `w`×`h` (chrome = header plus status bar height). */
export function clampSizes(s: PaneSizes, w: number, h: number, chrome = 90): PaneSizes {
  const clamp = (v: number, lo: number, hi: number): number => Math.round(Math.min(Math.max(v, lo), Math.max(lo, hi)));
  const left = clamp(s.left, MIN.left, w - CENTRE_MIN.width - MIN.right);
  const right = clamp(s.right, MIN.right, w - CENTRE_MIN.width - left);
  const bottom = clamp(s.bottom, MIN.bottom, h - chrome - CENTRE_MIN.height);
  return { left, right, bottom };
}

interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The saved sizes, or the defaults when none (or something unreadable) is saved. */
export function loadSizes(storage: StorageLike | null): PaneSizes {
  try {
    const raw = storage?.getItem(KEY);
    if (!raw) return { ...DEFAULT_SIZES };
    const v = JSON.parse(raw) as Partial<Record<keyof PaneSizes, unknown>>;
    const num = (x: unknown, d: number): number => (typeof x === 'number' && Number.isFinite(x) ? x : d);
    return {
      left: num(v.left, DEFAULT_SIZES.left),
      right: num(v.right, DEFAULT_SIZES.right),
      bottom: num(v.bottom, DEFAULT_SIZES.bottom),
    };
  } catch {
    return { ...DEFAULT_SIZES };
  }
}

export function saveSizes(storage: StorageLike | null, s: PaneSizes): void {
  try {
    storage?.setItem(KEY, JSON.stringify(s));
  } catch {
    // Storage full or disabled (private mode): the layout still works, it is just not remembered.
  }
}

export type Theme = 'dark' | 'light' | 'system';
const THEME_KEY = 'framewise.theme';

export function loadTheme(storage: StorageLike | null): Theme {
  try {
    const t = storage?.getItem(THEME_KEY);
    return t === 'light' || t === 'system' ? t : 'dark';
  } catch {
    return 'dark';
  }
}

export function saveTheme(storage: StorageLike | null, t: Theme): void {
  try {
    storage?.setItem(THEME_KEY, t);
  } catch {
    // Not remembered; the choice still applies to this window.
  }
}
