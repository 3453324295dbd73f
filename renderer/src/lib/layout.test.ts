import { describe, expect, it } from 'vitest';
import { clampSizes, DEFAULT_SIZES, loadSizes, loadTheme, saveSizes, saveTheme } from './layout.js';

function memory(): { getItem(k: string): string | null; setItem(k: string, v: string): void } {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
}

describe('pane sizes', () => {
  it('keep the defaults at 1280×800 and leave the player room', () => {
    const s = clampSizes(DEFAULT_SIZES, 1280, 800);
    expect(s).toEqual(DEFAULT_SIZES);
    expect(1280 - s.left - s.right).toBeGreaterThanOrEqual(320);
  });

  it('clamp panes dragged too small or too large', () => {
    expect(clampSizes({ left: 10, right: 10, bottom: 10 }, 1280, 800)).toEqual({ left: 180, right: 260, bottom: 150 });
    const big = clampSizes({ left: 2000, right: 2000, bottom: 2000 }, 1280, 800);
    expect(big.left + big.right).toBeLessThanOrEqual(1280 - 320);
    expect(big.bottom).toBe(800 - 90 - 200);
  });

  it('are remembered, and unreadable saves fall back to the defaults', () => {
    const st = memory();
    expect(loadSizes(st)).toEqual(DEFAULT_SIZES);
    saveSizes(st, { left: 300, right: 400, bottom: 222 });
    expect(loadSizes(st)).toEqual({ left: 300, right: 400, bottom: 222 });
    st.setItem('framewise.layout.v1', '{not json');
    expect(loadSizes(st)).toEqual(DEFAULT_SIZES);
    st.setItem('framewise.layout.v1', '{"left":"wide","right":400}');
    expect(loadSizes(st)).toEqual({ ...DEFAULT_SIZES, right: 400 });
    expect(loadSizes(null)).toEqual(DEFAULT_SIZES);
  });
});

describe('theme', () => {
  it('is dark unless light or system was chosen', () => {
    const st = memory();
    expect(loadTheme(st)).toBe('dark');
    saveTheme(st, 'light');
    expect(loadTheme(st)).toBe('light');
    saveTheme(st, 'system');
    expect(loadTheme(st)).toBe('system');
    st.setItem('framewise.theme', 'purple');
    expect(loadTheme(st)).toBe('dark');
  });
});
