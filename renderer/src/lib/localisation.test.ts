import { describe, expect, it } from 'vitest';
import { defaultSmoothingSec, localisationArgs, parseField, shownValue } from './localisation.js';

describe('localisation controls', () => {
  it('show the core defaults: threshold 0.5, smoothing half the model clip, no minimum duration', () => {
    const model = { clipLength: 16, fps: 4 };
    expect(shownValue('threshold', {}, model)).toBe(0.5);
    expect(shownValue('smoothingSec', {}, model)).toBe(2);
    expect(shownValue('minDurationSec', {}, model)).toBe(0);
    expect(defaultSmoothingSec({ clipLength: 12, fps: 4 })).toBe(1.5);
    expect(defaultSmoothingSec({ clipLength: 5, fps: 4 })).toBe(0.5);
    expect(shownValue('smoothingSec', {}, null)).toBeNull();
    expect(shownValue('smoothingSec', {}, { clipLength: 16 })).toBeNull();
  });

  it('show what the person set instead', () => {
    const set = { threshold: 0.7, smoothingSec: 0, minDurationSec: 1 };
    expect(shownValue('threshold', set, null)).toBe(0.7);
    expect(shownValue('smoothingSec', set, { clipLength: 16, fps: 4 })).toBe(0);
    expect(shownValue('minDurationSec', set, null)).toBe(1);
  });

  it('accept the ranges predict.start accepts and say why not otherwise', () => {
    expect(parseField('threshold', '0.65')).toEqual({ value: 0.65 });
    for (const bad of ['0', '1', '', 'x', '-0.2'])
      expect(parseField('threshold', bad), bad).toEqual({ error: 'Threshold: a number between 0 and 1.' });
    expect(parseField('smoothingSec', '0')).toEqual({ value: 0 });
    expect(parseField('smoothingSec', ' 1.5 ')).toEqual({ value: 1.5 });
    expect(parseField('smoothingSec', '-1')).toEqual({ error: 'Smoothing: seconds from 0 to 3600.' });
    expect(parseField('minDurationSec', '4000')).toEqual({ error: 'Minimum duration: seconds from 0 to 3600.' });
  });

  it('send only what was set', () => {
    expect(localisationArgs({})).toEqual({});
    expect(localisationArgs({ smoothingSec: 1, threshold: undefined })).toEqual({ smoothingSec: 1 });
  });
});
