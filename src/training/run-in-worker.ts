/**
 * Main-thread side of the training workers (worker-host.ts is the other): same contract as the
 * trainer it runs, but the work happens on a worker_thread. Cancel with the AbortSignal (the worker
 * finishes its current batch, then stops). `trainInWorker` runs the classifier's train();
 * captioning/train-in-worker.ts runs the captioner through the same `runTrainingWorker`.
 */
import { Worker } from 'node:worker_threads';
import { FramewiseError, type ErrorCode } from '../errors.js';
import type { BackendInfo, BackendPreference } from '../models/backend.js';
import { SequenceHead, type HeadConfig } from '../models/head.js';
import { fromParamRecord, type ParamRecord } from '../models/params.js';
import type { ModelMeta, TrainedModel } from './model-io.js';
import type { TrainConfig, TrainingData, TrainProgress, TrainRun } from './train.js';

export interface WorkerTrainResult extends TrainRun {
  config: HeadConfig;
  meta: ModelMeta;
  weights: ParamRecord;
}

export interface WorkerOptions<P> {
  signal?: AbortSignal;
  onProgress?: (p: P) => void;
  onBackend?: (b: BackendInfo) => void;
  backend?: BackendPreference;
}

/**
 * The worker module `name` next to the module whose import.meta.url is `base`: its .ts source
 * when running from TypeScript (tsx, vitest), else the compiled .js.
 */
export function siblingWorker(base: string, name: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}

/** Starts the worker module `entry` (see worker-host.ts), sends it the run and waits for its result. */
export function runTrainingWorker<R, P>(
  entry: URL,
  config: unknown,
  data: unknown,
  opts: WorkerOptions<P> = {},
): Promise<R> {
  // A TypeScript entry needs the tsx loader inside the worker too.
  const worker = entry.pathname.endsWith('.ts')
    ? new Worker(
        `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`,
        { eval: true },
      )
    : new Worker(entry);
  return new Promise<R>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
      // Only once the run has ended: terminating a worker that is inside onnxruntime's native GEMM
      // aborts the whole process, so cancelling is a message the worker answers (onAbort).
      void worker.terminate();
    };
    const onAbort = (): void => worker.postMessage({ type: 'cancel' });
    opts.signal?.addEventListener('abort', onAbort);
    worker.on('message', (msg: { type: string; [k: string]: unknown }) => {
      if (msg.type === 'progress') opts.onProgress?.(msg['progress'] as P);
      else if (msg.type === 'backend') opts.onBackend?.(msg['backend'] as BackendInfo);
      else if (msg.type === 'done') finish(() => resolve(msg['result'] as R));
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

/** train() on a worker thread. */
export function trainInWorker(
  config: TrainConfig,
  data: TrainingData,
  opts: WorkerOptions<TrainProgress> = {},
): Promise<WorkerTrainResult> {
  return runTrainingWorker(siblingWorker(import.meta.url, 'worker'), config, data, opts);
}

export function modelFromWorkerResult(r: WorkerTrainResult): TrainedModel {
  return { head: SequenceHead.fromParams(r.config, fromParamRecord(r.weights)), meta: r.meta };
}
