/**
 * What a decoder may not say next so that a caption never stutters: the word it just said ("a box
 * box"), and any word that would complete an n-gram the caption already contains ("a red box a red
 * box"; n-gram blocking as in Paulus et al. 2018 / fairseq's `no_repeat_ngram_size`). A weakly
 * trained decoder falls into such loops because its state barely changes after a repeated word;
 * forbidding them costs a legitimate caption nothing at n ≥ 3 except a literally repeated phrase.
 */
import { FramewiseError } from '../errors.js';

export interface RepetitionOptions {
  /** Never the same word twice in a row (default true). */
  noImmediateRepeat?: boolean;
  /** Block any n-gram of this size from occurring twice (default 3; 0 = off). */
  noRepeatNgram?: number;
}

export interface RepetitionRule {
  noImmediateRepeat: boolean;
  noRepeatNgram: number;
}

export function repetitionRule(o: RepetitionOptions = {}): RepetitionRule {
  const n = o.noRepeatNgram ?? 3;
  if (!Number.isInteger(n) || n < 0 || n > 100)
    throw new FramewiseError('BAD_ARGUMENT', `noRepeatNgram must be an integer 0–100 (got ${n})`);
  return { noImmediateRepeat: o.noImmediateRepeat ?? true, noRepeatNgram: n };
}

/** The word ids that may not follow `tokens` (the words generated so far, without <bos>). */
export function blockedNext(tokens: readonly number[], rule: RepetitionRule): Set<number> {
  const out = new Set<number>();
  const L = tokens.length;
  if (L === 0) return out;
  if (rule.noImmediateRepeat) out.add(tokens[L - 1]!);
  const n = rule.noRepeatNgram;
  if (n === 1) for (const t of tokens) out.add(t);
  else if (n >= 2 && L >= n - 1) {
    // Every earlier place where the last n − 1 words occurred: the word that followed there is blocked.
    for (let i = 0; i + n - 1 < L; i++) {
      let same = true;
      for (let j = 0; j < n - 1 && same; j++) same = tokens[i + j] === tokens[L - n + 1 + j];
      if (same) out.add(tokens[i + n - 1]!);
    }
  }
  return out;
}
