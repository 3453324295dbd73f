import { describe, expect, it } from 'vitest';
import {
  detectCaptionFormat,
  matchCaptionKeys,
  parseActivityNet,
  parseCaptionDataset,
  parseMsrVtt,
  parseMsvd,
} from '../../src/captioning/import.js';
import { FramewiseError } from '../../src/errors.js';

const MSRVTT = {
  info: { year: 2016 },
  videos: [
    {
      category: 9,
      url: 'https://www.youtube.com/watch?v=9lZi22qLlEo',
      video_id: 'video0',
      'start time': 137.72,
      'end time': 149.44,
      split: 'train',
      id: 0,
    },
    { category: 16, video_id: 'video1', 'start time': 184.33, 'end time': 206.89, split: 'train', id: 1 },
    { video_id: 'video2' },
  ],
  sentences: [
    { caption: 'a car is shown', video_id: 'video0', sen_id: 0 },
    { caption: '  a man drives a car ', video_id: 'video0', sen_id: 1 },
    { caption: 'a woman is singing', video_id: 'video1', sen_id: 2 },
    { caption: 'orphan', video_id: 'video99', sen_id: 3 },
  ],
};

const MSVD = { vid1: ['A man is slicing a tomato.', 'someone cuts a tomato'], '-4wsuPCjDBc_5_15': ['a cat plays'] };

const ANET = {
  v_QOlSCBRmfWY: {
    duration: 82.73,
    timestamps: [
      [0.83, 19.86],
      [17.37, 60.81],
      [56.26, 79.42],
    ],
    sentences: [' A young woman is seen standing in a room.', ' She then begins to dance.', ' She ends by bowing.'],
  },
  v_ehGHCYKzyZ8: { duration: 61.72, timestamps: [[0, 70]], sentences: ['A man runs.'] },
};

describe('caption dataset import', () => {
  it('detects the format', () => {
    expect(detectCaptionFormat(MSRVTT)).toBe('msrvtt');
    expect(detectCaptionFormat(MSVD)).toBe('msvd');
    expect(detectCaptionFormat(ANET)).toBe('activitynet');
    expect(detectCaptionFormat([])).toBeUndefined();
    expect(detectCaptionFormat({ a: 1 })).toBeUndefined();
    expect(() => parseCaptionDataset({ a: 1 })).toThrow(/unrecognized caption format/);
    expect(() => parseCaptionDataset('{nope', { source: 'train.json' })).toThrow(/train\.json is not valid JSON/);
  });

  it('reads MSR-VTT: whole-clip captions, source times kept separately', () => {
    const d = parseCaptionDataset(JSON.stringify(MSRVTT));
    expect(d.format).toBe('msrvtt');
    expect(d.entries).toEqual([
      {
        videoKey: 'video0',
        sourceStart: 137.72,
        sourceEnd: 149.44,
        sentences: ['a car is shown', 'a man drives a car'],
      },
      { videoKey: 'video1', sourceStart: 184.33, sourceEnd: 206.89, sentences: ['a woman is singing'] },
      { videoKey: 'video99', sentences: ['orphan'] },
    ]);
    expect(d.warnings).toEqual([
      'sentences[3].video_id "video99" is not in "videos"',
      'video "video2" has no captions; skipped',
    ]);
  });

  it('reads the MSVD mapping', () => {
    const d = parseMsvd(MSVD);
    expect(d.entries).toEqual([
      { videoKey: 'vid1', sentences: ['A man is slicing a tomato.', 'someone cuts a tomato'] },
      { videoKey: '-4wsuPCjDBc_5_15', sentences: ['a cat plays'] },
    ]);
  });

  it('reads ActivityNet Captions: one timed entry per sentence', () => {
    const d = parseActivityNet(ANET);
    expect(d.entries).toHaveLength(4);
    expect(d.entries[0]).toEqual({
      videoKey: 'v_QOlSCBRmfWY',
      start: 0.83,
      end: 19.86,
      sentences: ['A young woman is seen standing in a room.'],
      duration: 82.73,
    });
    expect(d.warnings).toEqual(['["v_ehGHCYKzyZ8"].timestamps[0]: end 70 is after the duration 61.72']);
    const odd = parseActivityNet({
      v_x: {
        duration: 10,
        timestamps: [
          [-1, 2],
          [5, 5],
        ],
        sentences: ['a', 'b'],
      },
    });
    expect(odd.entries).toEqual([{ videoKey: 'v_x', start: 0, end: 2, sentences: ['a'], duration: 10 }]);
    expect(odd.warnings).toHaveLength(2);
  });

  it('rejects bad shapes with BAD_ARGUMENT naming the field', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => parseMsrVtt({ videos: {}, sentences: [] }), /"videos" must be an array/],
      [
        () => parseMsrVtt({ videos: [{ video_id: 3 }], sentences: [] }),
        /videos\[0\]\.video_id must be a non-empty string/,
      ],
      [
        () => parseMsrVtt({ videos: [{ video_id: 'a', 'start time': 'x' }], sentences: [] }),
        /videos\[0\]\["start time"\]/,
      ],
      [
        () => parseMsrVtt({ videos: [], sentences: [{ video_id: 'a', caption: 1 }] }),
        /sentences\[0\]\.caption must be a string/,
      ],
      [
        () => parseMsrVtt({ videos: [{ video_id: 'a' }, { video_id: 'a' }], sentences: [] }),
        /videos\[1\]\.video_id "a" appears twice/,
      ],
      [() => parseMsvd({ vid1: ['ok', 5] }), /\["vid1"\]\[1\] must be a string/],
      [
        () => parseActivityNet({ v_a: { duration: 5, timestamps: [[0, 1]], sentences: [] } }),
        /timestamps has 1 entries but .*sentences has 0/,
      ],
      [
        () => parseActivityNet({ v_a: { duration: 5, timestamps: [[0]], sentences: ['x'] } }),
        /\["v_a"\]\.timestamps\[0\] must be a \[start, end\] pair/,
      ],
      [() => parseActivityNet({ v_a: { duration: -5, timestamps: [], sentences: [] } }), /\["v_a"\]\.duration/],
      [
        () => parseCaptionDataset([1, 2], { format: 'msvd', source: 'msvd.json' }),
        /^msvd\.json: must be a JSON object/,
      ],
    ];
    for (const [f, re] of cases) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err, String(re)).toBeInstanceOf(FramewiseError);
      expect((err as FramewiseError).code).toBe('BAD_ARGUMENT');
      expect((err as FramewiseError).message).toMatch(re);
    }
  });
});

describe('matchCaptionKeys', () => {
  const videos = [
    { id: 'a', path: '/data/msrvtt/video0.mp4' },
    { id: 'b', path: 'clips\\vid1.avi' },
    { id: 'c', path: '/anet/v_QOlSCBRmfWY.mkv' },
    { id: 'd', path: '/anet/ehGHCYKzyZ8.mp4' },
    { id: 'e', path: '/x/dup.mp4' },
    { id: 'f', path: '/y/dup.mp4' },
    { id: 'g', path: '/z/video10.webm' },
  ];

  it('matches by basename with or without extension and the v_ prefix, reports the rest', () => {
    const m = matchCaptionKeys(
      ['video0', 'vid1.avi', 'v_QOlSCBRmfWY', 'v_ehGHCYKzyZ8', 'QOlSCBRmfWY', 'dup', 'video1', 'VIDEO0', 'video0'],
      videos,
    );
    expect([...m.matched]).toEqual([
      ['video0', 'a'],
      ['vid1.avi', 'b'],
      ['v_QOlSCBRmfWY', 'c'],
      ['v_ehGHCYKzyZ8', 'd'],
      ['QOlSCBRmfWY', 'c'],
    ]);
    expect(m.ambiguous).toEqual([{ key: 'dup', videoIds: ['e', 'f'] }]);
    // "video1" must not match "video10"; matching is case-sensitive.
    expect(m.unmatched).toEqual(['video1', 'VIDEO0']);
  });

  it('prefers an exact name over a v_-prefix match', () => {
    const m = matchCaptionKeys(
      ['v_abc'],
      [
        { id: 'plain', path: 'abc.mp4' },
        { id: 'prefixed', path: 'v_abc.mp4' },
      ],
    );
    expect(m.matched.get('v_abc')).toBe('prefixed');
  });

  it('works end to end with parsed entries', () => {
    const d = parseCaptionDataset(ANET);
    const m = matchCaptionKeys(
      d.entries.map((e) => e.videoKey),
      videos,
    );
    expect(m.unmatched).toEqual([]);
    expect(d.entries.filter((e) => m.matched.get(e.videoKey) === 'c')).toHaveLength(3);
  });
});
