/**
 * Long operations: a job's reference, kinds, state and the results jobs hand back. Part of the one
 * contract (../contract.ts).
 */
import type { CaptionResult, CaptionerSummary } from './captioning.js';
import type { ApiError } from './system.js';
import type { LabelSuggestion, PredictionResult } from './training.js';

export interface JobRef {
  jobId: string;
}

export type JobKind =
  | 'extract'
  | 'train'
  | 'predict'
  | 'caption-train'
  | 'caption'
  | 'proxy'
  | 'demo'
  | 'evaluate'
  | 'predict-batch'
  | 'suggest'
  | 'caption-batch';

export interface DemoResult {
  root: string;
  videos: number;
  segments: number;
  classes: string[];
  modelName: string | null;
  validationTop1: number | null;
  captionerName: string | null;
  seconds: number;
}

export type JobResult =
  | { kind: 'predict'; jobId: string; prediction: PredictionResult }
  | { kind: 'caption'; jobId: string; captions: CaptionResult }
  | { kind: 'caption-train'; jobId: string; summary: CaptionerSummary }
  | { kind: 'demo'; jobId: string; demo: DemoResult }
  | { kind: 'suggest'; jobId: string; modelName: string; suggestions: LabelSuggestion[] };

export interface JobState {
  jobId: string;
  kind: JobKind;
  /** The project video a predict / caption / proxy job works on. */
  videoId?: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  label: string;
  done: number;
  total: number;
  /** Items (frames) per second. */
  rate: number;
  etaSec: number | null;
  message?: string;
  error?: ApiError;
}
