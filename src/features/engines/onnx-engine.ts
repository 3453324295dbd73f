/**
 * FeatureEngine on onnxruntime-node. Inference runs in worker threads (see onnx-worker-source.ts for why);
 * a batch is split into micro-batches that the workers process concurrently, and reassembled in order.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { FramewiseError } from '../../errors.js';
import type { FeatureEngine } from '../types.js';
import type { BackboneManifest, OnnxInputLayout } from '../backbones/registry.js';
import { packageVersion, resolvePackageRoot } from '../backbones/tfjs-source.js';
import { featureRevisionOf } from '../backbones/feature-revision.js';
import { ONNX_WORKER_SOURCE } from './onnx-worker-source.js';
import { providerOrder, type ExecutionProviderName, type ExecutionProviderRequest } from './providers.js';

export type { ExecutionProviderName, ExecutionProviderRequest } from './providers.js';

export interface OnnxEngineOptions {
  /** CPU threads to use in total. Default: the number of cores (os.availableParallelism()). */
  threads?: number;
  /**
   * Worker threads, each with its own session using threads/workers intra-op threads. Default: one per
   * thread on CPU (measured fastest on 2 cores), one for GPU providers.
   */
  workers?: number;
  /** Frames per session.run(). Default 4: small batches keep activations in cache (see docs/backbones.md). */
  microBatch?: number;
  /**
   * Preferred execution provider. 'auto' (default) tries the platform's GPU provider (CUDA, DirectML,
   * CoreML) and falls back to 'cpu', which always works, with the reason in `fallbackReason`.
   */
  executionProvider?: ExecutionProviderRequest;
  /**
   * Nice value for the inference threads (0–19; Linux only, where it is per thread). Default 19:
   * feature extraction shares the cores with ffmpeg's decoder, which feeds it; when the decoder gets
   * the CPU first, it never waits and inference uses what is left (see docs/video-pipeline.md).
   * The UI and the app's main thread also stay responsive during an extraction.
   */
  niceness?: number;
}

export interface OnnxFeatureEngine extends FeatureEngine {
  /** The provider actually in use ('cpu' after a fallback). */
  readonly executionProvider: ExecutionProviderName;
  /** Why the requested provider was not used, if it was not. */
  readonly fallbackReason: string | undefined;
  readonly threads: number;
  readonly workers: number;
  readonly microBatch: number;
}

interface Job {
  id: number;
  frames: Uint8Array;
  count: number;
  resolve: (features: Float32Array) => void;
  reject: (e: unknown) => void;
}

interface ResolvedIo {
  input: string;
  output: string;
  layout: OnnxInputLayout;
  outputShape: (number | string)[];
}

type WorkerMessage =
  | { type: 'ready'; executionProvider: ExecutionProviderName; failures: string[]; io: ResolvedIo }
  | { type: 'init-error'; message: string; failures: string[] }
  | { type: 'result'; id: number; features: Float32Array; frames: ArrayBuffer }
  | { type: 'error'; id: number; message: string; frames: ArrayBuffer };

const require = createRequire(import.meta.url);
const DEFAULT_NICENESS = 19;

export function onnxRuntimeVersion(): string {
  return packageVersion(resolvePackageRoot('onnxruntime-node'));
}

class Slot {
  busy: Job | undefined;
  /** The frames buffer the worker sent back with its last answer, reused for the next job. */
  spare: ArrayBuffer | undefined;
  constructor(readonly worker: Worker) {}
}

class OnnxEngine implements OnnxFeatureEngine {
  readonly backboneId: string;
  readonly featureRevision: string | undefined;
  readonly featureDim: number;
  readonly inputWidth: number;
  readonly inputHeight: number;
  backend = '';
  executionProvider: ExecutionProviderName = 'cpu';
  fallbackReason: string | undefined;
  readonly workers: number;
  private readonly queue: Job[] = [];
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private broken: FramewiseError | undefined;
  private disposed = false;

  constructor(
    spec: BackboneManifest,
    private readonly modelPath: string,
    readonly threads: number,
    workers: number,
    readonly microBatch: number,
    readonly niceness: number,
  ) {
    this.backboneId = spec.id;
    this.featureRevision = featureRevisionOf(spec);
    this.featureDim = spec.featureDim;
    this.inputWidth = spec.inputWidth;
    this.inputHeight = spec.inputHeight;
    this.workers = workers;
  }

  async start(spec: BackboneManifest, providers: readonly ExecutionProviderName[]): Promise<void> {
    const intraOpNumThreads = Math.max(1, Math.floor(this.threads / this.workers));
    const workerData = {
      ortPath: require.resolve('onnxruntime-node'),
      modelPath: this.modelPath,
      executionProviders: providers,
      intraOpNumThreads,
      niceness: process.platform === 'linux' ? this.niceness : 0,
      width: spec.inputWidth,
      height: spec.inputHeight,
      featureDim: spec.featureDim,
      scale: spec.normalisation.scale,
      offset: spec.normalisation.offset,
      io: spec.onnx ?? null,
    };
    const ready = await Promise.allSettled(Array.from({ length: this.workers }, () => this.spawn(workerData)));
    const failed = ready.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await this.dispose();
      throw failed.reason;
    }
    const first = (ready[0] as PromiseFulfilledResult<Extract<WorkerMessage, { type: 'ready' }>>).value;
    this.executionProvider = first.executionProvider;
    const version = onnxRuntimeVersion();
    const total = intraOpNumThreads * this.workers;
    const threadText = this.executionProvider === 'cpu' ? `${total} thread${total === 1 ? '' : 's'}` : 'gpu';
    const workerText = this.workers > 1 ? `, ${this.workers} workers` : '';
    this.backend = `onnxruntime-node ${version} ${this.executionProvider} (${threadText}${workerText})`;
  }

  private spawn(workerData: Record<string, unknown>): Promise<Extract<WorkerMessage, { type: 'ready' }>> {
    return new Promise((resolve, reject) => {
      let worker: Worker;
      try {
        worker = new Worker(ONNX_WORKER_SOURCE, { eval: true, workerData });
      } catch (cause) {
        reject(new FramewiseError('BACKBONE_UNAVAILABLE', 'Cannot start an inference worker thread.', { cause }));
        return;
      }
      const slot = new Slot(worker);
      let started = false;
      worker.on('message', (msg: WorkerMessage) => {
        if (msg.type === 'ready') {
          started = true;
          this.slots.push(slot);
          worker.unref();
          resolve(msg);
          this.pump();
        } else if (msg.type === 'init-error') {
          void worker.terminate();
          reject(
            new FramewiseError(
              'BACKBONE_UNAVAILABLE',
              `onnxruntime cannot load the backbone model ${this.modelPath}: ${msg.message}`,
              { details: { failures: msg.failures } },
            ),
          );
        } else {
          this.finish(slot, msg);
        }
      });
      worker.on('error', (e) => {
        if (!started) {
          reject(
            new FramewiseError('BACKBONE_UNAVAILABLE', `The inference worker failed to start: ${e.message}`, {
              cause: e,
            }),
          );
          return;
        }
        this.fail(new FramewiseError('INTERNAL', `The inference worker crashed: ${e.message}`, { cause: e }));
      });
      worker.on('exit', (code) => {
        if (!started) {
          reject(
            new FramewiseError('BACKBONE_UNAVAILABLE', `The inference worker exited during start-up (code ${code}).`),
          );
        } else if (!this.disposed) {
          this.fail(new FramewiseError('INTERNAL', `The inference worker exited unexpectedly (code ${code}).`));
        }
      });
    });
  }

  private finish(slot: Slot, msg: Extract<WorkerMessage, { type: 'result' | 'error' }>): void {
    if (msg.frames instanceof ArrayBuffer) slot.spare = msg.frames;
    const job = slot.busy;
    if (!job || job.id !== msg.id) return;
    slot.busy = undefined;
    slot.worker.unref();
    if (msg.type === 'result') job.resolve(msg.features);
    else job.reject(new FramewiseError('INTERNAL', `Backbone inference failed: ${msg.message}`));
    this.pump();
  }

  private fail(error: FramewiseError): void {
    if (this.broken) return;
    this.broken = error;
    for (const slot of this.slots) {
      slot.busy?.reject(error);
      slot.busy = undefined;
      void slot.worker.terminate();
    }
    for (const job of this.queue.splice(0)) job.reject(error);
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.busy = job;
      // Keep the process alive only while work is in flight.
      slot.worker.ref();
      // A copy in a buffer of our own, transferred (not cloned) to the worker, which sends it back.
      const bytes = job.frames.byteLength;
      const buffer = slot.spare && slot.spare.byteLength >= bytes ? slot.spare : new ArrayBuffer(bytes);
      slot.spare = undefined;
      new Uint8Array(buffer, 0, bytes).set(job.frames);
      slot.worker.postMessage({ type: 'run', id: job.id, count: job.count, frames: buffer, byteLength: bytes }, [
        buffer,
      ]);
    }
  }

  private submit(frames: Uint8Array, count: number): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, frames, count, resolve, reject });
      this.pump();
    });
  }

  async embed(frames: Uint8Array, count: number): Promise<Float32Array> {
    if (this.disposed) throw new FramewiseError('BAD_ARGUMENT', 'This feature engine was disposed.');
    if (this.broken) throw this.broken;
    const frameBytes = this.inputWidth * this.inputHeight * 3;
    if (!Number.isInteger(count) || count < 0 || frames.length !== count * frameBytes) {
      throw new FramewiseError(
        'BAD_ARGUMENT',
        `Expected ${count} frames of ${this.inputWidth}x${this.inputHeight} RGB (${count * frameBytes} bytes), got ${frames.length} bytes.`,
      );
    }
    const out = new Float32Array(count * this.featureDim);
    const parts: Promise<void>[] = [];
    for (let start = 0; start < count; start += this.microBatch) {
      const n = Math.min(this.microBatch, count - start);
      const chunk = frames.subarray(start * frameBytes, (start + n) * frameBytes);
      const offset = start * this.featureDim;
      parts.push(this.submit(chunk, n).then((features) => out.set(features, offset)));
    }
    await Promise.all(parts);
    return out;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const error = new FramewiseError('ABORTED', 'The feature engine was disposed while frames were pending.');
    for (const job of this.queue.splice(0)) job.reject(error);
    for (const slot of this.slots) slot.busy?.reject(error);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}

/**
 * The CUDA provider is a separate shared library that onnxruntime-node's installer only fetches on
 * request; when it is absent, say so instead of letting onnxruntime log a load failure.
 */
function missingProviderLibrary(provider: ExecutionProviderName): string | undefined {
  if (provider !== 'cuda') return undefined;
  const dir = path.join(resolvePackageRoot('onnxruntime-node'), 'bin', 'napi-v6', process.platform, process.arch);
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return undefined; // unknown layout: let onnxruntime decide
  }
  return files.some((f) => f.includes('providers_cuda'))
    ? undefined
    : `cuda unavailable: this onnxruntime-node install has no CUDA provider library in ${dir}`;
}

/** Opens `modelPath` (an ONNX file following the spec's I/O convention) as a FeatureEngine. */
export async function createOnnxEngine(
  spec: BackboneManifest,
  modelPath: string,
  options: OnnxEngineOptions = {},
): Promise<OnnxFeatureEngine> {
  const cores = Math.max(1, os.availableParallelism());
  const threads = Math.max(1, Math.floor(options.threads ?? cores));
  const order = providerOrder(options.executionProvider ?? 'auto');
  const open = async (ep: ExecutionProviderName): Promise<OnnxEngine> => {
    const onGpu = ep !== 'cpu';
    const workers = Math.max(1, Math.min(threads, Math.floor(options.workers ?? (onGpu ? 1 : threads))));
    const microBatch = Math.max(1, Math.floor(options.microBatch ?? (onGpu ? 32 : 4)));
    const niceness = Math.max(0, Math.min(19, Math.floor(options.niceness ?? DEFAULT_NICENESS)));
    const engine = new OnnxEngine(spec, modelPath, threads, workers, microBatch, niceness);
    await engine.start(spec, [ep]);
    return engine;
  };
  const reasons: string[] = [];
  for (const ep of order.filter((p) => p !== 'cpu')) {
    const missing = missingProviderLibrary(ep);
    if (missing) {
      reasons.push(missing);
      continue;
    }
    try {
      return await open(ep);
    } catch (e) {
      // A GPU provider missing from this build or machine is not an error: CPU always works.
      reasons.push(`${ep} unavailable: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const engine = await open('cpu');
  if (reasons.length) engine.fallbackReason = reasons.join('; ');
  return engine;
}
