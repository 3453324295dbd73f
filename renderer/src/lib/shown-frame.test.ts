import { describe, expect, it } from 'vitest';
import { stepBase } from './shown-frame.js';

describe('stepBase', () => {
  it('counts from the frame on screen while paused', () => {
    // currentTime 2.0 s at 25 fps, but the decoder shows the frame that starts at 1.96 s.
    expect(stepBase(2.0, 1.96, true, 25)).toBe(1.96);
  });
  it('uses currentTime while playing, without a reported frame, or when a step is not shown yet', () => {
    expect(stepBase(2.0, 1.96, false, 25)).toBe(2.0);
    expect(stepBase(2.0, null, true, 25)).toBe(2.0);
    // Stepped to 2.044 s; the screen still shows 2.0 s (one frame and a tenth away).
    expect(stepBase(2.044, 2.0, true, 25)).toBe(2.044);
  });
});
