import { describe, expect, it } from 'vitest';
import {
  bleu,
  ciderD,
  evaluateCaptions,
  lcsLength,
  rougeL,
  type CaptionSample,
} from '../../src/captioning/caption-metrics.js';
import { FramewiseError } from '../../src/errors.js';

const one = (candidate: string, ...references: string[]): CaptionSample => ({ candidate, references });

/*
 * A small video-caption corpus. The `COCO` numbers below were produced by running the original
 * pycocoevalcap scorers (github.com/tylin/coco-caption @3a9afb2: bleu_scorer.py with
 * option='closest', cider_scorer.py with n=4 sigma=6, rouge.py with beta=1.2), mechanically
 * ported to Python 3 (xrange→range, iteritems→items), on exactly these (already lowercased,
 * punctuation-free) sentences. coco-caption's BLEU adds 1e-15/1e-9 to precisions, so BLEU agrees to
 * ~1e-10; CIDEr-D and ROUGE-L are exact up to float rounding.
 */
const CORPUS: CaptionSample[] = [
  one(
    'a man is playing a guitar',
    'a man is playing a guitar',
    'a person plays the guitar',
    'a man plays an instrument',
  ),
  one(
    'a woman is cutting onions',
    'a woman is slicing an onion',
    'someone is chopping onions',
    'a lady cuts onions in a kitchen',
  ),
  one('a dog runs', 'a dog is running in the park', 'a puppy runs on grass'),
  one('the cat the cat the cat', 'a cat sits on a mat', 'the cat is sleeping'),
];
const COCO = {
  bleu: [0.7134220683041934, 0.617841634768007, 0.5328555071913662, 0.4819880045531304],
  testlen: 20,
  reflen: 21,
  cider: 1.8137569659352066,
  ciderPer: [4.052302520747075, 1.3626959158343879, 1.1427543613195368, 0.6972750658398261],
  rouge: 0.6075135626097946,
  rougePer: [1.0, 0.5366568914956013, 0.47843137254901963, 0.4149659863945578],
};

// Papineni et al. 2002, "BLEU: a method for automatic evaluation of machine translation", §2.1.
const PAPINENI_REFS = [
  'It is a guide to action that ensures that the military will forever heed Party commands.',
  'It is the guiding principle which guarantees the military forces always being under the command of the Party.',
  'It is the practical guide for the army always to heed the directions of the party.',
];
const PAPINENI_C1 = 'It is a guide to action which ensures that the military always obeys the commands of the party.';
const PAPINENI_C2 = 'It is to insure the troops forever hearing the activity guidebook that party direct.';

describe('BLEU', () => {
  it('is 1 for identical sentences', () => {
    const r = bleu([one('a man is playing a guitar', 'a man is playing a guitar', 'something else entirely')]);
    expect(r.scores).toEqual([1, 1, 1, 1]);
    expect(r.brevityPenalty).toBe(1);
  });

  it('reproduces the modified n-gram precisions of Papineni et al. §2.1', () => {
    // Paper: candidate 1 has modified unigram precision 17/18 and bigram precision 10/17;
    // candidate 2 has 8/14 and 1/13; "the the the the the the the" has 2/7.
    const c1 = bleu([{ candidate: PAPINENI_C1, references: PAPINENI_REFS }]);
    expect(c1.matches.slice(0, 2)).toEqual([17, 10]);
    expect(c1.totals.slice(0, 2)).toEqual([18, 17]);
    const c2 = bleu([{ candidate: PAPINENI_C2, references: PAPINENI_REFS }]);
    expect(c2.matches.slice(0, 2)).toEqual([8, 1]);
    expect(c2.totals.slice(0, 2)).toEqual([14, 13]);
    const c3 = bleu([one('the the the the the the the', 'The cat is on the mat.', 'There is a cat on the mat.')]);
    expect(c3.precisions[0]).toBeCloseTo(2 / 7, 15);
    expect(c3.matches[1]).toBe(0);
  });

  it('gives the well-known BLEU-4 of Papineni candidate 1 (0.5045666840…, as NLTK documents)', () => {
    // p1..p4 = 17/18, 10/17, 7/16, 4/15; closest reference length 18 = candidate length, so BP = 1.
    const r = bleu([{ candidate: PAPINENI_C1, references: PAPINENI_REFS }]);
    expect(r.matches).toEqual([17, 10, 7, 4]);
    expect(r.totals).toEqual([18, 17, 16, 15]);
    const expected4 = Math.pow((17 / 18) * (10 / 17) * (7 / 16) * (4 / 15), 1 / 4);
    expect(r.scores[3]).toBeCloseTo(expected4, 14);
    expect(r.scores[3]).toBeCloseTo(0.5045666840058485, 12); // nltk sentence_bleu docstring value
    // coco-caption (smoothed by 1e-15/1e-9) prints 0.9444444443395061, 0.7453559924158948,
    // 0.6240726988634099, 0.5045666839470958 for this single sample.
    expect(r.scores[0]).toBeCloseTo(0.9444444443395061, 9);
    expect(r.scores[1]).toBeCloseTo(0.7453559924158948, 9);
    expect(r.scores[2]).toBeCloseTo(0.6240726988634099, 9);
    expect(r.brevityPenalty).toBe(1);
  });

  it('applies the brevity penalty with the closest reference length (ties → shorter)', () => {
    // Candidate of 3 words, refs of 4 and 6 words → r = 4; p1 = p2 = p3 = 1, p4 undefined → 0.
    const r = bleu([one('a b c', 'a b c d', 'a b c d e f')]);
    expect(r.referenceLength).toBe(4);
    expect(r.brevityPenalty).toBeCloseTo(Math.exp(1 - 4 / 3), 15);
    expect(r.scores[0]).toBeCloseTo(Math.exp(1 - 4 / 3), 15);
    expect(r.scores[2]).toBeCloseTo(Math.exp(1 - 4 / 3), 15);
    expect(r.scores[3]).toBe(0);
    // Candidate of 4 words, refs of 3 and 5 words: both 1 away → coco-caption picks 3 → BP = 1.
    expect(bleu([one('a b c d', 'a b c', 'a b c d e')]).referenceLength).toBe(3);
    // Longer candidate than references: no penalty.
    expect(bleu([one('a b c d e', 'a b c')]).brevityPenalty).toBe(1);
  });

  it('is corpus-level: sums matches and lengths before dividing', () => {
    // Sample 1: "a b" vs "a b" → 2/2 unigrams, 1/1 bigrams. Sample 2: "x y z w" vs "x q z q"
    // → unigrams 2/4, bigrams 0/3. Corpus p1 = 4/6, p2 = 1/4; c = r = 6 → BLEU-2 = sqrt(4/6 · 1/4).
    const r = bleu([one('a b', 'a b'), one('x y z w', 'x q z q')], { maxN: 2 });
    expect(r.precisions).toEqual([4 / 6, 1 / 4]);
    expect(r.scores[1]).toBeCloseTo(Math.sqrt((4 / 6) * (1 / 4)), 15);
    expect(r.perSample[1]).toEqual([0.5, 0]);
  });

  it('matches coco-caption on a multi-reference corpus', () => {
    const r = bleu(CORPUS);
    expect(r.candidateLength).toBe(COCO.testlen);
    expect(r.referenceLength).toBe(COCO.reflen);
    r.scores.forEach((s, i) => expect(s).toBeCloseTo(COCO.bleu[i] as number, 8));
  });

  it('tokenizes like coco-caption (case and punctuation do not matter)', () => {
    const plain = bleu(CORPUS).scores;
    const noisy = bleu(
      CORPUS.map((s) => ({
        candidate: s.candidate.toUpperCase() + '.',
        references: s.references.map((x) => `"${x}!"`),
      })),
    ).scores;
    expect(noisy).toEqual(plain);
  });

  it('handles an empty candidate and rejects bad input with BAD_ARGUMENT', () => {
    expect(bleu([one('', 'a b')]).scores).toEqual([0, 0, 0, 0]);
    expect(() => bleu([])).toThrow(FramewiseError);
    expect(() => bleu([one('a')])).toThrow(/samples\[0\]\.references must be a non-empty array/);
    expect(() => bleu([{ id: 'video7', candidate: 3 as unknown as string, references: ['a'] }])).toThrow(
      /samples\[0\] \(video7\)\.candidate/,
    );
  });
});

/**
 * An independent, deliberately naive CIDEr-D written from the coco-caption definition: n-grams as
 * space-joined strings in arrays, idf from explicit per-sample reference sets, cosine with
 * clipping, Gaussian penalty on the difference in word counts.
 */
function referenceCiderD(samples: { candidate: string; references: string[] }[], sigma = 6): number[] {
  const grams = (s: string, n: number): string[] => {
    const w = s.split(' ').filter((x) => x !== '');
    const out: string[] = [];
    for (let i = 0; i + n <= w.length; i++) out.push(w.slice(i, i + n).join(' '));
    return out;
  };
  const N = samples.length;
  const df = (g: string, n: number): number =>
    samples.filter((s) => s.references.some((r) => grams(r, n).includes(g))).length;
  const vector = (s: string, n: number): Record<string, number> => {
    const v: Record<string, number> = {};
    for (const g of grams(s, n)) v[g] = (v[g] ?? 0) + 1;
    for (const g of Object.keys(v)) v[g] = (v[g] as number) * (Math.log(N) - Math.log(Math.max(1, df(g, n))));
    return v;
  };
  const norm = (v: Record<string, number>): number => Math.sqrt(Object.values(v).reduce((a, x) => a + x * x, 0));
  return samples.map((s) => {
    let total = 0;
    for (const ref of s.references) {
      const dLen = grams(s.candidate, 1).length - grams(ref, 1).length;
      for (let n = 1; n <= 4; n++) {
        const h = vector(s.candidate, n);
        const r = vector(ref, n);
        let dot = 0;
        for (const g of Object.keys(h)) dot += Math.min(h[g] as number, r[g] ?? 0) * (r[g] ?? 0);
        const denom = norm(h) * norm(r);
        total += (denom === 0 ? dot : dot / denom) * Math.exp(-(dLen * dLen) / (2 * sigma * sigma));
      }
    }
    return (10 * total) / 4 / s.references.length;
  });
}

describe('CIDEr-D', () => {
  it('is 10 for perfect candidates whose n-grams are unique to their sample', () => {
    // Every n-gram has df = 1 and N = 2, so every weight is log 2; each order's cosine is 1.
    const r = ciderD([one('a man is cooking', 'a man is cooking'), one('the dog runs fast', 'the dog runs fast')]);
    expect(r.perSample[0]).toBeCloseTo(10, 12);
    expect(r.score).toBeCloseTo(10, 12);
  });

  it('matches hand-computed values', () => {
    // N = 2, all n-grams have weight L = log 2 (df 1, or df 0 → max(1, 0) = 1).
    // Sample A: cand "a b c e" vs ref "a b c d": cosines 1-g 3/4, 2-g 2/3, 3-g 1/2, 4-g 0; same
    // length → no penalty. 10 · (3/4 + 2/3 + 1/2 + 0) / 4 = 4.791666…  Sample B (perfect) = 10.
    const r = ciderD([one('a b c e', 'a b c d'), one('w x y z', 'w x y z')]);
    const a = (10 * (3 / 4 + 2 / 3 + 1 / 2)) / 4;
    expect(r.perSample[0]).toBeCloseTo(a, 12);
    expect(r.score).toBeCloseTo((a + 10) / 2, 12); // 7.3958333… (coco-caption prints 7.395833333333333)

    // Sample A: cand "a b c" vs ref "a b c d": 1-g 3/(√3·2), 2-g 2/(√2·√3), 3-g 1/(1·√2), 4-g 0
    // (empty candidate vector); length difference 1 → penalty e^(−1/72).
    const r2 = ciderD([one('a b c', 'a b c d'), one('w x y z', 'w x y z')]);
    const a2 = ((10 * (3 / (2 * Math.sqrt(3)) + 2 / Math.sqrt(6) + 1 / Math.sqrt(2))) / 4) * Math.exp(-1 / 72);
    expect(r2.perSample[0]).toBeCloseTo(a2, 12); // 5.8916…
  });

  it('is 0 for a single sample (idf comes only from the evaluated set)', () => {
    expect(ciderD([one('a b c', 'a b c')]).score).toBe(0);
  });

  it('clips repeated n-grams (the "D" in CIDEr-D)', () => {
    // Without clipping the repeated candidate would score higher than the exact one.
    const others = [one('x y', 'x y'), one('p q', 'p q')];
    const exact = ciderD([one('the cat', 'the cat'), ...others]).perSample[0] as number;
    const repeated = ciderD([one('the cat the cat', 'the cat'), ...others]).perSample[0] as number;
    expect(repeated).toBeLessThan(exact);
  });

  it('matches coco-caption and an independent implementation on a multi-reference corpus', () => {
    const r = ciderD(CORPUS);
    expect(r.score).toBeCloseTo(COCO.cider, 12);
    r.perSample.forEach((s, i) => expect(s).toBeCloseTo(COCO.ciderPer[i] as number, 12));
    const indep = referenceCiderD(CORPUS.map((s) => ({ candidate: s.candidate, references: [...s.references] })));
    r.perSample.forEach((s, i) => expect(s).toBeCloseTo(indep[i] as number, 12));
  });

  it('agrees with the independent implementation on a random corpus', () => {
    let seed = 12345;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const words = ['a', 'man', 'woman', 'is', 'playing', 'the', 'guitar', 'dog', 'runs', 'in', 'park'];
    const sentence = (): string =>
      Array.from({ length: 1 + Math.floor(rand() * 9) }, () => words[Math.floor(rand() * words.length)]).join(' ');
    const samples = Array.from({ length: 12 }, () => ({
      candidate: sentence(),
      references: Array.from({ length: 1 + Math.floor(rand() * 4) }, sentence),
    }));
    const r = ciderD(samples);
    const indep = referenceCiderD(samples);
    r.perSample.forEach((s, i) => expect(s).toBeCloseTo(indep[i] as number, 10));
  });
});

describe('ROUGE-L', () => {
  it('computes LCS lengths', () => {
    expect(lcsLength(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'b'])).toBe(3);
    expect(lcsLength([], ['a'])).toBe(0);
    expect(lcsLength('abcbdab'.split(''), 'bdcaba'.split(''))).toBe(4); // CLRS example
  });

  it('matches hand-computed values (β = 1.2)', () => {
    expect(rougeL([one('a b c', 'a b c')]).score).toBe(1);
    // LCS 3 of 4 and 4 → P = R = 3/4 → F = 3/4.
    expect(rougeL([one('a b c e', 'a b c d')]).score).toBeCloseTo(0.75, 15);
    // P = 3/3, R = 3/4 → F = (1 + 1.44)·1·0.75 / (0.75 + 1.44·1) = 1.83 / 2.19 = 0.8356164…
    expect(rougeL([one('a b c', 'a b c d')]).score).toBeCloseTo(1.83 / 2.19, 15);
    // Max P and max R are taken over references separately: ref "a b c d e f" gives P 1, R 1/2;
    // ref "c" gives P 1/3, R 1 → P = 1, R = 1 → F = 1 (although neither reference alone does).
    expect(rougeL([one('a b c', 'a b c d e f', 'c')]).score).toBeCloseTo(1, 15);
    expect(rougeL([one('', 'a')]).score).toBe(0);
  });

  it('matches coco-caption on a multi-reference corpus', () => {
    const r = rougeL(CORPUS);
    expect(r.score).toBeCloseTo(COCO.rouge, 14);
    r.perSample.forEach((s, i) => expect(s).toBeCloseTo(COCO.rougePer[i] as number, 14));
    // coco-caption on the Papineni example: 0.6539961013645226.
    expect(rougeL([{ candidate: PAPINENI_C1, references: PAPINENI_REFS }]).score).toBeCloseTo(0.6539961013645226, 14);
  });
});

describe('evaluateCaptions', () => {
  it('reports all metrics with one tokenization', () => {
    const s = evaluateCaptions(CORPUS);
    expect(s.bleu1).toBeCloseTo(COCO.bleu[0] as number, 8);
    expect(s.bleu4).toBeCloseTo(COCO.bleu[3] as number, 8);
    expect(s.ciderD).toBeCloseTo(COCO.cider, 12);
    expect(s.rougeL).toBeCloseTo(COCO.rouge, 14);
  });
});
