/**
 * What the demo project contains, decided from a seed before anything is rendered: the videos, the
 * labelled segments in each, how each segment looks and the sentence that describes it.
 *
 * The actions are chosen for what the shipped backbone can see. MobileNetV2 features are globally
 * pooled, so they carry a frame's colours and textures but not where things are; an LSTM over them
 * sees how those colours change. So:
 *  - "sunrise": the sky goes from night blue through pink and peach to a pale day blue, a sun rising;
 *  - "sunset": the sky goes from day blue through gold and deep red to a purple night, a sun sinking;
 *  - "flashing": a saturated colour blinking on and off against black.
 * Sunrise and sunset pass through similar colours in opposite orders (the recurrent head's
 * strength), and differ enough in their palettes that a few seconds of training separate them.
 */
import { Rng } from '../util/rng.js';

export type Rgb = [number, number, number];

export const DEMO_ACTIONS = ['sunrise', 'sunset', 'flashing'] as const;
export type DemoAction = (typeof DEMO_ACTIONS)[number];

/** Class colours shown on the timeline. */
export const DEMO_CLASS_COLORS: Record<DemoAction, string> = {
  sunrise: '#f5b041',
  sunset: '#c0392b',
  flashing: '#17becf',
};

export interface SkyLook {
  kind: 'sky';
  /** Sky colours at evenly spaced times through the segment (first at its start, last at its end). */
  keyframes: Rgb[];
  sun: { x: number; radius: number; color: Rgb; rising: boolean };
  hills: { cycles: number; phase: number; top: number };
}

export interface FlashLook {
  kind: 'flash';
  on: Rgb;
  off: Rgb;
  colorName: string;
  /** Seconds of one on + off cycle. */
  period: number;
}

export interface DemoSegmentPlan {
  action: DemoAction;
  start: number;
  end: number;
  caption: string;
  look: SkyLook | FlashLook;
}

export interface DemoVideoPlan {
  /** File name without extension (the extension depends on the encoder available). */
  stem: string;
  /** Labelled videos are the training data; the others are left for the user to predict on. */
  labelled: boolean;
  durationSec: number;
  segments: DemoSegmentPlan[];
}

export interface DemoPlanOptions {
  seed?: number;
  /** Default 7. */
  labelledVideos?: number;
  /** Default 2. */
  unlabelledVideos?: number;
}

const SUNRISE_SKY: Rgb[] = [
  [12, 18, 52],
  [150, 80, 130],
  [250, 170, 110],
  [170, 215, 240],
];
const SUNSET_SKY: Rgb[] = [
  [110, 170, 230],
  [245, 185, 70],
  [200, 60, 40],
  [60, 25, 70],
];
/** Flashing segments take these in turn, so each colour is seen (and captioned) about equally. */
const FLASH_COLORS: { name: string; rgb: Rgb }[] = [
  { name: 'yellow', rgb: [250, 220, 40] },
  { name: 'cyan', rgb: [40, 220, 240] },
  { name: 'magenta', rgb: [230, 50, 200] },
  { name: 'green', rgb: [60, 220, 80] },
];

/** One sentence per action; a flashing segment's names its colour, which the captioner must see. */
const CAPTIONS: Record<DemoAction, (look: SkyLook | FlashLook) => string> = {
  sunrise: () => 'the sun rises over the hills and the sky turns from dark blue to pale blue',
  sunset: () => 'the sun sets behind the hills and the sky turns from orange to dark purple',
  flashing: (l) => `a ${(l as FlashLook).colorName} light flashes on and off`,
};

/** Segment lengths in seconds: multiples of half a second, so boundaries fall between frames. */
const LENGTHS = [3, 3.5, 4];

const PERMUTATIONS: DemoAction[][] = [
  ['sunrise', 'sunset', 'flashing'],
  ['sunrise', 'flashing', 'sunset'],
  ['sunset', 'sunrise', 'flashing'],
  ['sunset', 'flashing', 'sunrise'],
  ['flashing', 'sunrise', 'sunset'],
  ['flashing', 'sunset', 'sunrise'],
];

const jitter = (rng: Rng, c: Rgb, amount: number): Rgb =>
  c.map((v) => Math.max(0, Math.min(255, Math.round(v + (rng.next() * 2 - 1) * amount)))) as Rgb;

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function lookFor(action: DemoAction, rng: Rng, flashes: { next: number }): SkyLook | FlashLook {
  if (action === 'flashing') {
    const c = FLASH_COLORS[flashes.next++ % FLASH_COLORS.length]!;
    return { kind: 'flash', on: jitter(rng, c.rgb, 10), off: [12, 12, 16], colorName: c.name, period: 1 };
  }
  const rising = action === 'sunrise';
  return {
    kind: 'sky',
    keyframes: (rising ? SUNRISE_SKY : SUNSET_SKY).map((k) => jitter(rng, k, 12)),
    sun: {
      x: round3(0.25 + rng.next() * 0.5),
      radius: round3(0.11 + rng.next() * 0.05),
      color: rising ? [255, 240, 190] : [255, 190, 110],
      rising,
    },
    hills: { cycles: round3(1 + rng.next() * 1.5), phase: round3(rng.next()), top: round3(0.76 + rng.next() * 0.06) },
  };
}

function videoPlan(
  stem: string,
  labelled: boolean,
  order: DemoAction[],
  rng: Rng,
  flashes: { next: number },
): DemoVideoPlan {
  const segments: DemoSegmentPlan[] = [];
  let t = 0;
  for (const action of order) {
    const length = LENGTHS[rng.int(LENGTHS.length)]!;
    const look = lookFor(action, rng, flashes);
    segments.push({ action, start: t, end: t + length, caption: CAPTIONS[action](look), look });
    t += length;
  }
  return { stem, labelled, durationSec: t, segments };
}

/**
 * The demo's videos. Labelled videos cycle through every order of the three actions, so no action
 * is tied to a position in the video; each has three segments of 3–4 s. Same seed → same plan.
 */
export function demoPlan(opts: DemoPlanOptions = {}): DemoVideoPlan[] {
  const rng = new Rng(opts.seed ?? 1);
  const orderRng = rng.fork();
  const lookRng = rng.fork();
  const labelled = opts.labelledVideos ?? 7;
  const unlabelled = opts.unlabelledVideos ?? 2;
  const firstCycle = orderRng.shuffle(PERMUTATIONS.slice());
  const orderOf = (i: number): DemoAction[] =>
    i < firstCycle.length ? firstCycle[i]! : PERMUTATIONS[orderRng.int(PERMUTATIONS.length)]!;
  const flashes = { next: lookRng.int(FLASH_COLORS.length) };
  const plans: DemoVideoPlan[] = [];
  for (let i = 0; i < labelled; i++)
    plans.push(videoPlan(`clip-${String(i + 1).padStart(2, '0')}`, true, orderOf(i), lookRng, flashes));
  for (let i = 0; i < unlabelled; i++)
    plans.push(
      videoPlan(
        `new-${String(i + 1).padStart(2, '0')}`,
        false,
        PERMUTATIONS[orderRng.int(PERMUTATIONS.length)]!,
        lookRng,
        flashes,
      ),
    );
  return plans;
}
