/**
 * A stored evaluation knows what it was scored against: the fingerprint of the evaluated videos'
 * labels changes with any edit of them, and with nothing else.
 */
import { describe, expect, it } from 'vitest';
import { evaluationVideoIds, labelsFingerprint } from '../../src/project/evaluate.js';
import type { ProjectStore } from '../../src/store/project-store.js';

type Seg = ProjectStore['project']['segments'][number];

function store(segments: Partial<Seg>[], testVideos: string[] = []): ProjectStore {
  const segs = segments.map((s, i) => ({
    id: `s${i}`,
    videoId: 'a',
    start: 0,
    end: 1,
    classId: 'x',
    captions: [],
    source: 'user',
    ...s,
  }));
  const videos = ['a', 'b', 'c'].map((id) => ({ id, split: testVideos.includes(id) ? 'test' : 'train' }));
  return { project: { segments: segs, videos } } as unknown as ProjectStore;
}

describe('labelsFingerprint', () => {
  const base = [
    { videoId: 'a', start: 0, end: 1, classId: 'x' },
    { videoId: 'b', start: 2, end: 3, classId: 'y' },
  ];
  const fp = (segs: Partial<Seg>[], ids = ['a', 'b']): string => labelsFingerprint(store(segs), ids);

  it('does not depend on the order of segments or videos', () => {
    expect(fp([...base].reverse(), ['b', 'a'])).toBe(fp(base));
  });

  it('changes with a class, a time, a new segment or another video set', () => {
    const ref = fp(base);
    expect(fp([base[0]!, { ...base[1]!, classId: 'x' }])).not.toBe(ref);
    expect(fp([base[0]!, { ...base[1]!, end: 3.5 }])).not.toBe(ref);
    expect(fp([...base, { videoId: 'a', start: 5, end: 6, classId: 'y' }])).not.toBe(ref);
    expect(fp(base, ['a'])).not.toBe(ref);
  });

  it('ignores videos outside the evaluation, predictions and unlabelled segments', () => {
    const ref = fp(base);
    expect(fp([...base, { videoId: 'c', start: 0, end: 1, classId: 'x' }])).toBe(ref);
    expect(fp([...base, { videoId: 'a', start: 4, end: 5, classId: 'y', source: 'prediction' }])).toBe(ref);
    expect(fp([...base, { videoId: 'a', start: 4, end: 5, classId: null }])).toBe(ref);
  });
});

describe('evaluationVideoIds', () => {
  const s = store([{ videoId: 'a' }, { videoId: 'b' }, { videoId: 'c', classId: null }], ['b', 'c']);
  it('picks the labelled videos of the split', () => {
    expect(evaluationVideoIds(s, ['a'], 'val')).toEqual(['a']);
    expect(evaluationVideoIds(s, undefined, 'val')).toEqual([]);
    expect(evaluationVideoIds(s, undefined, 'test')).toEqual(['b']);
    expect(evaluationVideoIds(s, undefined, 'all')).toEqual(['a', 'b']);
  });
});
