/**
 * The compositional caption sets: a caption "a <colour> <shape> <verb>" per clip, drawn from
 * colours × shapes × motions, with the test combinations never seen as a whole in training while
 * every word (and every pair of words) is.
 *
 * Held-out rule: combination (c, s, v) — indices into the three lists — is a test combination when
 * (c + s + v) mod m = 0, m = the longest list. With m ≥ 2 each (colour, shape) pair keeps all but at
 * most one of its verbs in training, and likewise for the other pairs, so a test caption is an
 * unseen combination of seen words and seen pairs.
 */
import type { MotionClass } from './motions.js';
import type { ColourName } from './random.js';
import type { ShapeKind } from './shapes.js';
import type { ClipPlan } from './set.js';

/** Caption words for motions: the verb slot's content word is the last word of its phrase. */
export const VERB_PHRASES = {
  rises: { motion: 'up', phrase: 'rises' },
  falls: { motion: 'down', phrase: 'falls' },
  grows: { motion: 'grow', phrase: 'grows' },
  shrinks: { motion: 'shrink', phrase: 'shrinks' },
  left: { motion: 'left', phrase: 'moves left' },
  right: { motion: 'right', phrase: 'moves right' },
} as const satisfies Record<string, { motion: MotionClass; phrase: string }>;
export type Verb = keyof typeof VERB_PHRASES;

export function isVerb(s: string): s is Verb {
  return Object.hasOwn(VERB_PHRASES, s);
}

/** Shapes a caption can name in one word. */
export const CAPTION_SHAPES: readonly ShapeKind[] = ['box', 'disc', 'triangle', 'cross', 'ring', 'bar', 'star'];

export interface Combo {
  colour: ColourName;
  shape: ShapeKind;
  verb: Verb;
}

export function captionOf(c: Combo): string {
  return `a ${c.colour} ${c.shape} ${VERB_PHRASES[c.verb].phrase}`;
}

export function splitCombos(
  colours: readonly ColourName[],
  shapes: readonly ShapeKind[],
  verbs: readonly Verb[],
): { train: Combo[]; test: Combo[] } {
  const m = Math.max(colours.length, shapes.length, verbs.length);
  if (Math.min(colours.length, shapes.length, verbs.length) < 2)
    throw new Error('each slot needs at least two words, or a test caption would hold an unseen word');
  const train: Combo[] = [];
  const test: Combo[] = [];
  colours.forEach((colour, c) =>
    shapes.forEach((shape, s) =>
      verbs.forEach((verb, v) => ((c + s + v) % m === 0 ? test : train).push({ colour, shape, verb })),
    ),
  );
  return { train, test };
}

export function plansFor(combos: readonly Combo[], perCombo: number): ClipPlan[] {
  return combos.flatMap((c) =>
    Array.from({ length: perCombo }, () => ({
      label: VERB_PHRASES[c.verb].motion,
      shape: c.shape,
      colour: c.colour,
      caption: captionOf(c),
    })),
  );
}

export interface SlotScore {
  colour: boolean;
  shape: boolean;
  verb: boolean;
  /** All three right, and no other word of a slot's list in the sentence. */
  full: boolean;
  /** Some word twice in a row ("a box box"). */
  stutter: boolean;
}

/**
 * Slot by slot: a slot is right when the sentence names its word and no other word of that slot's
 * list (a caption saying "red blue box" gets the colour wrong).
 */
export function scoreSlots(
  sentence: string,
  truth: Combo,
  lists: { colours: readonly string[]; shapes: readonly string[]; verbs: readonly Verb[] },
): SlotScore {
  const words = sentence.toLowerCase().split(/\s+/).filter(Boolean);
  const only = (want: string, all: readonly string[]): boolean =>
    words.includes(want) && all.every((w) => w === want || !words.includes(w));
  const verbWord = (v: Verb): string => VERB_PHRASES[v].phrase.split(' ').at(-1)!;
  const colour = only(truth.colour, lists.colours);
  const shape = only(truth.shape, lists.shapes);
  const verb = only(verbWord(truth.verb), lists.verbs.map(verbWord));
  const stutter = words.some((w, i) => i > 0 && words[i - 1] === w);
  return { colour, shape, verb, full: colour && shape && verb, stutter };
}
