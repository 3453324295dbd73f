import { describe, expect, it } from 'vitest';
import { frameStepTime, isTypingTarget, playerAction, snapFrame, stepRate } from './player-keys.js';

const view = { time: 5, duration: 10, paused: true, rate: 1, fps: 10 };

describe('playerAction', () => {
  it('space toggles, K pauses, L starts at 1× then speeds up to 8×', () => {
    expect(playerAction({ key: ' ' }, view)).toEqual({ type: 'toggle' });
    expect(playerAction({ key: 'k' }, { ...view, paused: false })).toEqual({ type: 'pause' });
    expect(playerAction({ key: 'l' }, view)).toEqual({ type: 'play', rate: 1 });
    expect(playerAction({ key: 'l' }, { ...view, paused: false, rate: 1 })).toEqual({ type: 'play', rate: 2 });
    expect(playerAction({ key: 'L' }, { ...view, paused: false, rate: 4 })).toEqual({ type: 'play', rate: 8 });
    expect(playerAction({ key: 'l' }, { ...view, paused: false, rate: 8 })).toEqual({ type: 'play', rate: 8 });
  });

  it('arrows step exactly one frame (Shift: one second), pausing, clamped to the video', () => {
    const right = playerAction({ key: 'ArrowRight' }, view);
    expect(right).toMatchObject({ type: 'seek', pause: true });
    // Frame 50 is showing at t=5; one step lands inside frame 51.
    expect(right?.type === 'seek' && Math.floor(right.time * 10)).toBe(51);
    const left = playerAction({ key: 'ArrowLeft' }, { ...view, time: 5.07 });
    expect(left?.type === 'seek' && Math.floor(left.time * 10)).toBe(49);
    const back = playerAction({ key: 'ArrowLeft', shiftKey: true }, { ...view, time: 0.3 });
    expect(back).toEqual({ type: 'seek', time: 0, pause: true });
    const fwd = playerAction({ key: 'ArrowRight', shiftKey: true }, { ...view, time: 9.5 });
    expect(fwd).toEqual({ type: 'seek', time: 10, pause: true });
  });

  it("with a variable frame rate, arrows go from frame to frame by the frames' own times", () => {
    // Ten frames at 10 fps, then 30 fps: one step is 0.1 s early on, 1/30 s later.
    const times = [
      ...Array.from({ length: 10 }, (_, i) => i / 10),
      ...Array.from({ length: 10 }, (_, i) => 1 + i / 30),
    ];
    const vfr = { ...view, duration: 2, fps: 15, frameTimes: times };
    const at = (t: number, key: string): number => {
      const a = playerAction({ key }, { ...vfr, time: t });
      return a?.type === 'seek' ? a.time : NaN;
    };
    // Frame 3 (0.3 s) is showing: next is frame 4 at 0.4 s, a tenth into it.
    expect(at(0.31, 'ArrowRight')).toBeCloseTo(0.41, 10);
    expect(at(0.31, 'ArrowLeft')).toBeCloseTo(0.21, 10);
    // From the last slow frame into the fast part, and back.
    expect(at(0.95, 'ArrowRight')).toBeCloseTo(1 + 0.1 / 30, 10);
    expect(at(1 + 1.1 / 30, 'ArrowLeft')).toBeCloseTo(1 + 0.1 / 30, 10);
    expect(at(1.001, 'ArrowLeft')).toBeCloseTo(0.91, 10);
    // The ends hold: no frame before the first or after the last.
    expect(frameStepTime(times, 0, -1)).toBeCloseTo(0.01, 10);
    expect(frameStepTime(times, 1.4, 1)).toBeCloseTo(1 + 9 / 30 + 0.1 / 30, 10);
    // Without the times (a constant rate) a step is 1/fps: from frame 4 of 15 fps into frame 5.
    const cfr = playerAction({ key: 'ArrowRight' }, { ...vfr, time: 0.31, frameTimes: null });
    expect(cfr?.type === 'seek' && Math.floor(cfr.time * 15)).toBe(5);
  });

  it('J jumps back 2 s (more when playing fast); Home/End go to the ends', () => {
    expect(playerAction({ key: 'j' }, view)).toEqual({ type: 'seek', time: 3, pause: false });
    expect(playerAction({ key: 'j' }, { ...view, rate: 2, paused: false })).toEqual({
      type: 'seek',
      time: 1,
      pause: false,
    });
    expect(playerAction({ key: 'Home' }, view)).toEqual({ type: 'seek', time: 0, pause: true });
    expect(playerAction({ key: 'End' }, view)).toEqual({ type: 'seek', time: 10, pause: true });
  });

  it('ignores modified keys and other keys', () => {
    expect(playerAction({ key: ' ', ctrlKey: true }, view)).toBeNull();
    expect(playerAction({ key: 'z', ctrlKey: true }, view)).toBeNull();
    expect(playerAction({ key: 'x' }, view)).toBeNull();
  });
});

describe('snapFrame / isTypingTarget', () => {
  it('snaps into the frame shown, robust to float error', () => {
    expect(snapFrame(0.3, 10)).toBeCloseTo(0.31, 10);
    expect(snapFrame(0.29999999, 10)).toBeCloseTo(0.31, 10);
    expect(snapFrame(0.35, 10)).toBeCloseTo(0.31, 10);
    expect(snapFrame(1.234, 0)).toBe(1.234);
  });

  it('text fields are typing targets; buttons and checkboxes are not', () => {
    expect(isTypingTarget({ tagName: 'INPUT', type: 'text' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'INPUT', type: 'number' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'INPUT', type: 'checkbox' } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget({ tagName: 'TEXTAREA' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'BUTTON' } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});

describe('playback speed', () => {
  it('< and > step through 0.25×–4× without starting or stopping playback', () => {
    expect(playerAction({ key: '>', shiftKey: true }, view)).toEqual({ type: 'rate', rate: 1.5 });
    expect(playerAction({ key: '<', shiftKey: true }, view)).toEqual({ type: 'rate', rate: 0.75 });
    expect(stepRate(4, 1)).toBe(4);
    expect(stepRate(0.25, -1)).toBe(0.25);
    expect(stepRate(0.3, -1)).toBe(0.25);
    // From an L speed above the menu, < comes back into it.
    expect(stepRate(8, -1)).toBe(4);
  });
});
