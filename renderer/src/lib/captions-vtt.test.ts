import { describe, expect, it } from 'vitest';
import { parseWebVtt } from '../../../src/export/subtitles.js';
import { captionAt, captionsToVtt } from './captions-vtt.js';

describe('captionsToVtt', () => {
  it('writes cues the WebVTT parser reads back, escaping markup and dropping empty cues', () => {
    const vtt = captionsToVtt({
      captions: [
        { start: 0, end: 1.5, text: 'a red screen' },
        { start: 1.5, end: 1.5, text: 'zero length' },
        { start: 3661.2345, end: 3662, text: 'cats & <dogs> --> birds' },
        { start: 4000, end: 4001, text: '   ' },
      ],
    });
    expect(vtt.startsWith('WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\na red screen')).toBe(true);
    expect(vtt).toContain('01:01:01.235 --> 01:01:02.000');
    expect(parseWebVtt(vtt).map((c) => c.text)).toEqual(['a red screen', 'cats & <dogs> --> birds']);
  });

  it('captionAt finds the cue covering t, end exclusive', () => {
    const c = {
      captions: [
        { start: 0, end: 2, text: 'one' },
        { start: 2, end: 4, text: 'two' },
      ],
    };
    expect(captionAt(c, 0)).toBe('one');
    expect(captionAt(c, 2)).toBe('two');
    expect(captionAt(c, 4)).toBeNull();
  });
});
