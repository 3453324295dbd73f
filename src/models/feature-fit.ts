/**
 * The one "do these features fit" check. A model (or a training run) is made for features of one
 * backbone and size; features of another kind give meaningless results, so loading a model for a
 * project, captioning or classifying a video, batching a video and mixing videos in one training
 * run all refuse them with MODEL_MISMATCH through this function.
 */
import { FramewiseError } from '../errors.js';

/** What kind of features: the backbone that made them and their size. */
export interface FeatureKind {
  backboneId: string;
  featureDim: number;
}

function describe(k: Partial<FeatureKind>): string {
  const parts = [
    k.backboneId !== undefined ? `"${k.backboneId}"` : null,
    k.featureDim !== undefined ? `${k.featureDim}-d` : null,
  ];
  return parts.filter(Boolean).join(' ');
}

/**
 * MODEL_MISMATCH unless `offered` has the backbone and the size `expected` names (a field missing
 * on either side is not compared). The message reads "<offered> has <kind> features; <expected>
 * <kind>.<hint>", e.g. offered "video v3", expected "this captioning model was trained on".
 */
export function checkFeatureFit(
  expected: Partial<FeatureKind>,
  offered: Partial<FeatureKind>,
  words: { offered: string; expected: string; hint?: string },
): void {
  const differ = (k: keyof FeatureKind): boolean =>
    expected[k] !== undefined && offered[k] !== undefined && expected[k] !== offered[k];
  if (!differ('backboneId') && !differ('featureDim')) return;
  const who = words.offered.charAt(0).toUpperCase() + words.offered.slice(1);
  throw new FramewiseError(
    'MODEL_MISMATCH',
    `${who} has ${describe(offered)} features; ${words.expected} ${describe(expected)}.${words.hint ? ` ${words.hint}` : ''}`,
    { details: { expected: { ...expected }, offered: { ...offered } } },
  );
}
