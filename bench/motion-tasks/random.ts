/**
 * Draws on top of the project's seeded PRNG (src/util/rng.ts), so a generated set is the same on
 * every machine for the same seed.
 */
import { Rng } from '../../src/util/rng.js';

export { Rng };

export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.next();
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick: nothing to pick from');
  return items[rng.int(items.length)]!;
}

export function chance(rng: Rng, p: number): boolean {
  return rng.next() < p;
}

/**
 * `n` items cycling through shuffled copies of `items`: every item is used equally often (±1), so
 * when each class draws its backgrounds and shapes this way, neither can hint at the class.
 */
export function balanced<T>(rng: Rng, items: readonly T[], n: number): T[] {
  const out: T[] = [];
  while (out.length < n) out.push(...rng.shuffle(items.slice()));
  return out.slice(0, n);
}

/** A random RGB colour from hue/saturation/value ranges that keep it a clear, saturated-enough colour. */
export function randomColor(rng: Rng, opts: { minS?: number; minV?: number } = {}): Rgb {
  return hsv(rng.next() * 360, uniform(rng, opts.minS ?? 0, 1), uniform(rng, opts.minV ?? 0, 1));
}

export type Rgb = [number, number, number];

/**
 * Colours a caption can name, as hue centres (degrees). A named colour is drawn with its hue within
 * ±12° and saturation/value kept high, so every clip of "red" looks red to a person but no two are
 * the same pixels.
 */
export const NAMED_COLOURS = { red: 0, orange: 30, yellow: 55, green: 120, cyan: 185, blue: 225, purple: 280 } as const;
export type ColourName = keyof typeof NAMED_COLOURS;

export function isColourName(s: string): s is ColourName {
  return Object.hasOwn(NAMED_COLOURS, s);
}

export function namedColor(rng: Rng, name: ColourName): Rgb {
  const h = (NAMED_COLOURS[name] + uniform(rng, -12, 12) + 360) % 360;
  return hsv(h, uniform(rng, 0.75, 1), uniform(rng, 0.8, 1));
}

export function hsv(h: number, s: number, v: number): Rgb {
  const c = v * s;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = v - c;
  const sector: Rgb[] = [
    [c, x, 0],
    [x, c, 0],
    [0, c, x],
    [0, x, c],
    [x, 0, c],
    [c, 0, x],
  ];
  const [r, g, b] = sector[Math.min(5, Math.floor(h / 60))]!;
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

/** Rec. 601 luma, 0–255. */
export function luma([r, g, b]: Rgb): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}
