/**
 * Player shortcuts (keys from lib/shortcuts.ts) as a pure mapping from a key press to what the player should do, so the rules
 * (frame stepping, J/K/L speeds) are tested without a browser.
 */
import { matchShortcut, type KeyPress } from './shortcuts.js';

export interface PlayerView {
  time: number;
  duration: number;
  paused: boolean;
  rate: number;
  fps: number;
  /** When each frame is shown, for a variable frame rate (video.frameTimes); steps then go frame to frame. */
  frameTimes?: readonly number[] | null;
}

export type PlayerAction =
  | { type: 'toggle' }
  | { type: 'pause' }
  | { type: 'play'; rate: number }
  | { type: 'seek'; time: number; pause: boolean }
  /** Sets the speed without starting or stopping playback. */
  | { type: 'rate'; rate: number };

export type { KeyPress } from './shortcuts.js';
export { isTypingTarget } from './shortcuts.js';

const SPEEDS = [1, 2, 4, 8];
/** The speeds of the speed menu and of < / >: slow enough to find a frame, fast enough to skim. */
export const PLAYBACK_RATES = [0.25, 0.5, 0.75, 1, 1.5, 2, 4] as const;

/** The next rate of the menu from `rate` in direction `dir` (clamped to 0.25×–4×). */
export function stepRate(rate: number, dir: 1 | -1): number {
  if (dir > 0) return PLAYBACK_RATES.find((r) => r > rate + 1e-9) ?? PLAYBACK_RATES.at(-1)!;
  return [...PLAYBACK_RATES].reverse().find((r) => r < rate - 1e-9) ?? PLAYBACK_RATES[0];
}

/** What a key does to the player, or null when it is not a player shortcut. */
export function playerAction(e: KeyPress, v: PlayerView): PlayerAction | null {
  const frame = 1 / (v.fps > 0 ? v.fps : 30);
  const clamp = (t: number): number => Math.min(Math.max(0, t), Math.max(0, v.duration));
  const step = (d: number): PlayerAction => ({ type: 'seek', time: clamp(snapFrame(v.time, v.fps) + d), pause: true });
  switch (matchShortcut(e, 'player')) {
    case 'player.toggle':
      return { type: 'toggle' };
    case 'player.pause':
      return { type: 'pause' };
    case 'player.faster': {
      // Each press while playing goes one speed up; from pause it starts at 1×.
      if (v.paused) return { type: 'play', rate: 1 };
      const next = SPEEDS.find((s) => s > v.rate + 1e-9) ?? SPEEDS.at(-1)!;
      return { type: 'play', rate: next };
    }
    case 'player.back':
      // Browsers cannot play backwards: J jumps back, further while playing fast.
      return { type: 'seek', time: clamp(v.time - 2 * Math.max(1, v.rate)), pause: false };
    case 'player.frame-back':
      return v.frameTimes?.length ? frameSeek(v.frameTimes, v.time, -1, clamp) : step(-frame);
    case 'player.frame-forward':
      return v.frameTimes?.length ? frameSeek(v.frameTimes, v.time, 1, clamp) : step(frame);
    case 'player.second-back':
      return step(-1);
    case 'player.second-forward':
      return step(1);
    case 'player.start':
      return { type: 'seek', time: 0, pause: true };
    case 'player.end':
      return { type: 'seek', time: clamp(v.duration), pause: true };
    case 'player.slower':
      return { type: 'rate', rate: stepRate(v.rate, -1) };
    case 'player.speed-up':
      return { type: 'rate', rate: stepRate(v.rate, 1) };
    default:
      return null;
  }
}

/**
 * The start of the frame being shown at t, plus a little: a seek to exactly k/fps can land on the
 * previous frame after float rounding in the decoder, so step targets sit a tenth of a frame in.
 */
export function snapFrame(t: number, fps: number): number {
  if (!(fps > 0)) return t;
  return (Math.floor(t * fps + 1e-6) + 0.1) / fps;
}

/**
 * A frame step through a variable-frame-rate video's own frame times: to a tenth into the next (or
 * previous) frame after the one shown at t, for the same rounding reason as snapFrame.
 */
export function frameStepTime(times: readonly number[], t: number, dir: 1 | -1): number {
  // The frame on screen at t: the last one that starts at or before it (a hair of slack for rounding).
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t + 1e-6) lo = mid + 1;
    else hi = mid;
  }
  const shown = Math.max(0, lo - 1);
  const target = Math.min(times.length - 1, Math.max(0, shown + dir));
  const next = times[target + 1];
  const gap = next !== undefined ? next - times[target]! : target > 0 ? times[target]! - times[target - 1]! : 0;
  return times[target]! + 0.1 * gap;
}

function frameSeek(times: readonly number[], t: number, dir: 1 | -1, clamp: (t: number) => number): PlayerAction {
  return { type: 'seek', time: clamp(frameStepTime(times, t, dir)), pause: true };
}
