import { describe, expect, it } from 'vitest';
import { BOS_ID, EOS_ID, PAD_ID, UNK_ID, Vocabulary, ptbTokenize, tokenize } from '../../src/captioning/tokenizer.js';
import { FramewiseError } from '../../src/errors.js';

describe('tokenize', () => {
  it('lowercases, strips punctuation and splits on whitespace', () => {
    expect(tokenize('A man is playing a Guitar.')).toEqual(['a', 'man', 'is', 'playing', 'a', 'guitar']);
    expect(tokenize('  Hello,world!!  (yes)  "quoted" ')).toEqual(['hello', 'world', 'yes', 'quoted']);
    expect(tokenize('')).toEqual([]);
    expect(tokenize(' ... !!! ')).toEqual([]);
  });

  it('keeps in-word apostrophes, hyphens and decimal points', () => {
    expect(tokenize("Don't stop—it's a T-shirt, 3.5 kg or 1,000 g; rock'n'roll")).toEqual([
      "don't",
      'stop',
      "it's",
      'a',
      't-shirt',
      '3.5',
      'kg',
      'or',
      '1,000',
      'g',
      "rock'n'roll",
    ]);
    // Leading/trailing/doubled joiners are punctuation.
    expect(tokenize("'quoted' -dash- a--b end. 3. .5")).toEqual(['quoted', 'dash', 'a', 'b', 'end', '3', '5']);
  });

  it('is Unicode-aware', () => {
    expect(tokenize('Ein Mann fährt Fahrrad…')).toEqual(['ein', 'mann', 'fährt', 'fahrrad']);
    expect(tokenize('¿Qué pasa? «Nada».')).toEqual(['qué', 'pasa', 'nada']);
    expect(tokenize('It’s ＦＵＬＬＷＩＤＴＨ')).toEqual(["it's", 'fullwidth']); // curly apostrophe, NFKC
    expect(tokenize('cafe\u0301 au lait')).toEqual(['café', 'au', 'lait']); // combining mark stays in the word
    expect(tokenize('一个人 在 跑步')).toEqual(['一个人', '在', '跑步']); // no word segmentation for CJK
    expect(tokenize('a 🎸 guitar & $5 50%')).toEqual(['a', 'guitar', '5', '50']); // symbols dropped
  });

  it('splits clitics like the PTB tokenizer when asked', () => {
    expect(ptbTokenize("Don't, can't, won't; the man's dog. They're here, I'm sure we'll go. Cannot!")).toEqual([
      'do',
      "n't",
      'ca',
      "n't",
      'wo',
      "n't",
      'the',
      'man',
      "'s",
      'dog',
      'they',
      "'re",
      'here',
      'i',
      "'m",
      'sure',
      'we',
      "'ll",
      'go',
      'can',
      'not',
    ]);
    expect(ptbTokenize("o'clock rock'n'roll")).toEqual(["o'clock", "rock'n'roll"]);
  });
});

describe('Vocabulary', () => {
  const captions = ['A man plays a guitar.', 'A man is cooking', 'A woman is cooking!', 'A dog runs', 'zebra'];

  it('orders by frequency, then alphabetically, after the special tokens', () => {
    const v = Vocabulary.build(captions);
    // counts: a 5, man 2, is 2, cooking 2, then 1 each: dog guitar plays runs woman zebra
    expect(v.tokens).toEqual([
      '<pad>',
      '<bos>',
      '<eos>',
      '<unk>',
      'a',
      'cooking',
      'is',
      'man',
      'dog',
      'guitar',
      'plays',
      'runs',
      'woman',
      'zebra',
    ]);
    expect(v.counts.slice(0, 8)).toEqual([0, 0, 0, 0, 5, 2, 2, 2]);
    expect([PAD_ID, BOS_ID, EOS_ID, UNK_ID]).toEqual([0, 1, 2, 3]);
    // Deterministic regardless of input order.
    expect(Vocabulary.build([...captions].reverse()).tokens).toEqual(v.tokens);
  });

  it('applies minCount and maxWords', () => {
    const v = Vocabulary.build(captions, { minCount: 2 });
    expect(v.tokens.slice(4)).toEqual(['a', 'cooking', 'is', 'man']);
    expect(v.idOf('zebra')).toBe(UNK_ID);
    expect(Vocabulary.build(captions, { maxWords: 2 }).tokens.slice(4)).toEqual(['a', 'cooking']);
    expect(() => Vocabulary.build(captions, { minCount: 0 })).toThrow(FramewiseError);
  });

  it('encodes with bos/eos, pads, truncates keeping eos, and decodes', () => {
    const v = Vocabulary.build(captions);
    const a = v.idOf('a');
    const man = v.idOf('man');
    expect(v.encode('A man')).toEqual([BOS_ID, a, man, EOS_ID]);
    expect(v.encode('A man', 6)).toEqual([BOS_ID, a, man, EOS_ID, PAD_ID, PAD_ID]);
    expect(v.encode('a man is cooking', 4)).toEqual([BOS_ID, a, man, EOS_ID]);
    expect(v.encode('a unicorn', 5)).toEqual([BOS_ID, a, UNK_ID, EOS_ID, PAD_ID]);
    expect(v.encode('', 3)).toEqual([BOS_ID, EOS_ID, PAD_ID]);
    expect(() => v.encode('a', 1)).toThrow(/maxLen/);
    expect(v.decode(v.encode('A man is cooking!', 10))).toBe('a man is cooking');
    expect(v.decode([BOS_ID, a, PAD_ID, man, EOS_ID, v.idOf('dog')])).toBe('a man');
    expect(v.decode([a, UNK_ID])).toBe('a <unk>');
    expect(v.decode(new Int32Array([BOS_ID, v.idOf('zebra'), EOS_ID]))).toBe('zebra');
    expect(() => v.decode([999])).toThrow(/outside the vocabulary/);
  });

  it('round-trips through JSON and validates saved vocabularies', () => {
    const v = Vocabulary.build(captions, { minCount: 1, splitClitics: true });
    const back = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(back.tokens).toEqual(v.tokens);
    expect(back.counts).toEqual(v.counts);
    expect(back.splitClitics).toBe(true);
    expect(back.encode("a man isn't cooking", 8)).toEqual(v.encode("a man isn't cooking", 8));
    expect(() => Vocabulary.fromJSON({ format: 'nope' })).toThrow(/format/);
    const j = v.toJSON();
    expect(() => Vocabulary.fromJSON({ ...j, tokens: ['a', ...j.tokens.slice(1)] })).toThrow(
      /tokens\[0\] must be "<pad>"/,
    );
    expect(() => Vocabulary.fromJSON({ ...j, tokens: [...j.tokens, 'a'], counts: [...j.counts, 1] })).toThrow(/twice/);
    expect(() => Vocabulary.fromJSON({ ...j, counts: [1] })).toThrow(/counts/);
    expect(() => Vocabulary.fromJSON({ ...j, version: 99 })).toThrow(/version/);
    try {
      Vocabulary.fromJSON(null, 'model/vocab.json');
    } catch (e) {
      expect((e as FramewiseError).code).toBe('BAD_ARGUMENT');
      expect((e as FramewiseError).message).toContain('model/vocab.json');
    }
  });
});
