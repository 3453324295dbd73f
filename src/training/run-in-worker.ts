/**
 * Main-thread side of the training worker: same contract as train(), but the work runs on a
 * worker_thread. Cancel with the AbortSignal (the worker finishes its current batch, then stops).
 */
import { Worker } from 'node:worker_threads';
import { FramewiseError, type ErrorCode } from '../errors.js';
import type { BackendInfo, BackendPreference } from '../models/backend.js';
import { SequenceHead, type HeadConfig } from '../models/head.js';
import { ParamStore } from '../models/params.js';
import type { ModelMeta, TrainedModel } from './model-io.js';
import type { TrainConfig, TrainingData, TrainProgress, TrainRun } from './train.js';

export interface WorkerTrainResult extends TrainRun {
  config: HeadConfig;
  meta: ModelMeta;
  weights: Record<string, { shape: number[]; data: Float32Array }>;
}

export function modelFromWorkerResult(r: WorkerTrainResult): TrainedModel {
  const params = new ParamStore();
  for (const [name, w] of Object.entries(r.weights)) params.add(name, w.shape, w.data);
  return { head: SequenceHead.fromParams(r.config, params), meta: r.meta };
}

export function trainInWorker(
  config: TrainConfig,
  data: TrainingData,
  opts: {
    signal?: AbortSignal;
    onProgress?: (p: TrainProgress) => void;
    onBackend?: (b: BackendInfo) => void;
    backend?: BackendPreference;
  } = {},
): Promise<WorkerTrainResult> {
  // Running from TypeScript sources (tsx, vitest) the sibling is worker.ts and needs the tsx loader.
  const fromTs = import.meta.url.endsWith('.ts');
  const worker = fromTs
    ? new Worker(
        `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); });`,
        { eval: true },
      )
    : new Worker(new URL('./worker.js', import.meta.url));
  return new Promise<WorkerTrainResult>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = (): void => worker.postMessage({ type: 'cancel' });
    opts.signal?.addEventListener('abort', onAbort);
    worker.on('message', (msg: { type: string; [k: string]: unknown }) => {
      if (msg.type === 'progress') opts.onProgress?.(msg['progress'] as TrainProgress);
      else if (msg.type === 'backend') opts.onBackend?.(msg['backend'] as BackendInfo);
      else if (msg.type === 'done') finish(() => resolve(msg['result'] as WorkerTrainResult));
      else if (msg.type === 'failed') {
        const e = msg['error'] as { code: ErrorCode; message: string; details?: Record<string, unknown> };
        finish(() => reject(new FramewiseError(e.code, e.message, e.details ? { details: e.details } : undefined)));
      }
    });
    worker.on('error', (e) =>
      finish(() => reject(new FramewiseError('INTERNAL', `Training worker crashed: ${e.message}`, { cause: e }))),
    );
    worker.on('exit', (code) =>
      finish(() => reject(new FramewiseError('INTERNAL', `Training worker exited unexpectedly (code ${code}).`))),
    );
    try {
      worker.postMessage({ type: 'start', config, data, backend: opts.backend });
    } catch (e) {
      // Not structured-cloneable (a function, a class instance…): without this the worker thread
      // would wait for a start message forever and keep the process alive.
      const reason = e instanceof Error ? e.message : String(e);
      finish(() =>
        reject(
          new FramewiseError('BAD_ARGUMENT', `Training data could not be sent to the training worker: ${reason}`, {
            cause: e,
          }),
        ),
      );
      return;
    }
    if (opts.signal?.aborted) onAbort();
  });
}
