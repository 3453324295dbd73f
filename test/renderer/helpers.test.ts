/** The renderer's pure helpers (no DOM): formatting and error messages shown to people. */
import { describe, expect, it } from 'vitest';
import { ApiCallError, toApiCallError } from '../../renderer/src/errors.js';
import { basename, formatDuration, formatEta, formatRate, parsePathList, percent } from '../../renderer/src/format.js';

describe('toApiCallError', () => {
  it('keeps code and message from a core error envelope', () => {
    const e = toApiCallError({ code: 'NOT_A_VIDEO', message: 'notes.txt is not a video.' });
    expect(e).toBeInstanceOf(ApiCallError);
    expect(e.code).toBe('NOT_A_VIDEO');
    expect(e.message).toBe('notes.txt is not a video.');
  });

  it('strips the Electron IPC prefix', () => {
    const e = toApiCallError(new Error("Error invoking remote method 'api': Error: disk full"));
    expect(e.message).toBe('disk full');
  });

  it('never produces an empty or [object Object] message', () => {
    for (const v of [undefined, null, {}, { code: 'X' }, '', 42, { message: '' }]) {
      const e = toApiCallError(v);
      expect(e.message.length, String(v)).toBeGreaterThan(10);
      expect(e.message).not.toContain('[object');
    }
  });
});

describe('format', () => {
  it('formats durations', () => {
    expect(formatDuration(3)).toBe('0:03');
    expect(formatDuration(3.2)).toBe('0:03');
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(undefined)).toBe('–');
    expect(formatDuration(Number.NaN)).toBe('–');
  });

  it('formats ETA, rate and percent', () => {
    expect(formatEta(null)).toBe('–');
    expect(formatEta(0.2)).toBe('<1 s');
    expect(formatEta(42)).toBe('42 s');
    expect(formatEta(125)).toBe('2:05');
    expect(formatRate(0)).toBe('–');
    expect(formatRate(12.345)).toBe('12.3 fps');
    expect(formatRate(250.4)).toBe('250 fps');
    expect(percent(5, 10)).toBe(50);
    expect(percent(5, 0)).toBe(0);
    expect(percent(20, 10)).toBe(100);
  });

  it('parses pasted path lists', () => {
    expect(parsePathList(' /a/b.mp4 \n\n"/c d/e.mov"\r\n\'/f.mkv\'')).toEqual(['/a/b.mp4', '/c d/e.mov', '/f.mkv']);
    expect(basename('/a/b/c.mp4')).toBe('c.mp4');
    expect(basename('C:\\x\\y.mp4')).toBe('y.mp4');
  });
});
