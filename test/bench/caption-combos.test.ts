/**
 * The compositional caption split (bench/motion-tasks/caption-combos.ts): test captions are unseen
 * combinations of seen words and seen word pairs, and the slot scoring reads a caption right.
 */
import { describe, expect, it } from 'vitest';
import { captionOf, plansFor, scoreSlots, splitCombos, type Combo } from '../../bench/motion-tasks/caption-combos.js';

const colours = ['red', 'green', 'blue', 'yellow'] as const;
const shapes = ['box', 'disc', 'triangle'] as const;
const verbs = ['rises', 'falls', 'grows', 'shrinks'] as const;

describe('splitCombos', () => {
  it('holds out whole combinations, never a word or a pair of words', () => {
    const { train, test } = splitCombos(colours, shapes, verbs);
    expect(train.length + test.length).toBe(4 * 3 * 4);
    expect(test.length).toBe(12);
    const key = (c: Combo): string => captionOf(c);
    const trainKeys = new Set(train.map(key));
    for (const t of test) {
      expect(trainKeys.has(key(t))).toBe(false);
      // Every pair of the test combination occurs in some training combination.
      expect(train.some((c) => c.colour === t.colour && c.shape === t.shape)).toBe(true);
      expect(train.some((c) => c.colour === t.colour && c.verb === t.verb)).toBe(true);
      expect(train.some((c) => c.shape === t.shape && c.verb === t.verb)).toBe(true);
    }
    expect(() => splitCombos(['red'], shapes, verbs)).toThrow(/two words/);
  });

  it('plans one clip per combination and copy, with its motion and caption', () => {
    const plans = plansFor([{ colour: 'red', shape: 'box', verb: 'left' }], 2);
    expect(plans).toEqual([
      { label: 'left', shape: 'box', colour: 'red', caption: 'a red box moves left' },
      { label: 'left', shape: 'box', colour: 'red', caption: 'a red box moves left' },
    ]);
  });
});

describe('scoreSlots', () => {
  const truth: Combo = { colour: 'red', shape: 'box', verb: 'rises' };
  const lists = { colours, shapes, verbs };
  it('a slot is right only with its word and no other word of its list', () => {
    expect(scoreSlots('a red box rises', truth, lists)).toEqual({
      colour: true,
      shape: true,
      verb: true,
      full: true,
      stutter: false,
    });
    expect(scoreSlots('a red blue box rises', truth, lists).colour).toBe(false);
    expect(scoreSlots('a red disc falls', truth, lists)).toMatchObject({
      colour: true,
      shape: false,
      verb: false,
      full: false,
    });
    expect(scoreSlots('a box box rises', truth, lists)).toMatchObject({ colour: false, stutter: true });
    expect(
      scoreSlots('a red box moves left', { ...truth, verb: 'left' }, { ...lists, verbs: ['left', 'right'] }).verb,
    ).toBe(true);
  });
});
