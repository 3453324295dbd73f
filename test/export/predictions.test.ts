import { describe, expect, it } from 'vitest';
import {
  groupRowsByVideo,
  parseCsv,
  parsePredictionsCsv,
  parsePredictionsJson,
  predictionsJsonText,
  toPredictionsCsv,
  toPredictionsJson,
  type PredictionRow,
} from '../../src/export/predictions.js';
import { FramewiseError } from '../../src/errors.js';

const rows: PredictionRow[] = [
  { video: 'clips/a.mp4', start: 0, end: 1.23456, label: 'jumping', score: 0.912345 },
  { video: 'b, "quoted".mp4', start: 2, end: 3, label: 'line\nbreak', score: 0.5, caption: 'a man, "jumping"' },
  { video: 'c.mp4', start: 4, end: 5.5, label: '=HYPERLINK("http://x")', caption: '-1 +2 @me' },
];

describe('predictions CSV', () => {
  it('writes RFC 4180 CSV with fixed decimals and a caption column when needed', () => {
    const csv = toPredictionsCsv(rows);
    expect(csv).toBe(
      'video,start,end,label,score,caption\r\n' +
        'clips/a.mp4,0.000,1.235,jumping,0.9123,\r\n' +
        '"b, ""quoted"".mp4",2.000,3.000,"line\nbreak",0.5000,"a man, ""jumping"""\r\n' +
        `c.mp4,4.000,5.500,"'=HYPERLINK(""http://x"")",,'-1 +2 @me\r\n`,
    );
    expect(toPredictionsCsv(rows.slice(0, 1), { timeDecimals: 1, scoreDecimals: 2 })).toBe(
      'video,start,end,label,score\r\nclips/a.mp4,0.0,1.2,jumping,0.91\r\n',
    );
    expect(toPredictionsCsv([])).toBe('video,start,end,label,score\r\n');
  });

  it('guards every formula trigger and round-trips exactly', () => {
    const tricky = ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', "'=already", "''+x", "'plain", 'fine', ''];
    const input = tricky.map((label, i) => ({ video: `v${i}.mp4`, start: i, end: i + 1, label, caption: label }));
    const csv = toPredictionsCsv(input);
    const cells = parseCsv(csv)
      .slice(1)
      .map((r) => r[3]);
    expect(cells).toEqual([
      "'=1+1",
      "'+1",
      "'-1",
      "'@SUM(A1)",
      "'\tx",
      "'\rx",
      "''=already",
      "'''+x",
      "'plain",
      'fine',
      '',
    ]);
    expect(parsePredictionsCsv(csv)).toEqual(input);
    expect(toPredictionsCsv([{ video: 'v', start: 0, end: 1, label: '=x' }], { formulaGuard: false })).toContain(
      ',=x,',
    );
  });

  it('parses back what it writes', () => {
    const back = parsePredictionsCsv(toPredictionsCsv(rows, { timeDecimals: 5, scoreDecimals: 6 }));
    expect(back).toEqual(
      [{ ...rows[0], caption: '' }, rows[1], { ...(rows[2] as PredictionRow), score: undefined }].map((r) =>
        JSON.parse(JSON.stringify(r)),
      ),
    );
  });

  it('parses LF files, BOM, quoted newlines and reordered columns', () => {
    expect(parseCsv('\uFEFFa,"b\r\nc",d\ne,,""\n')).toEqual([
      ['a', 'b\r\nc', 'd'],
      ['e', '', ''],
    ]);
    expect(parsePredictionsCsv('label,score,video,end,start\nrun,0.25,x.mp4,2,1')).toEqual([
      { video: 'x.mp4', start: 1, end: 2, label: 'run', score: 0.25 },
    ]);
  });

  it('rejects bad rows and bad files with BAD_ARGUMENT', () => {
    expect(() => toPredictionsCsv([{ video: 'v', start: 2, end: 1, label: 'x' }])).toThrow(/rows\[0\]\.end/);
    expect(() => toPredictionsCsv([{ video: 'v', start: 0, end: 1, label: 'x', score: Number.NaN }])).toThrow(
      /rows\[0\]\.score/,
    );
    expect(() => toPredictionsCsv(rows, { timeDecimals: -1 })).toThrow(/timeDecimals/);
    expect(() => parsePredictionsCsv('video,start,end,label\n')).toThrow(/no "score" column/);
    expect(() => parsePredictionsCsv('video,start,end,label,score\nv,abc,1,x,\n')).toThrow(/line 2: start "abc"/);
    expect(() => parseCsv('"open')).toThrow(FramewiseError);
  });
});

describe('predictions JSON', () => {
  it('writes and reads back videos with segments and probability curves', () => {
    const videos = groupRowsByVideo(rows);
    expect(videos.map((v) => [v.video, v.segments.length])).toEqual([
      ['clips/a.mp4', 1],
      ['b, "quoted".mp4', 1],
      ['c.mp4', 1],
    ]);
    videos[0]!.durationSec = 10;
    videos[0]!.curves = {
      times: [0, 0.25, 0.5],
      classes: [
        { label: 'jumping', probabilities: [0.1, 0.8, 0.9] },
        { label: 'running', probabilities: [0.9, 0.2, 0.1] },
      ],
    };
    const text = predictionsJsonText(videos, { model: 'gru-1', createdAt: '2024-01-01T00:00:00.000Z' });
    const back = parsePredictionsJson(text);
    expect(back.format).toBe('framewise-predictions');
    expect(back.model).toBe('gru-1');
    expect(back.videos).toEqual(JSON.parse(JSON.stringify(videos)));
    expect(back.videos[0]?.curves?.classes[1]?.probabilities).toEqual([0.9, 0.2, 0.1]);
  });

  it('names the field at fault', () => {
    const base = toPredictionsJson([{ video: 'a.mp4', segments: [{ start: 0, end: 1, label: 'x' }] }]);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form mutation of parsed JSON
    const mutate = (f: (d: any) => void): string => {
      const d = JSON.parse(JSON.stringify(base));
      f(d);
      return JSON.stringify(d);
    };
    expect(() => parsePredictionsJson('{')).toThrow(/not valid JSON/);
    expect(() => parsePredictionsJson(mutate((d) => (d.format = 'x')))).toThrow(/"format"/);
    expect(() => parsePredictionsJson(mutate((d) => (d.videos[0].segments[0].end = -1)))).toThrow(
      /videos\[0\]\.segments\[0\]\.end/,
    );
    expect(() =>
      parsePredictionsJson(
        mutate((d) => (d.videos[0].curves = { times: [0, 1], classes: [{ label: 'x', probabilities: [1] }] })),
      ),
    ).toThrow(/videos\[0\]\.curves\.classes\[0\]\.probabilities must be 2 numbers/);
    expect(() => parsePredictionsJson(mutate((d) => (d.videos[0].curves = { times: [1, 0], classes: [] })))).toThrow(
      /ascending/,
    );
  });
});
