/**
 * Corpus-level caption metrics, each candidate scored against several references, following the
 * MS COCO caption evaluation code (github.com/tylin/coco-caption, `pycocoevalcap`) so numbers are
 * comparable with published video-captioning results (MSVD, MSR-VTT, ActivityNet Captions):
 *
 *  - BLEU-1..4 (Papineni et al. 2002): corpus-level clipped n-gram precisions, geometric mean,
 *    brevity penalty from the summed *closest* reference lengths (coco-caption's `option='closest'`;
 *    ties between two equally close references go to the shorter one).
 *  - CIDEr-D (Vedantam et al. 2015) as `pycocoevalcap/cider` computes it.
 *  - ROUGE-L (Lin 2004) with coco-caption's β = 1.2 and max-over-references precision/recall.
 *
 * Differences from coco-caption (all documented in docs/captioning-text.md):
 *  - Tokenization is {@link ptbTokenize}, an approximation of Stanford's PTBTokenizer with
 *    punctuation removed, not the Java tokenizer itself.
 *  - BLEU uses exact arithmetic; coco-caption adds 1e-15 / 1e-9 to each precision's numerator /
 *    denominator, so its values differ by ≲1e-8 and it reports ~1e-9 instead of 0.
 *  - METEOR is "METEOR (exact+stem)" (meteor.ts): exact and Porter-stem matching, no WordNet
 *    synonyms or paraphrase tables, so not comparable with coco-caption's METEOR 1.5.
 */
import { FramewiseError } from '../errors.js';
import { meteor } from './meteor.js';
import { ptbTokenize } from './tokenizer.js';

export interface CaptionSample {
  /** Optional label used in error messages (e.g. the video id). */
  id?: string;
  candidate: string;
  references: readonly string[];
}

export interface MetricOptions {
  /** How sentences become tokens; default {@link ptbTokenize}. */
  tokenize?: (sentence: string) => string[];
}

interface Tokenized {
  cand: string[];
  refs: string[][];
}

function prepare(samples: readonly CaptionSample[], options: MetricOptions, metric: string): Tokenized[] {
  if (!Array.isArray(samples) || samples.length === 0) {
    throw new FramewiseError(
      'BAD_ARGUMENT',
      `${metric}: samples must be a non-empty array of { candidate, references }`,
    );
  }
  const tok = options.tokenize ?? ptbTokenize;
  return samples.map((s, i) => {
    const at = s && typeof s.id === 'string' ? `samples[${i}] (${s.id})` : `samples[${i}]`;
    if (typeof s !== 'object' || s === null)
      throw new FramewiseError('BAD_ARGUMENT', `${metric}: ${at} must be an object`);
    if (typeof s.candidate !== 'string')
      throw new FramewiseError('BAD_ARGUMENT', `${metric}: ${at}.candidate must be a string`);
    const refs: readonly unknown[] = s.references;
    if (!Array.isArray(refs) || refs.length === 0) {
      throw new FramewiseError('BAD_ARGUMENT', `${metric}: ${at}.references must be a non-empty array of strings`);
    }
    refs.forEach((r, j) => {
      if (typeof r !== 'string')
        throw new FramewiseError('BAD_ARGUMENT', `${metric}: ${at}.references[${j}] must be a string`);
    });
    return { cand: tok(s.candidate), refs: (refs as readonly string[]).map((r) => tok(r)) };
  });
}

/** Separator for n-gram keys; tokens from the default tokenizer never contain it. */
const SEP = '\u0000';

/** Counts of all n-grams of order 1..maxN; key = tokens joined by NUL. */
function ngramCounts(tokens: readonly string[], maxN: number): Map<string, number>[] {
  const out: Map<string, number>[] = [];
  for (let n = 1; n <= maxN; n++) {
    const m = new Map<string, number>();
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = tokens.slice(i, i + n).join(SEP);
      m.set(key, (m.get(key) ?? 0) + 1);
    }
    out.push(m);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- BLEU

export interface BleuResult {
  /** BLEU-1..maxN (index 0 = BLEU-1), corpus level, in [0, 1]. */
  scores: number[];
  /** Corpus modified (clipped) n-gram precisions p_n = matches[n] / totals[n]. */
  precisions: number[];
  /** Clipped n-gram matches summed over the corpus, per order. */
  matches: number[];
  /** Candidate n-grams summed over the corpus, per order. */
  totals: number[];
  brevityPenalty: number;
  /** Total candidate length c (tokens). */
  candidateLength: number;
  /** Total effective reference length r: per candidate, the closest reference length. */
  referenceLength: number;
  /** Sentence-level BLEU-1..maxN per sample (same formula on one sample), as coco-caption reports. */
  perSample: number[][];
}

export interface BleuOptions extends MetricOptions {
  /** Highest n-gram order; default 4. */
  maxN?: number;
}

interface BleuStats {
  c: number;
  r: number;
  matches: number[];
  totals: number[];
}

function bleuStats(cand: string[], refs: string[][], maxN: number): BleuStats {
  const candCounts = ngramCounts(cand, maxN);
  const maxRef: Map<string, number>[] = Array.from({ length: maxN }, () => new Map<string, number>());
  for (const ref of refs) {
    ngramCounts(ref, maxN).forEach((m, n) => {
      const into = maxRef[n] as Map<string, number>;
      for (const [k, v] of m) if (v > (into.get(k) ?? 0)) into.set(k, v);
    });
  }
  const matches = candCounts.map((m, n) => {
    let sum = 0;
    for (const [k, v] of m) sum += Math.min(v, (maxRef[n] as Map<string, number>).get(k) ?? 0);
    return sum;
  });
  const totals = candCounts.map((_, n) => Math.max(0, cand.length - n));
  // Closest reference length; on a tie the shorter (coco-caption: min over (|l - c|, l)).
  let r = Infinity;
  let best = Infinity;
  for (const ref of refs) {
    const d = Math.abs(ref.length - cand.length);
    if (d < best || (d === best && ref.length < r)) {
      best = d;
      r = ref.length;
    }
  }
  return { c: cand.length, r, matches, totals };
}

function bleuFromStats(s: BleuStats, maxN: number): { scores: number[]; bp: number } {
  const bp = s.c >= s.r ? 1 : s.c === 0 ? 0 : Math.exp(1 - s.r / s.c);
  const scores: number[] = [];
  let logSum = 0;
  let zero = false;
  for (let n = 0; n < maxN; n++) {
    const m = s.matches[n] as number;
    const t = s.totals[n] as number;
    if (m === 0 || t === 0) zero = true;
    else logSum += Math.log(m / t);
    scores.push(zero ? 0 : bp * Math.exp(logSum / (n + 1)));
  }
  return { scores, bp };
}

/** Corpus BLEU-1..maxN (coco-caption's "closest" effective reference length). */
export function bleu(samples: readonly CaptionSample[], options: BleuOptions = {}): BleuResult {
  const maxN = options.maxN ?? 4;
  if (!Number.isInteger(maxN) || maxN < 1)
    throw new FramewiseError('BAD_ARGUMENT', `bleu: maxN must be an integer ≥ 1 (got ${String(maxN)})`);
  const data = prepare(samples, options, 'bleu');
  const total: BleuStats = {
    c: 0,
    r: 0,
    matches: new Array<number>(maxN).fill(0),
    totals: new Array<number>(maxN).fill(0),
  };
  const perSample: number[][] = [];
  for (const { cand, refs } of data) {
    const s = bleuStats(cand, refs, maxN);
    total.c += s.c;
    total.r += s.r;
    for (let n = 0; n < maxN; n++) {
      total.matches[n] = (total.matches[n] as number) + (s.matches[n] as number);
      total.totals[n] = (total.totals[n] as number) + (s.totals[n] as number);
    }
    perSample.push(bleuFromStats(s, maxN).scores);
  }
  const { scores, bp } = bleuFromStats(total, maxN);
  return {
    scores,
    precisions: total.matches.map((m, n) => ((total.totals[n] as number) === 0 ? 0 : m / (total.totals[n] as number))),
    matches: total.matches,
    totals: total.totals,
    brevityPenalty: bp,
    candidateLength: total.c,
    referenceLength: total.r,
    perSample,
  };
}

// ------------------------------------------------------------------------------------------- CIDEr-D

export interface CiderOptions extends MetricOptions {
  /** Gaussian length-penalty width; default 6 (coco-caption). */
  sigma?: number;
  /** Highest n-gram order; default 4. */
  maxN?: number;
}

export interface CiderResult {
  /** Mean of perSample (coco-caption's "CIDEr"; typical published values are 0–1.5, max 10). */
  score: number;
  perSample: number[];
}

interface TfIdf {
  vec: Map<string, number>[];
  norm: number[];
  length: number;
}

/**
 * CIDEr-D exactly as pycocoevalcap's CiderScorer computes it:
 *  - document frequency df(g) = number of *samples* whose references (any of them) contain g;
 *    idf(g) = log(N) − log(max(1, df(g))) with N = number of samples. Only the evaluated set is
 *    used, so CIDEr-D of a single sample is always 0 (every idf is log 1 − log 1).
 *  - g(s) = raw count of g in s × idf(g) per n-gram order n = 1..4 (no tf normalisation: it
 *    cancels in the cosine).
 *  - per reference and order: Σ_g min(g_cand, g_ref)·g_ref / (‖cand‖‖ref‖) (0 if a norm is 0),
 *    times exp(−δ²/2σ²), δ = length difference; coco-caption measures length as the number of
 *    bigrams, i.e. words − 1, which gives the same δ unless a sentence is empty.
 *  - sample score = 10 × mean over orders of the mean over references.
 */
export function ciderD(samples: readonly CaptionSample[], options: CiderOptions = {}): CiderResult {
  const sigma = options.sigma ?? 6;
  const maxN = options.maxN ?? 4;
  if (!(sigma > 0)) throw new FramewiseError('BAD_ARGUMENT', `ciderD: sigma must be > 0 (got ${String(sigma)})`);
  if (!Number.isInteger(maxN) || maxN < 1)
    throw new FramewiseError('BAD_ARGUMENT', `ciderD: maxN must be an integer ≥ 1 (got ${String(maxN)})`);
  const data = prepare(samples, options, 'ciderD');
  const candCounts = data.map((d) => ngramCounts(d.cand, maxN));
  const refCounts = data.map((d) => d.refs.map((r) => ngramCounts(r, maxN)));

  const df = new Map<string, number>();
  for (const refs of refCounts) {
    const seen = new Set<string>();
    for (const ref of refs) for (const m of ref) for (const k of m.keys()) seen.add(k);
    for (const k of seen) df.set(k, (df.get(k) ?? 0) + 1);
  }
  const logN = Math.log(data.length);

  const toVec = (counts: Map<string, number>[]): TfIdf => {
    let length = 0;
    const vec = counts.map((m, n) => {
      const v = new Map<string, number>();
      for (const [k, tf] of m) {
        v.set(k, tf * (logN - Math.log(Math.max(1, df.get(k) ?? 0))));
        if (n === 1) length += tf;
      }
      return v;
    });
    const norm = vec.map((v) => {
      let s = 0;
      for (const x of v.values()) s += x * x;
      return Math.sqrt(s);
    });
    return { vec, norm, length };
  };

  const perSample = data.map((_, i) => {
    const hyp = toVec(candCounts[i] as Map<string, number>[]);
    const refs = refCounts[i] as Map<string, number>[][];
    let sum = 0;
    for (const rc of refs) {
      const ref = toVec(rc);
      const delta = hyp.length - ref.length;
      const penalty = Math.exp(-(delta * delta) / (2 * sigma * sigma));
      for (let n = 0; n < maxN; n++) {
        const hv = hyp.vec[n] as Map<string, number>;
        const rv = ref.vec[n] as Map<string, number>;
        let val = 0;
        for (const [k, h] of hv) {
          const r = rv.get(k) ?? 0;
          val += Math.min(h, r) * r;
        }
        const nh = hyp.norm[n] as number;
        const nr = ref.norm[n] as number;
        if (nh !== 0 && nr !== 0) val /= nh * nr;
        sum += val * penalty;
      }
    }
    return (10 * sum) / maxN / refs.length;
  });
  return { score: mean(perSample), perSample };
}

// ------------------------------------------------------------------------------------------- ROUGE-L

export interface RougeOptions extends MetricOptions {
  /** Recall weight; default 1.2 (coco-caption). */
  beta?: number;
}

export interface RougeResult {
  /** Mean of perSample. */
  score: number;
  perSample: number[];
}

/** Length of the longest common subsequence of two token lists (O(|a|·|b|) time, O(|b|) memory). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0; // row[j-1] of the previous i
    for (let j = 1; j <= b.length; j++) {
      const up = row[j] as number;
      row[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(up, row[j - 1] as number);
      diag = up;
    }
  }
  return row[b.length] as number;
}

/**
 * ROUGE-L as coco-caption computes it: for each reference P = LCS/|cand|, R = LCS/|ref|; take the
 * max P and the max R over references (possibly from different references), then
 * F = (1+β²)PR / (R + β²P); 0 if either is 0. Corpus score = mean over samples.
 */
export function rougeL(samples: readonly CaptionSample[], options: RougeOptions = {}): RougeResult {
  const beta = options.beta ?? 1.2;
  if (!(beta > 0)) throw new FramewiseError('BAD_ARGUMENT', `rougeL: beta must be > 0 (got ${String(beta)})`);
  const data = prepare(samples, options, 'rougeL');
  const b2 = beta * beta;
  const perSample = data.map(({ cand, refs }) => {
    let p = 0;
    let r = 0;
    for (const ref of refs) {
      const l = lcsLength(ref, cand);
      if (cand.length > 0) p = Math.max(p, l / cand.length);
      if (ref.length > 0) r = Math.max(r, l / ref.length);
    }
    return p !== 0 && r !== 0 ? ((1 + b2) * p * r) / (r + b2 * p) : 0;
  });
  return { score: mean(perSample), perSample };
}

// ----------------------------------------------------------------------------------------- All four

export interface CaptionScores {
  bleu1: number;
  bleu2: number;
  bleu3: number;
  bleu4: number;
  ciderD: number;
  rougeL: number;
  /** METEOR (exact+stem), meteor.ts. */
  meteor: number;
}

/** BLEU-1..4, CIDEr-D, ROUGE-L and METEOR (exact+stem) of one set of samples, with one shared tokenization. */
export function evaluateCaptions(samples: readonly CaptionSample[], options: MetricOptions = {}): CaptionScores {
  const tok = options.tokenize ?? ptbTokenize;
  // Tokenize once, then hand the metrics pre-split sentences (joined with a separator they split on).
  const data = prepare(samples, { tokenize: tok }, 'evaluateCaptions');
  const pre: CaptionSample[] = data.map((d) => ({
    candidate: d.cand.join(SEP),
    references: d.refs.map((r) => r.join(SEP)),
  }));
  const split = (s: string): string[] => (s === '' ? [] : s.split(SEP));
  const b = bleu(pre, { tokenize: split }).scores;
  return {
    bleu1: b[0] as number,
    bleu2: b[1] as number,
    bleu3: b[2] as number,
    bleu4: b[3] as number,
    ciderD: ciderD(pre, { tokenize: split }).score,
    rougeL: rougeL(pre, { tokenize: split }).score,
    meteor: meteor(pre, { tokenize: split }).score,
  };
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}
