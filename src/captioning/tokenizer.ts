/**
 * Caption tokenization and the word vocabulary saved with a captioning model.
 *
 * Tokenization (see docs/captioning-text.md):
 *  - Unicode NFKC normalisation, then `toLowerCase()` (locale-independent).
 *  - Curly apostrophes (’ ‘ ʼ ′) become `'`.
 *  - A token is a run of letters, digits and combining marks (`\p{L}\p{N}\p{M}`) plus these
 *    in-word joiners, kept only *between* two such characters: `'` ("don't", "o'clock"), `-`
 *    ("t-shirt"), and `.` / `,` between digits ("3.5", "1,000"). Everything else (punctuation,
 *    symbols, emoji, whitespace) separates tokens and is dropped.
 *  - `splitClitics: true` additionally splits English clitics the way the Penn Treebank tokenizer
 *    that coco-caption runs does: "don't" → "do n't", "can't" → "ca n't", "man's" → "man 's",
 *    "they're" → "they 're", "cannot" → "can not". Caption metrics use this (see
 *    {@link ptbTokenize}); the vocabulary keeps "don't" as one word by default, which gives a model
 *    fewer, more meaningful tokens.
 */
import { FramewiseError } from '../errors.js';

export interface TokenizeOptions {
  /** Split English clitics like the PTB tokenizer ("don't" → "do", "n't"). Default false. */
  splitClitics?: boolean;
}

const APOSTROPHES = /[\u2019\u2018\u02BC\u2032\uFF07]/g;
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
const DIGIT = /\p{Nd}/u;

/** Lowercases and splits a caption into word tokens. Never returns empty strings. */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  if (typeof text !== 'string') throw new FramewiseError('BAD_ARGUMENT', 'tokenize: text must be a string');
  const s = Array.from(text.normalize('NFKC').toLowerCase().replace(APOSTROPHES, "'"));
  const tokens: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (WORD_CHAR.test(ch)) {
      cur += ch;
      continue;
    }
    const prev = s[i - 1];
    const next = s[i + 1];
    const between =
      cur !== '' && next !== undefined && prev !== undefined && WORD_CHAR.test(next) && WORD_CHAR.test(prev);
    const joins =
      between && (ch === "'" || ch === '-' || ((ch === '.' || ch === ',') && DIGIT.test(prev) && DIGIT.test(next)));
    if (joins) {
      cur += ch;
      continue;
    }
    if (cur !== '') tokens.push(cur);
    cur = '';
  }
  if (cur !== '') tokens.push(cur);
  return options.splitClitics ? tokens.flatMap(splitClitic) : tokens;
}

/** The tokenization caption metrics use: {@link tokenize} with PTB-style clitic splitting. */
export function ptbTokenize(text: string): string[] {
  return tokenize(text, { splitClitics: true });
}

const CLITIC = /^(.+?)('s|'m|'d|'re|'ve|'ll)$/;

function splitClitic(tok: string): string[] {
  if (tok === 'cannot') return ['can', 'not'];
  if (tok.length > 3 && tok.endsWith("n't")) return [tok.slice(0, -3), "n't"];
  const m = CLITIC.exec(tok);
  if (m) return [m[1] as string, m[2] as string];
  // Possessive plural ("players'") cannot occur: a trailing apostrophe is never kept by tokenize.
  return [tok];
}

export const PAD = '<pad>';
export const BOS = '<bos>';
export const EOS = '<eos>';
export const UNK = '<unk>';
export const SPECIAL_TOKENS = [PAD, BOS, EOS, UNK] as const;
export const PAD_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;
export const UNK_ID = 3;

export interface BuildVocabularyOptions extends TokenizeOptions {
  /** Words seen fewer times than this map to <unk>. Default 1 (keep every word). */
  minCount?: number;
  /** Keep at most this many words (plus the 4 special tokens), the most frequent first. */
  maxWords?: number;
}

export interface VocabularyJSON {
  format: 'framewise-vocabulary';
  version: 1;
  /** Index = id. The first four are always <pad>, <bos>, <eos>, <unk>. */
  tokens: string[];
  /** Training-corpus count of each token (0 for the special tokens); same length as tokens. */
  counts: number[];
  minCount: number;
  splitClitics: boolean;
}

export const VOCABULARY_FORMAT_VERSION = 1;

export class Vocabulary {
  readonly tokens: readonly string[];
  readonly counts: readonly number[];
  readonly minCount: number;
  readonly splitClitics: boolean;
  private readonly index: Map<string, number>;

  private constructor(tokens: string[], counts: number[], minCount: number, splitClitics: boolean) {
    this.tokens = tokens;
    this.counts = counts;
    this.minCount = minCount;
    this.splitClitics = splitClitics;
    this.index = new Map(tokens.map((t, i) => [t, i]));
  }

  /**
   * Builds a vocabulary from captions. Order is deterministic: special tokens, then words by
   * descending count, ties broken by code-point order of the word (not locale order).
   */
  static build(captions: Iterable<string>, options: BuildVocabularyOptions = {}): Vocabulary {
    const minCount = options.minCount ?? 1;
    if (!Number.isInteger(minCount) || minCount < 1) {
      throw new FramewiseError('BAD_ARGUMENT', `minCount must be an integer ≥ 1 (got ${String(minCount)})`);
    }
    const maxWords = options.maxWords;
    if (maxWords !== undefined && (!Number.isInteger(maxWords) || maxWords < 0)) {
      throw new FramewiseError('BAD_ARGUMENT', `maxWords must be an integer ≥ 0 (got ${String(maxWords)})`);
    }
    const splitClitics = options.splitClitics ?? false;
    const freq = new Map<string, number>();
    for (const caption of captions) {
      for (const t of tokenize(caption, { splitClitics })) {
        if ((SPECIAL_TOKENS as readonly string[]).includes(t)) continue; // cannot happen: tokenize drops < >
        freq.set(t, (freq.get(t) ?? 0) + 1);
      }
    }
    let words = [...freq.entries()]
      .filter(([, c]) => c >= minCount)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    if (maxWords !== undefined) words = words.slice(0, maxWords);
    return new Vocabulary(
      [...SPECIAL_TOKENS, ...words.map((w) => w[0])],
      [0, 0, 0, 0, ...words.map((w) => w[1])],
      minCount,
      splitClitics,
    );
  }

  get size(): number {
    return this.tokens.length;
  }

  /** Id of a token (already tokenized); <unk> for unknown words. */
  idOf(token: string): number {
    return this.index.get(token) ?? UNK_ID;
  }

  tokenOf(id: number): string {
    const t = this.tokens[id];
    if (t === undefined)
      throw new FramewiseError('BAD_ARGUMENT', `token id ${id} is outside the vocabulary (size ${this.size})`);
    return t;
  }

  /** Tokenizes with the settings this vocabulary was built with. */
  tokenize(sentence: string): string[] {
    return tokenize(sentence, { splitClitics: this.splitClitics });
  }

  /**
   * `[<bos>, w1 … wk, <eos>]`, then `<pad>` up to `maxLen`. With `maxLen`, words are truncated so
   * that the result is exactly `maxLen` long and still ends its sentence with `<eos>`
   * (`maxLen` must be ≥ 2). Without `maxLen`, nothing is padded or truncated.
   */
  encode(sentence: string, maxLen?: number): number[] {
    const ids = this.tokenize(sentence).map((t) => this.idOf(t));
    if (maxLen === undefined) return [BOS_ID, ...ids, EOS_ID];
    if (!Number.isInteger(maxLen) || maxLen < 2) {
      throw new FramewiseError(
        'BAD_ARGUMENT',
        `maxLen must be an integer ≥ 2 to hold <bos> and <eos> (got ${String(maxLen)})`,
      );
    }
    const out = [BOS_ID, ...ids.slice(0, maxLen - 2), EOS_ID];
    while (out.length < maxLen) out.push(PAD_ID);
    return out;
  }

  /** Words of `ids` joined by single spaces: skips <pad>/<bos>, stops at the first <eos>. */
  decode(ids: ArrayLike<number>): string {
    const words: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (id === EOS_ID) break;
      if (id === PAD_ID || id === BOS_ID) continue;
      words.push(this.tokenOf(id));
    }
    return words.join(' ');
  }

  toJSON(): VocabularyJSON {
    return {
      format: 'framewise-vocabulary',
      version: VOCABULARY_FORMAT_VERSION,
      tokens: [...this.tokens],
      counts: [...this.counts],
      minCount: this.minCount,
      splitClitics: this.splitClitics,
    };
  }

  static fromJSON(data: unknown, source = 'vocabulary'): Vocabulary {
    const bad = (what: string): FramewiseError =>
      new FramewiseError('BAD_ARGUMENT', `Cannot read ${source}: ${what}`, { details: { source } });
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw bad('it must be a JSON object');
    const o = data as Record<string, unknown>;
    if (o['format'] !== 'framewise-vocabulary') throw bad('"format" must be "framewise-vocabulary"');
    if (typeof o['version'] !== 'number' || o['version'] > VOCABULARY_FORMAT_VERSION) {
      throw bad(`"version" must be a number ≤ ${VOCABULARY_FORMAT_VERSION} (got ${JSON.stringify(o['version'])})`);
    }
    const tokens = o['tokens'];
    if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string' || t === '')) {
      throw bad('"tokens" must be an array of non-empty strings');
    }
    for (let i = 0; i < SPECIAL_TOKENS.length; i++) {
      if (tokens[i] !== SPECIAL_TOKENS[i]) throw bad(`tokens[${i}] must be "${SPECIAL_TOKENS[i]}"`);
    }
    if (new Set(tokens).size !== tokens.length) throw bad('"tokens" contains a word twice');
    const counts = o['counts'] ?? tokens.map(() => 0);
    if (
      !Array.isArray(counts) ||
      counts.length !== tokens.length ||
      counts.some((c) => typeof c !== 'number' || !Number.isInteger(c) || c < 0)
    ) {
      throw bad('"counts" must be an array of integers ≥ 0, one per token');
    }
    const minCount = o['minCount'] ?? 1;
    if (typeof minCount !== 'number' || !Number.isInteger(minCount) || minCount < 1)
      throw bad('"minCount" must be an integer ≥ 1');
    const splitClitics = o['splitClitics'] ?? false;
    if (typeof splitClitics !== 'boolean') throw bad('"splitClitics" must be true or false');
    return new Vocabulary(tokens as string[], counts as number[], minCount, splitClitics);
  }
}
