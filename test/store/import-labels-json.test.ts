/**
 * Labels JSON in ActivityNet's layout: Framewise's own export and ActivityNet v1.3 files read into
 * import rows, with the held-out subsets, and clear errors on malformed files.
 */
import { describe, expect, it } from 'vitest';
import { toLabelsJson } from '../../src/export/labels-json.js';
import { isLabelsJson, parseLabelsJson, parseLabelsJsonText } from '../../src/store/import-labels-json.js';

describe('labels JSON', () => {
  it('writes one entry per video, unique keys for files of the same stem, the test split as "testing"', () => {
    const json = toLabelsJson(
      [{ file: '/a/clip.mp4', durationSec: 3.14159 }, { file: '/b/clip.avi', split: 'test' }, { file: '/c/empty.mp4' }],
      [
        { file: '/b/clip.avi', start: 1, end: 2, label: '', captions: ['only a caption'] },
        { file: '/a/clip.mp4', start: 0.1234, end: 1, label: 'wave', captions: [] },
      ],
    );
    expect(json.database).toEqual({
      clip: {
        file: '/a/clip.mp4',
        duration: 3.142,
        subset: 'training',
        annotations: [{ segment: [0.123, 1], label: 'wave', sentences: [] }],
      },
      clip_2: {
        file: '/b/clip.avi',
        subset: 'testing',
        annotations: [{ segment: [1, 2], sentences: ['only a caption'] }],
      },
      empty: { file: '/c/empty.mp4', subset: 'training', annotations: [] },
    });
    const { rows, heldOut } = parseLabelsJson(json);
    expect(rows).toEqual([
      { video: '/a/clip.mp4', start: 0.123, end: 1, label: 'wave' },
      { video: '/b/clip.avi', start: 1, end: 2, label: '', captions: ['only a caption'] },
    ]);
    expect([...heldOut]).toEqual(['/b/clip.avi']);
  });

  it('reads ActivityNet v1.3 files: keys as video ids, validation and testing held out', () => {
    const data = {
      version: 'VERSION 1.3',
      database: {
        v_abc: { subset: 'validation', duration: 20, annotations: [{ segment: [2.5, 8], label: 'Long jump' }] },
        v_def: { subset: 'training', duration: 10, annotations: [] },
      },
    };
    expect(isLabelsJson(data)).toBe(true);
    expect(isLabelsJson({ v_abc: { timestamps: [], sentences: [] } })).toBe(false);
    const { rows, heldOut } = parseLabelsJson(data);
    expect(rows).toEqual([{ video: 'v_abc', start: 2.5, end: 8, label: 'Long jump' }]);
    expect([...heldOut]).toEqual(['v_abc']);
  });

  it('says what is wrong with a malformed file', () => {
    const bad =
      (database: unknown): (() => unknown) =>
      () =>
        parseLabelsJson({ database }, 'x.json');
    expect(bad({ a: { annotations: [{ segment: [1] }] } })).toThrow(
      /x\.json: database\["a"\]\.annotations\[0\]\.segment must be a \[start, end\] pair/,
    );
    expect(bad({ a: { annotations: [{ segment: [3, 1] }] } })).toThrow(/must have 0 ≤ start < end/);
    expect(bad({ a: { annotations: [{ segment: [0, 1], label: 4 }] } })).toThrow(/label must be a string/);
    expect(bad({ a: { annotations: [{ segment: [0, 1], sentences: 'hi' }] } })).toThrow(
      /sentences must be an array of strings/,
    );
    expect(bad({ a: 3 })).toThrow(/database\["a"\] must be an object/);
    expect(() => parseLabelsJson([], 'x.json')).toThrow(/"database"/);
    expect(() => parseLabelsJsonText('{ nope', 'y.json')).toThrow(/y\.json is not valid JSON/);
  });
});
