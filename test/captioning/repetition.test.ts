/**
 * Decoding that cannot stutter: the blocking rule itself, and greedy / beam search on a model whose
 * output layer is rigged to prefer one word at every step (what a weakly trained decoder does).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { beamSearch, greedyDecode } from '../../src/captioning/beam-search.js';
import { CaptionModel, OUTPUT } from '../../src/captioning/model.js';
import { blockedNext, repetitionRule } from '../../src/captioning/repetition.js';
import { EOS_ID, Vocabulary } from '../../src/captioning/tokenizer.js';
import { initBackend } from '../../src/models/backend.js';

beforeAll(async () => {
  await initBackend();
});

const sorted = (s: Set<number>): number[] => [...s].sort((a, b) => a - b);

describe('blockedNext', () => {
  it('blocks the last word, and the word that completed an earlier copy of the last n−1 words', () => {
    const rule = repetitionRule();
    expect(sorted(blockedNext([], rule))).toEqual([]);
    expect(sorted(blockedNext([5], rule))).toEqual([5]);
    // … 5 6 7 5 6 → "5 6 7" would repeat: 7 blocked, and 6 (the last word).
    expect(sorted(blockedNext([5, 6, 7, 5, 6], rule))).toEqual([6, 7]);
    // Two earlier copies of "5 6", followed by 7 and by 8.
    expect(sorted(blockedNext([5, 6, 7, 5, 6, 8, 5, 6], rule))).toEqual([6, 7, 8]);
    expect(sorted(blockedNext([5, 6, 7, 5, 6], repetitionRule({ noRepeatNgram: 2 })))).toEqual([6, 7]);
    expect(sorted(blockedNext([5, 6, 7, 6], repetitionRule({ noRepeatNgram: 2 })))).toEqual([6, 7]);
    expect(sorted(blockedNext([5, 6, 7], repetitionRule({ noRepeatNgram: 1 })))).toEqual([5, 6, 7]);
    expect(sorted(blockedNext([5, 5], repetitionRule({ noRepeatNgram: 0, noImmediateRepeat: false })))).toEqual([]);
    expect(() => repetitionRule({ noRepeatNgram: -1 })).toThrow(/noRepeatNgram/);
  });
});

describe('decoding a model that wants to repeat one word', () => {
  // Vocabulary: <pad> <bos> <eos> <unk> a(4) box(5) red(6) — order of frequency.
  const vocab = Vocabulary.build(['a a a box box red']);
  const a = vocab.tokens.indexOf('a');
  const box = vocab.tokens.indexOf('box');
  const model = CaptionModel.create(
    { cell: 'lstm', inputDim: 3, vocabSize: vocab.size, embedDim: 4, encoderHidden: 4, decoderHidden: 4, dropout: 0 },
    3,
  );
  // Logits ≈ bias: "a" ≫ "box" ≫ <eos> ≫ the rest, whatever the state.
  const kernel = model.params.get(`${OUTPUT}/kernel`);
  kernel.fill(0);
  const bias = model.params.get(`${OUTPUT}/bias`);
  bias.fill(-20);
  bias[a] = 10;
  bias[box] = 5;
  bias[EOS_ID] = 0;
  model.params.invalidate();
  const enc = { T: 2, B: 2, x: new Float32Array(2 * 2 * 3).fill(0.5), mask: new Float32Array(4).fill(1) };

  it('without blocking it stutters to maxLen', () => {
    const [d] = greedyDecode(model, vocab, enc, { maxLen: 6, noImmediateRepeat: false, noRepeatNgram: 0 });
    expect(d!.sentence).toBe('a a a a a a');
    expect(d!.finished).toBe(false);
  });

  it('greedy and beam search alternate and then stop: a box a box <eos>', () => {
    // a; a blocked → box; box blocked → a; → box; then "a box" would repeat "a box a" (n = 3) and
    // box is the last word, so <eos> is the best word left.
    for (const out of [
      greedyDecode(model, vocab, enc, { maxLen: 10 }),
      beamSearch(model, vocab, enc, { maxLen: 10, beamWidth: 3 }),
    ])
      for (const d of out) {
        expect(d.sentence).toBe('a box a box');
        expect(d.finished).toBe(true);
        expect(d.tokens.some((t, i) => i > 0 && d.tokens[i - 1] === t)).toBe(false);
      }
  });

  it('bigram blocking stops one word earlier', () => {
    const [d] = greedyDecode(model, vocab, enc, { maxLen: 10, noRepeatNgram: 2 });
    expect(d!.sentence).toBe('a box a');
  });
});
