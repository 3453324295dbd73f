/**
 * The worker side of a training worker thread, shared by the classifier's (training/worker.ts)
 * and the captioner's (captioning/captioner-worker.ts): the message protocol, the tfjs backend,
 * cancellation and error reporting around one `run` function. run-in-worker.ts is the other side.
 *
 * Parent → worker:  { type: 'start', config, data, backend?: BackendPreference }
 *                   { type: 'cancel' }
 * Worker → parent:  { type: 'backend', backend: BackendInfo }
 *                   { type: 'progress', progress }                          (per batch and per epoch)
 *                   { type: 'done', result }
 *                   { type: 'failed', error: { code, message, details? } }  (code 'ABORTED' after cancel)
 */
import { parentPort } from 'node:worker_threads';
import { toFramewiseError } from '../errors.js';
import { initBackend, type BackendPreference } from '../models/backend.js';

export type WorkerRequest<C, D> =
  { type: 'start'; config: C; data: D; backend?: BackendPreference } | { type: 'cancel' };

export interface WorkerRun {
  signal: AbortSignal;
  progress: (p: unknown) => void;
}

/** Serves one training run on this worker thread (a no-op on the main thread). */
export function serveTraining<C, D>(run: (config: C, data: D, ctx: WorkerRun) => Promise<unknown>): void {
  const port = parentPort;
  if (!port) return;
  const ac = new AbortController();
  let started = false;
  port.on('message', (msg: WorkerRequest<C, D>) => {
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
        const result = await run(msg.config, msg.data, {
          signal: ac.signal,
          progress: (progress) => port.postMessage({ type: 'progress', progress }),
        });
        port.postMessage({ type: 'done', result });
      } catch (e) {
        port.postMessage({ type: 'failed', error: toFramewiseError(e).toJSON() });
      } finally {
        port.close();
      }
    })();
  });
}
