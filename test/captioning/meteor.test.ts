/**
 * METEOR (exact+stem) against values computed by hand from Banerjee & Lavie (2005):
 * Fmean = 10PR / (R + 9P), penalty = 0.5·(chunks / matches)³, score = Fmean·(1 − penalty).
 */
import { describe, expect, it } from 'vitest';
import { evaluateCaptions } from '../../src/captioning/caption-metrics.js';
import { meteor, meteorStats } from '../../src/captioning/meteor.js';

const words = (s: string): string[] => s.split(' ');

describe('METEOR (exact+stem)', () => {
  it('identical sentence: one chunk of 6 → 1 − 0.5/216', () => {
    const r = meteor([{ candidate: 'the cat sat on the mat', references: ['the cat sat on the mat'] }]);
    expect(r.score).toBeCloseTo(1 - 0.5 / 216, 6);
  });

  it('the paper\'s reordering example: 3 chunks of 6 → 0.9375, "the" aligned for fewest chunks', () => {
    const s = meteorStats(words('on the mat sat the cat'), words('the cat sat on the mat'), ['exact']);
    expect(s).toEqual({ matches: 6, candidateLength: 6, referenceLength: 6, chunks: 3 });
    expect(meteor([{ candidate: 'on the mat sat the cat', references: ['the cat sat on the mat'] }]).score).toBeCloseTo(
      0.9375,
      6,
    );
  });

  it('stems match after exact words: "dogs running" ~ "dog runs"', () => {
    const sample = [{ candidate: 'the dogs running', references: ['the dog runs'] }];
    // exact only: m = 1, P = R = 1/3, Fmean = 1/3, penalty 0.5 → 1/6
    expect(meteor(sample, { modules: ['exact'] }).score).toBeCloseTo(1 / 6, 6);
    // with stems: m = 3 in one chunk → 1 − 0.5/27
    expect(meteor(sample).score).toBeCloseTo(1 - 0.5 / 27, 6);
  });

  it('recall weighs 9× precision; best reference per sample; corpus from summed counts', () => {
    // m = 3, P = 1, R = 0.6: Fmean = 6 / 9.6 = 0.625, penalty 0.5/27
    const a = { candidate: 'a red box', references: ['a red box rises quickly', 'nothing alike'] };
    // m = 2 in 2 chunks (a→0, box→2), P = 1, R = 2/3
    const b = { candidate: 'a box', references: ['a red box'] };
    const r = meteor([a, b]);
    expect(r.perSample[0]).toBeCloseTo(0.625 * (1 - 0.5 / 27), 6);
    const fb = (10 * (2 / 3)) / (2 / 3 + 9);
    expect(r.perSample[1]).toBeCloseTo(fb * (1 - 0.5 * 1), 6);
    // totals: m = 5, |c| = 5, |r| = 8, chunks = 3 → P = 1, R = 0.625
    expect(r.totals).toEqual({ matches: 5, candidateLength: 5, referenceLength: 8, chunks: 3 });
    expect(r.score).toBeCloseTo((6.25 / 9.625) * (1 - 0.5 * 0.6 ** 3), 6);
  });

  it('no match → 0; evaluateCaptions reports it beside BLEU', () => {
    expect(meteor([{ candidate: 'blue disc', references: ['red box'] }]).score).toBe(0);
    const s = evaluateCaptions([{ candidate: 'a red box rises', references: ['a red box rises'] }]);
    expect(s.meteor).toBeCloseTo(1 - 0.5 / 64, 6);
    expect(() => meteor([])).toThrow(/at least one/);
  });
});
