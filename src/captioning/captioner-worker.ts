/**
 * worker_threads entry for training a captioner (protocol in training/worker-host.ts;
 * train-in-worker.ts starts it). Progress carries both the per-batch and the per-epoch events.
 */
import { toParamRecord } from '../models/params.js';
import { serveTraining } from '../training/worker-host.js';
import { trainCaptioner, type CaptionerTrainConfig, type CaptionTrainingData } from './train-captioner.js';
import type { WorkerCaptionResult } from './train-in-worker.js';

serveTraining<CaptionerTrainConfig, CaptionTrainingData>(
  async (config, data, { signal, progress }): Promise<WorkerCaptionResult> => {
    const { captioner, ...run } = await trainCaptioner(config, data, {
      signal,
      onProgress: progress,
      onBatch: progress,
    });
    return {
      ...run,
      config: captioner.model.config,
      weights: toParamRecord(captioner.model.params),
      vocab: captioner.vocab.toJSON(),
      meta: captioner.meta,
    };
  },
);
