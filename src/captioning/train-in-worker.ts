/**
 * trainCaptioner() on a worker thread (captioner-worker.ts), through the same runner as the
 * classifier's (training/run-in-worker.ts): progress, cancellation and errors behave alike.
 */
import { fromParamRecord, type ParamRecord } from '../models/params.js';
import type { FitBatch } from '../training/fit.js';
import { runTrainingWorker, siblingWorker, type WorkerOptions } from '../training/run-in-worker.js';
import type { CaptionerMeta, TrainedCaptioner } from './captioner-io.js';
import { CaptionModel, type CaptionModelConfig } from './model.js';
import { Vocabulary, type VocabularyJSON } from './tokenizer.js';
import type {
  CaptionEpochProgress,
  CaptionerTrainConfig,
  CaptionTrainingData,
  CaptionTrainOptions,
  CaptionTrainResult,
} from './train-captioner.js';

/** What the worker posts back: the run, and the captioner as plain data. */
export interface WorkerCaptionResult extends Omit<CaptionTrainResult, 'captioner'> {
  config: CaptionModelConfig;
  weights: ParamRecord;
  vocab: VocabularyJSON;
  meta: CaptionerMeta;
}

export async function trainCaptionerInWorker(
  config: CaptionerTrainConfig,
  data: CaptionTrainingData,
  opts: CaptionTrainOptions & Omit<WorkerOptions<never>, 'signal' | 'onProgress'> = {},
): Promise<CaptionTrainResult> {
  const { onProgress, onBatch, ...rest } = opts;
  const r = await runTrainingWorker<WorkerCaptionResult, FitBatch | CaptionEpochProgress>(
    siblingWorker(import.meta.url, 'captioner-worker'),
    config,
    data,
    { ...rest, onProgress: (p) => (p.type === 'batch' ? onBatch?.(p) : onProgress?.(p)) },
  );
  const { config: modelConfig, weights, vocab, meta, ...run } = r;
  const captioner: TrainedCaptioner = {
    model: CaptionModel.fromParams(modelConfig, fromParamRecord(weights)),
    vocab: Vocabulary.fromJSON(vocab),
    meta,
  };
  return { captioner, ...run };
}
