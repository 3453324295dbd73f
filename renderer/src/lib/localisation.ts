/**
 * The Predict controls' logic: the defaults they show (the core's: threshold 0.5, smoothing half
 * the model's clip, no minimum duration), what a typed value means, and what predict.start gets.
 */
import type { LocalizationArgs, ModelInfo } from '../../../src/services/contract.js';

export type LocalisationField = keyof LocalizationArgs;

export const DEFAULT_THRESHOLD = 0.5;
export const DEFAULT_MIN_DURATION_SEC = 0;
/** The longest smoothing and minimum duration predict.start accepts. */
export const MAX_SECONDS = 3600;

/**
 * Half the model's clip in seconds: the core smooths over clipLength / 2 frames (made odd) when no
 * smoothing is given. Null when the model does not say its clip length and rate.
 */
export function defaultSmoothingSec(model: Pick<ModelInfo, 'clipLength' | 'fps'> | null | undefined): number | null {
  if (!model?.clipLength || !model.fps) return null;
  return Math.floor(model.clipLength / 2) / model.fps;
}

/** The value a field shows: what the person set, else the default (null: unknown until a model exists). */
export function shownValue(
  field: LocalisationField,
  set: LocalizationArgs,
  model: Pick<ModelInfo, 'clipLength' | 'fps'> | null | undefined,
): number | null {
  const v = set[field];
  if (v !== undefined) return v;
  if (field === 'threshold') return DEFAULT_THRESHOLD;
  if (field === 'minDurationSec') return DEFAULT_MIN_DURATION_SEC;
  return defaultSmoothingSec(model);
}

/** A typed value as a setting, or the reason it is not one (the same ranges dispatch checks). */
export function parseField(field: LocalisationField, text: string): { value: number } | { error: string } {
  const t = text.trim();
  const v = t === '' ? Number.NaN : Number(t);
  if (field === 'threshold')
    return Number.isFinite(v) && v > 0 && v < 1 ? { value: v } : { error: 'Threshold: a number between 0 and 1.' };
  const name = field === 'smoothingSec' ? 'Smoothing' : 'Minimum duration';
  return Number.isFinite(v) && v >= 0 && v <= MAX_SECONDS
    ? { value: v }
    : { error: `${name}: seconds from 0 to ${MAX_SECONDS}.` };
}

/** predict.start's localisation: only what the person set (the rest stays the core's default). */
export function localisationArgs(set: LocalizationArgs): LocalizationArgs {
  const out: LocalizationArgs = {};
  for (const k of ['threshold', 'smoothingSec', 'minDurationSec'] as const) if (set[k] !== undefined) out[k] = set[k];
  return out;
}
