/**
 * METEOR (exact+stem): the metric of Banerjee & Lavie (2005) with its exact and Porter-stem matching
 * modules and no synonym module (WordNet cannot ship here), so it is reported under that name and
 * is not comparable with coco-caption's METEOR 1.5 numbers (which also use synonyms, paraphrases,
 * per-module weights and tuned parameters).
 *
 * Per candidate and reference:
 *  1. Alignment in stages — exact word matches, then Porter stems among the words still unmatched.
 *     Each stage takes as many matches as it can; among those alignments (with earlier stages'
 *     mappings), the one with the fewest chunks, then the smallest Σ|i − j| — the METEOR tool's
 *     rule since 1.0 (Lavie & Denkowski 2009). The 2005 paper's "fewest crossings" would pair
 *     "on the mat sat the cat" with "the cat sat on the mat" word by word in 6 chunks instead of
 *     the 3 everyone quotes. The search is exact up to SEARCH_LIMIT alignments per stage, then
 *     keeps the best found (the in-order pairing of repeated words comes first).
 *  2. P = m / |candidate|, R = m / |reference|, Fmean = 10·P·R / (R + 9·P).
 *  3. chunks = fewest runs of mappings adjacent in both sentences; penalty = 0.5·(chunks / m)³.
 *  4. score = Fmean·(1 − penalty); 0 without matches.
 * With several references a candidate takes the reference of its best score. The corpus score,
 * like the METEOR tool's aggregate, recomputes P, R and the penalty from the counts (m, lengths,
 * chunks) summed over the samples; `perSample` has the sentence scores.
 */
import { stemmer } from 'stemmer';
import { FramewiseError } from '../errors.js';
import { ptbTokenize } from './tokenizer.js';
import type { CaptionSample, MetricOptions } from './caption-metrics.js';

export type MeteorModule = 'exact' | 'stem';

export interface MeteorOptions extends MetricOptions {
  /** Matching stages in order (default exact, then stem). */
  modules?: readonly MeteorModule[];
}

export interface MeteorStats {
  matches: number;
  candidateLength: number;
  referenceLength: number;
  chunks: number;
}

export interface MeteorResult {
  score: number;
  perSample: number[];
  /** Summed counts the corpus score is computed from. */
  totals: MeteorStats;
}

const SEARCH_LIMIT = 5000;

/** Pairs (candidate index → reference index). */
type Alignment = Map<number, number>;

/** chunks · 1e6 + Σ|i − j|: fewest chunks first, then the most direct pairing. */
function cost(pairs: readonly [number, number][]): number {
  let distance = 0;
  for (const [i, j] of pairs) distance += Math.abs(i - j);
  return chunkCount(new Map(pairs)) * 1e6 + distance;
}

/** One stage: maximum matches between the unaligned words under `key`, then the lowest cost. */
function alignStage(cand: string[], ref: string[], key: (w: string) => string, fixed: Alignment): Alignment {
  const usedRef = new Set(fixed.values());
  const refKeys = ref.map(key);
  const options: { i: number; js: number[] }[] = [];
  const candKeys = new Map<string, number>();
  const refCount = new Map<string, number>();
  ref.forEach((_, j) => {
    if (!usedRef.has(j)) refCount.set(refKeys[j]!, (refCount.get(refKeys[j]!) ?? 0) + 1);
  });
  cand.forEach((w, i) => {
    if (fixed.has(i)) return;
    const k = key(w);
    const js = refKeys.flatMap((rk, j) => (rk === k && !usedRef.has(j) ? [j] : []));
    if (js.length) {
      options.push({ i, js });
      candKeys.set(k, (candKeys.get(k) ?? 0) + 1);
    }
  });
  let most = 0;
  for (const [k, c] of candKeys) most += Math.min(c, refCount.get(k) ?? 0);
  if (most === 0) return new Map(fixed);
  const base = [...fixed.entries()];
  const best: { pairs: [number, number][]; cost: number } = { pairs: [], cost: Infinity };
  let visited = 0;
  const chosen: [number, number][] = [];
  const taken = new Set<number>();
  const search = (o: number, skipsLeft: number): void => {
    if (visited >= SEARCH_LIMIT) return;
    if (o === options.length) {
      visited++;
      if (chosen.length !== most) return;
      const c = cost([...base, ...chosen]);
      if (c < best.cost) [best.pairs, best.cost] = [[...chosen], c];
      return;
    }
    const { i, js } = options[o]!;
    for (const j of js) {
      if (taken.has(j)) continue;
      taken.add(j);
      chosen.push([i, j]);
      search(o + 1, skipsLeft);
      chosen.pop();
      taken.delete(j);
    }
    // A word may stay unmatched only as often as the maximum allows.
    if (skipsLeft > 0) search(o + 1, skipsLeft - 1);
  };
  search(0, options.length - most);
  const out = new Map(fixed);
  for (const [i, j] of best.pairs) out.set(i, j);
  return out;
}

function chunkCount(align: Alignment): number {
  const pairs = [...align.entries()].sort((a, b) => a[0] - b[0]);
  let chunks = 0;
  for (let p = 0; p < pairs.length; p++) {
    const prev = pairs[p - 1];
    const [i, j] = pairs[p]!;
    if (!prev || prev[0] !== i - 1 || prev[1] !== j - 1) chunks++;
  }
  return chunks;
}

const KEYS: Record<MeteorModule, (w: string) => string> = { exact: (w) => w, stem: (w) => stemmer(w) };

export function meteorStats(cand: string[], ref: string[], modules: readonly MeteorModule[]): MeteorStats {
  let align: Alignment = new Map();
  for (const m of modules) align = alignStage(cand, ref, KEYS[m], align);
  return { matches: align.size, candidateLength: cand.length, referenceLength: ref.length, chunks: chunkCount(align) };
}

export function meteorScore(s: MeteorStats): number {
  if (s.matches === 0) return 0;
  const P = s.matches / s.candidateLength;
  const R = s.matches / s.referenceLength;
  const fmean = (10 * P * R) / (R + 9 * P);
  return fmean * (1 - 0.5 * (s.chunks / s.matches) ** 3);
}

export function meteor(samples: readonly CaptionSample[], options: MeteorOptions = {}): MeteorResult {
  if (!Array.isArray(samples) || samples.length === 0)
    throw new FramewiseError('BAD_ARGUMENT', 'METEOR needs at least one sample.');
  const tok = options.tokenize ?? ptbTokenize;
  const modules = options.modules ?? ['exact', 'stem'];
  const totals: MeteorStats = { matches: 0, candidateLength: 0, referenceLength: 0, chunks: 0 };
  const perSample = samples.map((s, n) => {
    if (!s.references || s.references.length === 0)
      throw new FramewiseError('BAD_ARGUMENT', `METEOR: sample ${s.id ?? n} has no reference captions.`);
    const cand = tok(s.candidate);
    let best: { stats: MeteorStats; score: number } | null = null;
    for (const r of s.references) {
      const stats = meteorStats(cand, tok(r), modules);
      const score = meteorScore(stats);
      if (!best || score > best.score) best = { stats, score };
    }
    totals.matches += best!.stats.matches;
    totals.candidateLength += best!.stats.candidateLength;
    totals.referenceLength += best!.stats.referenceLength;
    totals.chunks += best!.stats.chunks;
    return best!.score;
  });
  return { score: meteorScore(totals), perSample, totals };
}
