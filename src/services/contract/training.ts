/**
 * Action models in the contract: training requests and runs, epochs and summaries, models,
 * predictions and "label next" suggestions. Part of the one contract (../contract.ts).
 */
import type { HeadName } from '../../models/heads/registry.js';

/** A head by the name a person picks (models/heads/registry.ts lists them). */
export type TrainingHead = HeadName;

export interface TrainingArgs {
  head: TrainingHead;
  /** Units per recurrent layer (hidden width of the mean baseline); default 256. */
  hidden?: number;
  epochs?: number;
  /** Frames per clip; default the project's settings.clipLength. */
  clipLength?: number;
  /** Model folder name under <project>/models; default a timestamp. */
  name?: string;
  /**
   * Train the unlabelled time inside labelled videos as a "no action" class (default true), so that
   * prediction leaves what is none of the classes unlabelled.
   */
  background?: boolean;
  /** Stacked recurrent layers, 1–3 (default 1). */
  layers?: number;
  bidirectional?: boolean;
  /** Dropout between layers and on the pooled output, 0 to <1 (default 0.2). */
  dropout?: number;
  /** Adam's learning rate (default 0.001). */
  lr?: number;
  /** Clips per batch (default: from the number of clips, 4 to 32). */
  batchSize?: number;
  /** Early stopping after this many epochs without a better validation loss (0 = off; default 5). */
  patience?: number;
  /**
   * Validation split: 'video' (default; `valFraction` of the videos, at random, default 0.2) or
   * 'official' (the videos the dataset marks as test, e.g. UCF101's testlist).
   */
  split?: 'video' | 'official';
  valFraction?: number;
  /** 'balanced': weight each class's loss by its inverse frequency (default 'none'). */
  classWeights?: 'none' | 'balanced';
  /**
   * 'relative': each clip less its own mean over time (what changes in it, not how it looks);
   * 'auto' (default) chooses by two short probes on the validation split; 'absolute' as before.
   */
  input?: 'auto' | 'absolute' | 'relative';
  seed?: number;
  /** Continue the run named `name` from its last checkpoint (a cancelled or finished run). */
  resume?: boolean;
}

/** A training run that can be resumed (services/training-runs.ts). */
export interface TrainingRunInfo {
  name: string;
  /** What it was started with; resuming passes these again with `resume: true`. */
  args: TrainingArgs;
  /** Epochs its checkpoint has done. */
  epochsDone: number;
  /** When its checkpoint was written. */
  savedAt: string;
  /** Whether it ran to the end (a saved model); a cancelled run has only its checkpoint. */
  finished: boolean;
}

/** One finished epoch of a training job, for live curves. */
export interface TrainingEpoch {
  /** 1-based. */
  epoch: number;
  epochs: number;
  loss: number;
  /** Training accuracy; null for captioners (token accuracy says little about sentences). */
  acc: number | null;
  valLoss: number | null;
  valAcc: number | null;
  /** Captioners: validation BLEU-4 when computed this epoch. */
  bleu4?: number;
}

export interface TrainingSummary {
  jobId: string;
  modelName: string;
  history: TrainingEpoch[];
  /** In the model's order (the confusion's); `background` marks the "no action" class. */
  classes: { id: string; name: string; background?: boolean }[];
  /**
   * On held-out videos; null when there were too few videos to hold any out. `missingClasses`: the
   * trained classes the validation videos lack, by name; when any, top-1 covers only the others.
   */
  validation: { top1: number; confusion: number[][]; missingClasses: string[] } | null;
  seconds: number;
  warnings: string[];
  /** The input the model was trained on and why ("validation top-1 0.88 relative vs 0.25 absolute …"). */
  input: { kind: 'absolute' | 'relative'; reason: string };
}

/** How predict.start turns probability curves into segments (as the CLI's predict flags). */
export interface LocalizationArgs {
  /** Per-frame probability that starts a segment, between 0 and 1 (default 0.5). */
  threshold?: number;
  /** Moving-average width over the curves in seconds (default half the model's clip). */
  smoothingSec?: number;
  /** Segments shorter than this many seconds are dropped (default 0). */
  minDurationSec?: number;
}

export interface PredictionResult {
  videoId: string;
  modelName: string;
  durationSec: number;
  top: { classId: string; label: string; score: number }[];
  segments: { start: number; end: number; classId: string; label: string; score: number }[];
  curves: { times: number[]; classes: { label: string; probabilities: number[] }[] };
}

export interface ModelInfo {
  name: string;
  kind: 'classifier' | 'captioner';
  createdAt: string;
  /** One line for a list, e.g. "LSTM 256 · 3 classes · 16 frames". */
  summary: string;
  classes?: string[];
  /** Classifiers: frames per clip and sampling rate (the default smoothing is half a clip). */
  clipLength?: number;
  fps?: number;
}

export interface LabelSuggestion {
  videoId: string;
  start: number;
  end: number;
  /** Entropy of the model's class distribution over the window, 0 (sure) to 1 (no idea). */
  uncertainty: number;
  /** The model's three likeliest classes there. */
  top: { classId: string; label: string; probability: number }[];
}
