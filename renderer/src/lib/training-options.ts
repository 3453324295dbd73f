/**
 * The Training panel's "More options" as the person edits them, and the training.start arguments
 * they stand for. Pure, so the mapping (blank = the core's default) is tested without a browser.
 */
import type { TrainingArgs } from '../../../src/services/contract.js';

export interface TrainingOptions {
  layers: number;
  bidirectional: boolean;
  dropout: number;
  lr: number;
  /** 0: chosen from the number of clips. */
  batchSize: number;
  /** 0: no early stopping. */
  patience: number;
  split: 'video' | 'official';
  valFraction: number;
  classWeights: 'none' | 'balanced';
  input: 'auto' | 'absolute' | 'relative';
  /** Blank: a random start. */
  seed: string;
}

/** The core's defaults (TrainingArgs in src/services/contract.ts). */
export const DEFAULT_OPTIONS: TrainingOptions = {
  layers: 1,
  bidirectional: false,
  dropout: 0.2,
  lr: 0.001,
  batchSize: 0,
  patience: 5,
  split: 'video',
  valFraction: 0.2,
  classWeights: 'none',
  input: 'auto',
  seed: '',
};

type OptionArgs = Omit<TrainingArgs, 'head' | 'hidden' | 'epochs' | 'clipLength' | 'name' | 'background' | 'resume'>;

export function optionArgs(o: TrainingOptions): OptionArgs {
  const seed = o.seed.trim() === '' ? undefined : Number(o.seed);
  return {
    layers: o.layers,
    bidirectional: o.bidirectional,
    dropout: o.dropout,
    lr: o.lr,
    ...(o.batchSize > 0 ? { batchSize: o.batchSize } : {}),
    patience: o.patience,
    split: o.split,
    // The official split is the dataset's own test videos: no fraction to draw.
    ...(o.split === 'video' ? { valFraction: o.valFraction } : {}),
    classWeights: o.classWeights,
    input: o.input,
    ...(seed !== undefined && Number.isInteger(seed) && seed >= 0 ? { seed } : {}),
  };
}

/** How many options differ from the defaults, for the summary line ("More options (3 changed)"). */
export function changedCount(o: TrainingOptions): number {
  return (Object.keys(DEFAULT_OPTIONS) as (keyof TrainingOptions)[]).filter((k) => o[k] !== DEFAULT_OPTIONS[k]).length;
}

/** The model folder name a run gets when the person gives none: known to the page, so it can resume it. */
export function defaultModelName(head: string, now: Date): string {
  return `${head}-${now.toISOString().replace(/[:.]/g, '-')}`;
}
