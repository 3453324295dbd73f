/** Localisation set in seconds (CLI flags, the app's controls) becomes localize's frame options in one place. */
import { describe, expect, it } from 'vitest';
import { localizeOptionsFrom, smoothingFrames } from '../../src/project/predict.js';

describe('smoothingFrames', () => {
  it('is an odd number of frames at the sampling rate, at least one', () => {
    expect(smoothingFrames(2, 4)).toBe(9); // 8 frames → odd: the default half of a 16-frame clip
    expect(smoothingFrames(1, 4)).toBe(5);
    expect(smoothingFrames(0.75, 4)).toBe(3);
    expect(smoothingFrames(0, 4)).toBe(1);
    expect(smoothingFrames(0.1, 4)).toBe(1);
    expect(smoothingFrames(1, 25)).toBe(25);
    // No 32-bit wrap-around for a very long window.
    expect(smoothingFrames(1e9, 4)).toBe(4e9 + 1);
  });
});

describe('localizeOptionsFrom', () => {
  it('converts what is set and leaves the rest to the defaults', () => {
    expect(localizeOptionsFrom({}, 4)).toEqual({});
    expect(localizeOptionsFrom({ threshold: 0.7 }, 4)).toEqual({ threshold: 0.7 });
    expect(localizeOptionsFrom({ smoothingSec: 1, minDurationSec: 0.5 }, 8)).toEqual({
      smoothing: 9,
      minDuration: 0.5,
    });
  });
});
