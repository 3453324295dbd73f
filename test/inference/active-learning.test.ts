import { describe, it, expect } from 'vitest';
import { entropy, rankByUncertainty } from '../../src/inference/active-learning.js';

const w = (videoId: string, start: number, stop: number, probs: number[]) => ({
  videoId,
  first: 0,
  end: 0,
  start,
  stop,
  probs: Float32Array.from(probs),
});

describe('active learning', () => {
  it('normalises entropy to [0, 1]', () => {
    expect(entropy([0.5, 0.5])).toBeCloseTo(1, 6);
    expect(entropy([1, 0, 0])).toBe(0);
    expect(entropy([1 / 3, 1 / 3, 1 / 3])).toBeCloseTo(1, 6);
  });

  it('ranks the most uncertain unlabelled windows first, without overlaps', () => {
    const cands = [
      w('a', 0, 4, [0.9, 0.1]), // confident
      w('a', 2, 6, [0.5, 0.5]), // most uncertain, but overlaps a label
      w('a', 8, 12, [0.55, 0.45]), // uncertain
      w('a', 10, 14, [0.52, 0.48]), // more uncertain, overlaps the one above
      w('b', 0, 4, [0.7, 0.3]),
    ];
    const s = rankByUncertainty(cands, [{ videoId: 'a', start: 5, end: 6 }], ['x', 'y'], 3);
    expect(s.map((x) => [x.videoId, x.start])).toEqual([
      ['a', 10],
      ['b', 0],
      ['a', 0],
    ]);
    expect(s[0]!.top[0]).toEqual({ classId: 'x', probability: expect.closeTo(0.52, 5) });
    expect(s[0]!.uncertainty).toBeGreaterThan(s[1]!.uncertainty);
    expect(rankByUncertainty(cands, [], ['x', 'y'], 1)).toHaveLength(1);
  });
});
