import { describe, expect, it } from 'vitest';
import { parseWebVtt, toWebVtt } from '../../../src/export/subtitles.js';
import { captionAt, captionsToVtt, trackCues } from './captions-vtt.js';

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

describe('one WebVTT writer for the player track and the exported file', () => {
  const tricky = [
    'cats & dogs',
    'already escaped: &amp; &lt;b&gt;',
    '<b>bold</b> <v Roger>voice</v> a<b',
    'a --> b',
    'x-->y--->z',
    '-->',
    'first\n\nafter a blank line',
    'windows\r\nline ends\rand old Mac ones',
    '42',
    'NOTE not a comment',
    'WEBVTT',
    '  padded  ',
    'Ünïcödé ✓ 字幕 🎬',
    '00:00:09.000 --> 00:00:10.000',
  ];
  const captions = tricky.map((text, i) => ({ start: i * 2, end: i * 2 + 1.5, text }));

  it('the renderer path is the core writer, byte for byte', () => {
    const track = captionsToVtt({ captions });
    expect(track).toBe(toWebVtt(trackCues({ captions }), { cueIds: true }));
    // Without the cue numbers it is exactly what "Export → Captions (WebVTT)" writes. An escaped cue
    // line can never look like a timing line, so only identifier lines match here.
    const withoutIds = track.replace(/^\d+\n(?=\d{2,}:\d{2}:\d{2}\.\d{3} --> )/gm, '');
    expect(withoutIds).toBe(toWebVtt(captions));
  });

  it('escapes &, < and >, so no cue text contains "-->" and markup stays text', () => {
    const track = captionsToVtt({ captions });
    const lines = track.split('\n');
    const timing = lines.filter((l) => l.includes('-->'));
    expect(timing).toHaveLength(tricky.length);
    for (const l of timing) expect(l).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3} --> \d{2}:\d{2}:\d{2}\.\d{3}$/);
    expect(track).toContain('cats &amp; dogs');
    expect(track).toContain('already escaped: &amp;amp; &amp;lt;b&amp;gt;');
    expect(track).toContain('&lt;b&gt;bold&lt;/b&gt; &lt;v Roger&gt;voice&lt;/v&gt; a&lt;b');
    expect(track).toContain('x--&gt;y---&gt;z');
    const clean = (t: string): string =>
      t
        .replace(/\r\n?/g, '\n')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '')
        .join('\n');
    expect(parseWebVtt(track).map((c) => c.text)).toEqual(tricky.map(clean));
  });

  it('leaves out cues the track cannot show instead of failing', () => {
    const odd = [
      { start: Number.NaN, end: 1, text: 'nan' },
      { start: 0, end: Number.POSITIVE_INFINITY, text: 'forever' },
      { start: -1, end: 0.5, text: 'starts before zero' },
      { start: 2, end: 1, text: 'backwards' },
    ];
    expect(captionsToVtt({ captions: odd })).toBe('WEBVTT\n\n1\n00:00:00.000 --> 00:00:00.500\nstarts before zero\n');
  });
});
