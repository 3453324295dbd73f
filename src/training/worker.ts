/**
 * worker_threads entry for training, so the UI/main thread never blocks.
 *
 * Parent → worker:  { type: 'start', config: TrainConfig, data: TrainingData, backend?: BackendPreference }
 *                   { type: 'cancel' }
 * Worker → parent:  { type: 'backend', backend: BackendInfo }
 *                   { type: 'progress', progress: TrainProgress }            (per batch and per epoch)
 *                   { type: 'done', result: WorkerTrainResult }
 *                   { type: 'failed', error: { code, message, details? } }  (code 'ABORTED' after cancel)
 * Feature arrays in `data` can be transferred (their buffers) to avoid a copy.
 */
import { parentPort } from 'node:worker_threads';
import { toFramewiseError } from '../errors.js';
import { initBackend, type BackendPreference } from '../models/backend.js';
import { train, type TrainConfig, type TrainingData } from './train.js';
import type { WorkerTrainResult } from './run-in-worker.js';

export type WorkerRequest =
  { type: 'start'; config: TrainConfig; data: TrainingData; backend?: BackendPreference } | { type: 'cancel' };

const port = parentPort;
if (port) {
  const ac = new AbortController();
  let started = false;
  port.on('message', (msg: WorkerRequest) => {
    if (msg.type === 'cancel') {
      ac.abort();
      return;
    }
    if (msg.type !== 'start' || started) return;
    started = true;
    void (async () => {
      try {
        const backend = await initBackend(msg.backend ?? 'auto');
        port.postMessage({ type: 'backend', backend });
        const r = await train(msg.config, msg.data, {
          signal: ac.signal,
          onProgress: (progress) => port.postMessage({ type: 'progress', progress }),
        });
        const weights: WorkerTrainResult['weights'] = {};
        for (const name of r.model.head.params.names()) {
          weights[name] = { shape: r.model.head.params.shapes.get(name)!, data: r.model.head.params.get(name) };
        }
        const result: WorkerTrainResult = {
          config: r.model.head.config,
          meta: r.model.meta,
          weights,
          history: r.history,
          bestEpoch: r.bestEpoch,
          stoppedEarly: r.stoppedEarly,
          trainVideos: r.trainVideos,
          valVideos: r.valVideos,
          warnings: r.warnings,
        };
        port.postMessage({ type: 'done', result });
      } catch (e) {
        port.postMessage({ type: 'failed', error: toFramewiseError(e).toJSON() });
      } finally {
        port.close();
      }
    })();
  });
}
