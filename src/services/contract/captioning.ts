/**
 * Captioners in the contract: training requests, summaries and generated captions. Part of the one
 * contract (../contract.ts).
 */
import type { TrainingEpoch } from './training.js';

export interface CaptionerTrainArgs {
  cell: 'lstm' | 'gru';
  attention?: boolean;
  hidden?: number;
  epochs?: number;
  name?: string;
}

export interface CaptionerSummary {
  jobId: string;
  name: string;
  history: TrainingEpoch[];
  /** Greedy-decoding scores on held-out segments; null when too few videos to hold any out. */
  validation: { bleu4: number; ciderD: number } | null;
  seconds: number;
  warnings: string[];
}

export interface CaptionResult {
  videoId: string;
  captioner: string;
  createdAt: string;
  captions: { start: number; end: number; text: string }[];
}
