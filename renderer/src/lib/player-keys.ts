/**
 * Player shortcuts as a pure mapping from a key press to what the player should do, so the rules
 * (frame stepping, J/K/L speeds) are tested without a browser.
 */
export interface PlayerView {
  time: number;
  duration: number;
  paused: boolean;
  rate: number;
  fps: number;
}

export type PlayerAction =
  | { type: 'toggle' }
  | { type: 'pause' }
  | { type: 'play'; rate: number }
  | { type: 'seek'; time: number; pause: boolean };

export interface KeyPress {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

const SPEEDS = [1, 2, 4, 8];

/** What a key does to the player, or null when it is not a player shortcut. */
export function playerAction(e: KeyPress, v: PlayerView): PlayerAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const frame = 1 / (v.fps > 0 ? v.fps : 30);
  const clamp = (t: number): number => Math.min(Math.max(0, t), Math.max(0, v.duration));
  switch (e.key) {
    case ' ':
      return { type: 'toggle' };
    case 'k':
    case 'K':
      return { type: 'pause' };
    case 'l':
    case 'L': {
      // Each press while playing goes one speed up; from pause it starts at 1×.
      if (v.paused) return { type: 'play', rate: 1 };
      const next = SPEEDS.find((s) => s > v.rate + 1e-9) ?? SPEEDS.at(-1)!;
      return { type: 'play', rate: next };
    }
    case 'j':
    case 'J':
      // Browsers cannot play backwards: J jumps back, further while playing fast.
      return { type: 'seek', time: clamp(v.time - 2 * Math.max(1, v.rate)), pause: false };
    case 'ArrowLeft':
      return { type: 'seek', time: clamp(snapFrame(v.time, v.fps) - (e.shiftKey ? 1 : frame)), pause: true };
    case 'ArrowRight':
      return { type: 'seek', time: clamp(snapFrame(v.time, v.fps) + (e.shiftKey ? 1 : frame)), pause: true };
    case 'Home':
      return { type: 'seek', time: 0, pause: true };
    case 'End':
      return { type: 'seek', time: clamp(v.duration), pause: true };
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

/** Keys typed into form fields are text, not shortcuts. */
export function isTypingTarget(t: EventTarget | null): boolean {
  const el = t as { tagName?: string; isContentEditable?: boolean; type?: string } | null;
  if (!el?.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName !== 'INPUT') return false;
  return !['button', 'checkbox', 'radio', 'range', 'color', 'submit'].includes(el.type ?? 'text');
}
