import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cuesFromSegments,
  formatTimestamp,
  parseSrt,
  parseWebVtt,
  toSrt,
  toWebVtt,
  type SubtitleCue,
} from '../../src/export/subtitles.js';
import type { Segment } from '../../src/store/schema.js';

describe('timestamps', () => {
  it('formats SRT and WebVTT timestamps with millisecond rounding', () => {
    expect(formatTimestamp(0)).toBe('00:00:00,000');
    expect(formatTimestamp(0, '.')).toBe('00:00:00.000');
    expect(formatTimestamp(1.5)).toBe('00:00:01,500');
    expect(formatTimestamp(59.9995)).toBe('00:01:00,000'); // half rounds up although the double is 59.99949999…
    expect(formatTimestamp(59.9994)).toBe('00:00:59,999');
    expect(formatTimestamp(1.0005)).toBe('00:00:01,001');
    expect(formatTimestamp(0.0004)).toBe('00:00:00,000');
    expect(formatTimestamp(3599.9999)).toBe('01:00:00,000');
    expect(formatTimestamp(3661.001, '.')).toBe('01:01:01.001');
    expect(formatTimestamp(3600 * 100)).toBe('100:00:00,000');
    expect(formatTimestamp(3600 * 123 + 0.25, '.')).toBe('123:00:00.250');
    expect(() => formatTimestamp(-1)).toThrow(/≥ 0/);
    expect(() => formatTimestamp(Number.NaN)).toThrow(/finite/);
  });
});

describe('toSrt / toWebVtt', () => {
  const cues: SubtitleCue[] = [
    { start: 4, end: 6, text: 'third' },
    { start: 0, end: 2.5, text: 'first\nsecond line' },
    { start: 2, end: 5, text: 'overlapping' },
  ];

  it('writes sorted, numbered SRT cues', () => {
    expect(toSrt(cues)).toBe(
      '1\n00:00:00,000 --> 00:00:02,500\nfirst\nsecond line\n\n' +
        '2\n00:00:02,000 --> 00:00:05,000\noverlapping\n\n' +
        '3\n00:00:04,000 --> 00:00:06,000\nthird\n',
    );
  });

  it('writes a WEBVTT header and sorted cues', () => {
    expect(toWebVtt(cues)).toBe(
      'WEBVTT\n\n' +
        '00:00:00.000 --> 00:00:02.500\nfirst\nsecond line\n\n' +
        '00:00:02.000 --> 00:00:05.000\noverlapping\n\n' +
        '00:00:04.000 --> 00:00:06.000\nthird\n',
    );
    expect(toWebVtt([])).toBe('WEBVTT\n');
  });

  it('skips empty texts, collapses blank lines, normalises CR', () => {
    const srt = toSrt([
      { start: 0, end: 1, text: '  ' },
      { start: 1, end: 2, text: 'a\r\n\r\n  \r\nb\rc  ' },
      { start: 2, end: 3, text: '' },
    ]);
    expect(srt).toBe('1\n00:00:01,000 --> 00:00:02,000\na\nb\nc\n');
  });

  it('keeps cues that rounding would invert as zero-length, and rejects end < start', () => {
    expect(toSrt([{ start: 1.0005, end: 1.0005, text: 'x' }])).toContain('00:00:01,001 --> 00:00:01,001');
    expect(toSrt([{ start: 1.0004, end: 1.00041, text: 'x' }])).toContain('00:00:01,000 --> 00:00:01,000');
    expect(() => toSrt([{ start: 2, end: 1, text: 'x' }])).toThrow(/cues\[0\]\.end \(1\) is before its start/);
    expect(() => toWebVtt([{ start: -1, end: 1, text: 'x' }])).toThrow(/cues\[0\]\.start/);
  });

  it('escapes WebVTT text and defuses "-->" in both formats', () => {
    const tricky = 'Tom & Jerry <i>run</i> --> away\n00:00:09,000 --> 00:00:10,000';
    const vtt = toWebVtt([{ start: 0, end: 1, text: tricky }]);
    expect(vtt).toBe(
      'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nTom &amp; Jerry &lt;i&gt;run&lt;/i&gt; --&gt; away\n00:00:09,000 --&gt; 00:00:10,000\n',
    );
    expect(parseWebVtt(vtt)).toEqual([{ start: 0, end: 1, text: tricky }]);
    const srt = toSrt([{ start: 0, end: 1, text: 'a ---> b --> c' }]);
    expect(srt).toBe('1\n00:00:00,000 --> 00:00:01,000\na -> b -> c\n');
    expect(parseSrt(srt)).toHaveLength(1);
  });

  it('round-trips through the parsers, including edge timestamps', () => {
    const many: SubtitleCue[] = [
      { start: 0, end: 0.001, text: 'zero' },
      { start: 59.999, end: 60, text: 'minute' },
      { start: 1.25, end: 3, text: 'two\nlines' },
      { start: 3600 * 100, end: 3600 * 100 + 1.5, text: 'a hundred hours' },
      { start: 2, end: 2.5, text: 'Ünïcödé ✓ 字幕' },
    ];
    const sorted = [...many].sort((a, b) => a.start - b.start);
    expect(parseSrt(toSrt(many))).toEqual(sorted);
    expect(parseWebVtt(toWebVtt(many))).toEqual(sorted);
  });

  it('parses files written by other tools (BOM, CRLF, ids, settings, NOTE blocks, mm:ss)', () => {
    const vtt =
      '\uFEFFWEBVTT - title\r\n\r\nNOTE a comment\r\nmore\r\n\r\nSTYLE\r\n::cue { color: red }\r\n\r\n' +
      'intro\r\n00:01.000 --> 00:02.500 align:start line:0\r\nHello &amp; bye&#33;\r\n\r\n\r\n' +
      '01:00:00.000 --> 01:00:01.000\r\nlast\r\n';
    expect(parseWebVtt(vtt)).toEqual([
      { start: 1, end: 2.5, text: 'Hello & bye!' },
      { start: 3600, end: 3601, text: 'last' },
    ]);
    const srt = '\uFEFF1\r\n00:00:01,000 --> 00:00:02,000\r\nHi\r\n\r\n2\r\n00:00:03,5 --> 00:00:04,000\r\nthere\r\n';
    expect(parseSrt(srt)).toEqual([
      { start: 1, end: 2, text: 'Hi' },
      { start: 3.5, end: 4, text: 'there' },
    ]);
    expect(() => parseWebVtt('1\n00:00:01,000 --> 00:00:02,000\nHi\n')).toThrow(/WEBVTT/);
    expect(() => parseSrt('1\n00:00:01 --> 00:00:02,000\nHi\n')).toThrow(/not a timestamp/);
  });

  it('makes cues from project segments', () => {
    const seg = (over: Partial<Segment>): Segment => ({
      id: 's',
      videoId: 'v1',
      start: 0,
      end: 1,
      classId: null,
      captions: [],
      source: 'user',
      ...over,
    });
    const segments = [
      seg({ start: 1, end: 2, classId: 'c1', captions: ['a man jumps', 'someone jumps'] }),
      seg({ start: 3, end: 4, classId: null, captions: ['no label'] }),
      seg({ videoId: 'v2', captions: ['other video'] }),
    ];
    const classes = [{ id: 'c1', name: 'Jumping', color: '#ff0000' }];
    expect(cuesFromSegments(segments, { videoId: 'v1' })).toEqual([
      { start: 1, end: 2, text: 'a man jumps' },
      { start: 3, end: 4, text: 'no label' },
    ]);
    expect(cuesFromSegments(segments, { videoId: 'v1', classes, text: 'label+caption' })[0]?.text).toBe(
      'Jumping\na man jumps',
    );
    // Unlabelled segments produce empty text, which the writers skip.
    expect(parseSrt(toSrt(cuesFromSegments(segments, { videoId: 'v1', classes, text: 'label' })))).toEqual([
      { start: 1, end: 2, text: 'Jumping' },
    ]);
  });
});

const ffmpeg = process.env['FFMPEG_PATH'] ?? '/usr/bin/ffmpeg';

describe.skipIf(!existsSync(ffmpeg))('ffmpeg accepts the output', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'framewise-subs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cues: SubtitleCue[] = [
    { start: 0, end: 1.5, text: 'Tom & Jerry <i>run</i> --> away' },
    { start: 1, end: 3, text: 'overlapping\ntwo lines' },
    { start: 4, end: 4, text: 'zero length' },
    { start: 5, end: 6, text: '00:00:09,000 --> 00:00:10,000' },
    { start: 59.9995, end: 61, text: 'rounded to a minute' },
    { start: 7, end: 8, text: '   ' },
    { start: 3600 * 100, end: 3600 * 100 + 1.25, text: 'a hundred hours' },
    { start: 9, end: 10, text: '2\n\nblank line inside' },
  ];
  const expectedTimes = [
    [0, 1.5],
    [1, 3],
    [4, 4],
    [5, 6],
    [9, 10],
    [60, 61],
    [360000, 360001.25],
  ];

  const convert = (file: string): SubtitleCue[] => {
    const r = spawnSync(ffmpeg, ['-nostdin', '-v', 'error', '-i', file, '-f', 'srt', '-'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return parseSrt(r.stdout);
  };

  it('reads the SRT with the same cues and times', () => {
    const file = path.join(dir, 'out.srt');
    writeFileSync(file, toSrt(cues));
    const back = convert(file);
    expect(back.map((c) => [c.start, c.end])).toEqual(expectedTimes);
    expect(back[1]?.text).toBe('overlapping\ntwo lines');
  });

  it('reads the WebVTT with the same cues and times', () => {
    const file = path.join(dir, 'out.vtt');
    writeFileSync(file, toWebVtt(cues));
    const back = convert(file);
    expect(back.map((c) => [c.start, c.end])).toEqual(expectedTimes);
    expect(back[0]?.text).toContain('Tom & Jerry');
    expect(back[3]?.text).toBe('00:00:09,000 --> 00:00:10,000'); // one cue, not a new timing line
  });
});
