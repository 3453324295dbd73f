import { describe, it, expect } from 'vitest';
import {
  BACKGROUND_CLASS,
  backgroundSegments,
  dropBlocks,
  fitNormalizer,
  type VideoFeatures,
} from '../../src/training/dataset.js';
import { Rng } from '../../src/util/rng.js';

describe('background segments (the implicit "no action" class)', () => {
  it('covers the unlabelled time of labelled videos, trimmed at the boundaries, dropping short gaps', () => {
    const segs = [
      { videoId: 'a', start: 3, end: 5, classId: 'x' },
      { videoId: 'a', start: 5.5, end: 8, classId: 'y' },
      { videoId: 'b', start: 0, end: 10, classId: 'x' },
    ];
    const durations = new Map([
      ['a', 12],
      ['b', 10],
      ['c', 30],
    ]);
    const bg = backgroundSegments(segs, durations, { minSec: 1, marginSec: 0.25 });
    expect(bg).toEqual([
      { videoId: 'a', start: 0.25, end: 2.75, classId: BACKGROUND_CLASS.id },
      { videoId: 'a', start: 8.25, end: 11.75, classId: BACKGROUND_CLASS.id },
    ]);
  });

  it('handles overlapping labels and videos of unknown length', () => {
    const segs = [
      { videoId: 'a', start: 2, end: 6, classId: 'x' },
      { videoId: 'a', start: 4, end: 5, classId: 'y' },
      { videoId: 'z', start: 0, end: 1, classId: 'x' },
    ];
    const bg = backgroundSegments(segs, new Map([['a', 9]]), { minSec: 1, marginSec: 0 });
    expect(bg).toEqual([
      { videoId: 'a', start: 0, end: 2, classId: BACKGROUND_CLASS.id },
      { videoId: 'a', start: 6, end: 9, classId: BACKGROUND_CLASS.id },
    ]);
  });
});

describe('streams in training', () => {
  const video = (features: number[][]): VideoFeatures => ({
    videoId: 'v',
    featureDim: features[0]!.length,
    fps: 1,
    backboneId: 'b',
    times: Float64Array.from(features, (_, i) => i),
    features: Float32Array.from(features.flat()),
  });

  it('balances blocks of different widths to a total variance of their weight squared', () => {
    // Four dims of one block and one dim of another, each with variance 1 before balancing.
    const v = video([
      [1, 1, 1, 1, 1],
      [-1, -1, -1, -1, -1],
    ]);
    const samples = [{ videoId: 'v', label: 0, start: 0, end: 2 }];
    const plain = fitNormalizer(samples, new Map([['v', v]]), 5);
    expect(Array.from(plain.std)).toEqual([1, 1, 1, 1, 1]);
    const blocks = (w0: number) => [
      { width: 4, weight: w0 },
      { width: 1, weight: 1 },
    ];
    const balanced = fitNormalizer(samples, new Map([['v', v]]), 5, blocks(1));
    // Four dims at std 2 carry a total variance of 4 × (1/2)² = 1, like the one dim at std 1.
    expect(Array.from(balanced.std)).toEqual([2, 2, 2, 2, 1]);
    const damped = fitNormalizer(samples, new Map([['v', v]]), 5, blocks(0.5));
    expect(Array.from(damped.std)).toEqual([4, 4, 4, 4, 1]);
  });

  it('stream dropout blanks whole blocks of a clip, never every block', () => {
    const T = 3;
    const B = 200;
    const D = 5;
    const x = new Float32Array(T * B * D).fill(1);
    dropBlocks(
      { T, B, x, mask: new Float32Array(T * B).fill(1) },
      [
        { width: 3, weight: 1 },
        { width: 2, weight: 1 },
      ],
      0.5,
      new Rng(4),
    );
    let first = 0;
    let second = 0;
    for (let b = 0; b < B; b++) {
      const row = (t: number) => Array.from(x.subarray((t * B + b) * D, (t * B + b + 1) * D));
      const r0 = row(0);
      // The same blocks are blank at every time step of a clip.
      for (let t = 1; t < T; t++) expect(row(t)).toEqual(r0);
      expect(r0.slice(0, 3).every((v) => v === r0[0])).toBe(true);
      expect(r0.slice(3).every((v) => v === r0[3])).toBe(true);
      expect(r0[0]! + r0[3]!).toBeGreaterThan(0);
      if (r0[0] === 0) first++;
      if (r0[3] === 0) second++;
    }
    // p = 0.5 per block, the all-blank draw redrawn: each block blank in about a third of clips.
    expect(first).toBeGreaterThan(40);
    expect(second).toBeGreaterThan(40);
  });
});
