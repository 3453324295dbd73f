/**
 * worker_threads entry for training a classifier, so the UI/main thread never blocks (protocol in
 * worker-host.ts; run-in-worker.ts starts it). Feature arrays in `data` can be transferred (their
 * buffers) to avoid a copy.
 */
import { toParamRecord } from '../models/params.js';
import { train, type TrainConfig, type TrainingData } from './train.js';
import type { WorkerTrainResult } from './run-in-worker.js';
import { serveTraining } from './worker-host.js';

serveTraining<TrainConfig, TrainingData>(async (config, data, { signal, progress }): Promise<WorkerTrainResult> => {
  const { model, ...run } = await train(config, data, { signal, onProgress: progress });
  return { config: model.head.config, meta: model.meta, weights: toParamRecord(model.head.params), ...run };
});
