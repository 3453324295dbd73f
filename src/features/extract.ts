/**
 * Video → per-frame feature vectors, cached on disk.
 *
 * ffmpeg decodes in its own process while the CNN runs on onnxruntime's thread pool, and this loop
 * keeps both busy: decoded frames are read ahead into a bounded queue, and the loop starts inference
 * on batch k, collects batch k+1 while batch k runs, then writes batch k. Memory holds the read-ahead
 * queue plus two batches of frames, whatever the length.
 */
import { mkdir, readdir, rename, unlink } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { FramewiseError } from '../errors.js';
import { probe } from '../video/probe.js';
import { decodeFrames } from '../video/decode.js';
import { sharedFramePool } from '../video/frame-pool.js';
import { abortedError } from '../video/process.js';
import { processAlive } from '../util/process-alive.js';
import { readAhead } from '../util/read-ahead.js';
import type { FitMode, VideoInfo } from '../video/types.js';
import type { FeatureEngine } from './types.js';
import { contentHash } from './content-hash.js';
import { FeatureWriter, readFeatureHeader, type FeatureDtype, type FeatureFileHeader } from './feature-file.js';
import { featureSetDim, featureSetId, type FrameStream } from './streams/streams.js';

export interface ExtractProgress {
  phase: 'hashing' | 'extracting' | 'done';
  framesDone: number;
  /** Expected frame count (from duration × fps); exact once done. */
  framesTotal: number;
  /** Frames per second over the whole extraction so far. */
  fps: number;
  etaSec: number | null;
}

export interface ExtractOptions {
  engine: FeatureEngine;
  /** Sampling rate in frames per second. */
  fps: number;
  cacheDir: string;
  fit?: FitMode;
  dtype?: FeatureDtype;
  batchSize?: number;
  /** Seconds; extract only [start, end). Partial extractions are cached under their own key. */
  start?: number;
  end?: number;
  signal?: AbortSignal;
  onProgress?: (p: ExtractProgress) => void;
  /** Probe result if the caller has it already (skips a second ffprobe). */
  info?: VideoInfo;
  /** Content hash if known (skips hashing). */
  hash?: string;
  /** Streams appended to the CNN's vector per frame (motion…); none by default. */
  streams?: readonly FrameStream[];
}

export interface ExtractResult {
  file: string;
  cached: boolean;
  header: FeatureFileHeader;
  backend: string;
  seconds: number;
  /** Frames per second of this run (0 for a cache hit). */
  fps: number;
}

/**
 * Decoded frames held ahead of the CNN, in batches: enough for ffmpeg to keep decoding through a
 * batch's inference and a burst of slow frames (4 × 16 frames at 224² is 9.6 MB).
 */
const READ_AHEAD_BATCHES = 4;

export function cacheFileName(
  hash: string,
  engine: Pick<FeatureEngine, 'backboneId' | 'featureRevision' | 'inputWidth' | 'inputHeight'>,
  o: { fps: number; fit: FitMode; dtype: FeatureDtype; start?: number; end?: number; streams?: readonly FrameStream[] },
): string {
  const range = o.start !== undefined || o.end !== undefined ? `_t${o.start ?? 0}-${o.end ?? 'end'}` : '';
  const revision = engine.featureRevision ? `-${engine.featureRevision}` : '';
  const streams = o.streams?.length ? `+${featureSetId('', o.streams).slice(1)}` : '';
  return `${hash.slice(0, 24)}_${engine.backboneId}${revision}${streams}_${o.fps}fps_${engine.inputWidth}x${engine.inputHeight}_${o.fit}_${o.dtype}${range}.fwf`;
}

export async function extractFeatures(videoPath: string, opts: ExtractOptions): Promise<ExtractResult> {
  const t0 = performance.now();
  const { engine, fps, cacheDir } = opts;
  if (!(fps > 0 && fps <= 240)) throw new FramewiseError('BAD_ARGUMENT', `fps must be between 0 and 240 (got ${fps}).`);
  const fit = opts.fit ?? 'stretch';
  const dtype = opts.dtype ?? 'float16';
  const batchSize = opts.batchSize ?? 16;
  const streams = opts.streams ?? [];
  const featureDim = featureSetDim(engine.featureDim, streams);
  const streamDim = featureDim - engine.featureDim;
  const substeps = streams.reduce((k, s) => Math.max(k, s.substeps(fps)), 1);
  const report = opts.onProgress ?? (() => undefined);

  const info = opts.info ?? (await probe(videoPath, { signal: opts.signal }));
  report({ phase: 'hashing', framesDone: 0, framesTotal: 0, fps: 0, etaSec: null });
  const hash = opts.hash ?? (await contentHash(videoPath));
  await mkdir(cacheDir, { recursive: true });
  const file = join(
    cacheDir,
    cacheFileName(hash, engine, { fps, fit, dtype, start: opts.start, end: opts.end, streams }),
  );

  const existing = await readFeatureHeader(file).catch(() => null);
  if (existing && existing.header.featureDim === featureDim && existing.header.videoHash === hash) {
    report({ phase: 'done', framesDone: existing.header.count, framesTotal: existing.header.count, fps: 0, etaSec: 0 });
    return {
      file,
      cached: true,
      header: existing.header,
      backend: engine.backend,
      seconds: (performance.now() - t0) / 1000,
      fps: 0,
    };
  }

  const span = Math.max(0, Math.min(opts.end ?? info.durationSec, info.durationSec) - (opts.start ?? 0));
  const framesTotal = Math.max(1, Math.round(span * fps));
  await removeStalePartials(file);
  const partial = `${file}.${process.pid}.partial`;
  const writer = await FeatureWriter.create(partial, {
    backboneId: featureSetId(engine.backboneId, streams),
    featureDim,
    dtype,
    fps,
    inputWidth: engine.inputWidth,
    inputHeight: engine.inputHeight,
    videoHash: hash,
    videoPath,
    createdAt: new Date().toISOString(),
  });

  const frameBytes = engine.inputWidth * engine.inputHeight * 3;
  const tStart = performance.now();
  let done = 0;
  let lastReport = 0;
  const progress = (): void => {
    const now = performance.now();
    if (now - lastReport < 100 && done < framesTotal) return;
    lastReport = now;
    const rate = done / Math.max(1e-3, (now - tStart) / 1000);
    const total = Math.max(framesTotal, done);
    report({
      phase: 'extracting',
      framesDone: done,
      framesTotal: total,
      fps: rate,
      etaSec: rate > 0 ? (total - done) / rate : null,
    });
  };

  type Batch = { pixels: Uint8Array; times: number[]; n: number; streamed: Float32Array };
  // Two batches are alive at a time (one in the CNN, one filling); their pixel buffers are reused
  // rather than allocated per batch: fresh memory costs page faults and grows the heap over hours.
  const spare: Uint8Array[] = [];
  const framePool = sharedFramePool(frameBytes);
  const newBatch = (): Batch => ({
    pixels: spare.pop() ?? new Uint8Array(frameBytes * batchSize),
    times: [],
    n: 0,
    streamed: new Float32Array(streamDim * batchSize),
  });
  const states = streams.map((s) => ({ dim: s.dim, state: s.open(engine.inputWidth, engine.inputHeight) }));
  const flush = async (b: Batch, features: Promise<Float32Array>): Promise<void> => {
    const vectors = joinStreams(await features, engine.featureDim, b.streamed, streamDim, b.n);
    // The engine copied the pixels when it sent them to a worker, and has answered: free to reuse.
    spare.push(b.pixels);
    await writer.append(b.times, vectors, b.n);
    done += b.n;
    progress();
  };

  const throwIfAborted = (): void => {
    if (opts.signal?.aborted) throw abortedError(`extracting features of "${videoPath}"`, opts.signal.reason);
  };

  let inFlight: { batch: Batch; features: Promise<Float32Array> } | null = null;
  try {
    let batch = newBatch();
    const frames = readAhead(
      decodeFrames(videoPath, {
        // Streams that look between frames get `substeps` frames per sample; only every
        // substeps-th goes to the CNN, at the same times as a decode at `fps`.
        fps: fps * substeps,
        size: { width: engine.inputWidth, height: engine.inputHeight },
        fit,
        start: opts.start,
        end: opts.end,
        signal: opts.signal,
        info,
        framePool,
        threads: Math.min(16, availableParallelism()),
      }),
      batchSize * READ_AHEAD_BATCHES,
    );
    let index = 0;
    for await (const frame of frames) {
      // Frames read ahead may all be in hand already: the decoder no longer sees the abort.
      throwIfAborted();
      for (const s of states) s.state.push(frame.data);
      if (index++ % substeps !== 0) {
        framePool.give(frame.data);
        continue;
      }
      let offset = batch.n * streamDim;
      for (const s of states) {
        s.state.take(batch.streamed.subarray(offset, offset + s.dim));
        offset += s.dim;
      }
      batch.pixels.set(frame.data, batch.n * frameBytes);
      framePool.give(frame.data);
      batch.times.push(frame.timeSec);
      batch.n++;
      if (batch.n === batchSize) {
        if (inFlight) await flush(inFlight.batch, inFlight.features);
        inFlight = { batch, features: engine.embed(batch.pixels, batch.n) };
        batch = newBatch();
      }
    }
    if (inFlight) await flush(inFlight.batch, inFlight.features);
    inFlight = null;
    if (batch.n > 0) await flush(batch, engine.embed(batch.pixels.subarray(0, batch.n * frameBytes), batch.n));
    if (done === 0) throw new FramewiseError('DECODE_FAILED', `No frames could be decoded from ${videoPath}.`);
    throwIfAborted();
    await writer.finish();
    await rename(partial, file);
  } catch (e) {
    // Let an in-flight inference settle before closing, so its rejection is not left unhandled.
    if (inFlight) await inFlight.features.catch(() => undefined);
    await writer.abort();
    await unlink(partial).catch(() => undefined);
    throw e;
  }
  const seconds = (performance.now() - t0) / 1000;
  const runFps = done / Math.max(1e-3, (performance.now() - tStart) / 1000);
  report({ phase: 'done', framesDone: done, framesTotal: done, fps: runFps, etaSec: 0 });
  const { header } = await readFeatureHeader(file);
  return { file, cached: false, header, backend: engine.backend, seconds, fps: runFps };
}

/** Rows of the CNN's vectors followed by the streams' vectors for the same frames. */
function joinStreams(
  cnn: Float32Array,
  cnnDim: number,
  streamed: Float32Array,
  streamDim: number,
  n: number,
): Float32Array {
  if (streamDim === 0) return cnn;
  const dim = cnnDim + streamDim;
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    out.set(cnn.subarray(i * cnnDim, (i + 1) * cnnDim), i * dim);
    out.set(streamed.subarray(i * streamDim, (i + 1) * streamDim), i * dim + cnnDim);
  }
  return out;
}

/**
 * Removes `<file>.<pid>.partial` left by an extraction whose process died (kill -9, power cut):
 * the rename to the final name never happened, so nothing uses them. A partial of a live process
 * (another window or CLI extracting the same video) is left alone.
 */
export async function removeStalePartials(file: string): Promise<string[]> {
  const dir = dirname(file);
  const prefix = `${basename(file)}.`;
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(prefix) || !name.endsWith('.partial')) continue;
    const pid = Number(name.slice(prefix.length, -'.partial'.length));
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    await unlink(join(dir, name)).then(
      () => removed.push(name),
      () => undefined,
    );
  }
  return removed;
}
