/**
 * Long jobs: cancelling an extraction job mid-way, cancelling and resuming training in the worker,
 * and crashes inside the training worker. Uses the real engine and the real worker thread.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FramewiseError } from '../../src/errors.js';
import { readFeatureFile } from '../../src/features/feature-file.js';
import { createCoreServices, type CoreServices } from '../../src/services/core-services.js';
import type { ApiEvent, JobState } from '../../src/services/contract.js';
import { JobRunner } from '../../src/services/jobs.js';
import { loadModel } from '../../src/training/model-io.js';
import { modelFromWorkerResult, runTrainingWorker, trainInWorker } from '../../src/training/run-in-worker.js';
import type { TrainingData } from '../../src/training/train.js';
import { makeTempDir, makeVideo, removeTempDir } from '../fixtures/videos.js';
import { orderTask } from '../training/synthetic.js';
import { partialFiles } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('fw-longjobs-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

describe('cancelling an extraction job', () => {
  let core: CoreServices;
  const events: ApiEvent[] = [];
  let onJob: (job: JobState) => void = () => undefined;

  beforeAll(async () => {
    core = createCoreServices({
      transport: 'serve',
      emit: (e) => {
        events.push(e);
        if (e.type === 'job') onJob(e.job);
      },
    });
  });
  afterAll(async () => {
    await core?.dispose();
  });

  it('cancel mid-way → cancelled, no partial or cache file; a later extract is complete', async () => {
    const root = join(dir, 'project');
    const snap = await core.api['project.create']({ dir: root, name: 'Long' });
    await core.api['project.save']({ project: { ...snap.project, settings: { ...snap.project.settings, fps: 8 } } });
    const video = await makeVideo(dir, 'sixty-seconds.mp4', { durationSec: 60, fps: 8 });
    const { snapshot } = await core.api['project.addVideos']({ paths: [video] });
    const videoId = snapshot.project.videos[0]!.id;

    let cancelledAt: JobState | null = null;
    let cancelTime = 0;
    let jobId = '';
    onJob = (job) => {
      if (job.jobId === jobId && job.status === 'running' && job.done > 0 && !cancelledAt) {
        cancelledAt = { ...job };
        cancelTime = performance.now();
        void core.api['jobs.cancel']({ jobId });
      }
    };
    jobId = (await core.api['features.extract']({ videoIds: [videoId] })).jobId;
    const job = await core.waitForJob(jobId);
    const settleMs = performance.now() - cancelTime;
    onJob = () => undefined;

    expect(cancelledAt).not.toBeNull();
    expect(cancelledAt!.done).toBeLessThan(cancelledAt!.total);
    expect(job.status).toBe('cancelled');
    expect(job.message).toBe('Cancelled');
    expect(settleMs).toBeLessThan(3000);
    console.log(
      `[reliability] extraction cancelled at ${cancelledAt!.done}/${cancelledAt!.total} frames, settled in ${Math.round(settleMs)} ms`,
    );
    const features = join(root, 'features');
    expect(await partialFiles(features)).toEqual([]);
    expect((await readdir(features)).filter((n) => n.endsWith('.fwf'))).toEqual([]);
    expect((await core.api['project.current']({}))!.features[videoId]).toEqual({ cached: false });
    // The cancel is final: a second cancel is a no-op, and the job list shows it cancelled.
    expect(await core.api['jobs.cancel']({ jobId })).toEqual({ cancelled: false });
    expect((await core.api['jobs.list']({})).find((j) => j.jobId === jobId)?.status).toBe('cancelled');

    const again = await core.waitForJob((await core.api['features.extract']({ videoIds: [videoId] })).jobId);
    expect(again).toMatchObject({ status: 'done', message: '480 frames' });
    const [file] = (await readdir(features)).filter((n) => n.endsWith('.fwf'));
    const data = await readFeatureFile(join(features, file!));
    expect(data.header.count).toBe(480);
    expect(data.times[0]).toBe(0);
    expect(data.times[479]).toBeCloseTo(479 / 8, 9);
    expect((await core.api['project.current']({}))!.features[videoId]).toEqual({ cached: true, frames: 480 });
    expect(await partialFiles(features)).toEqual([]);
  });

  it('dispose() cancels running jobs and waits for them', async () => {
    const root = join(dir, 'project-dispose');
    const other = createCoreServices({ transport: 'serve', emit: () => undefined });
    await other.api['project.create']({ dir: root, name: 'Dispose' });
    const video = await makeVideo(dir, 'dispose-me.mp4', { durationSec: 30, fps: 8, source: 'moving-box' });
    await other.api['project.addVideos']({ paths: [video] });
    const { jobId } = await other.api['features.extract']({});
    await new Promise((r) => setTimeout(r, 2500));
    await other.dispose();
    expect((await other.waitForJob(jobId)).status).toMatch(/cancelled|done/);
    expect(await partialFiles(join(root, 'features'))).toEqual([]);
  });
});

describe('training in the worker: cancel and resume', () => {
  const data = orderTask({ videos: 4, segmentsPerVideo: 6 });
  const cfg = { clipLength: 8, batchSize: 8, seed: 1, patience: 0, head: { cell: 'gru' as const, hidden: 8 } };

  it('a cancelled training continues from its checkpoint', async () => {
    const out = join(dir, 'model');
    const ac = new AbortController();
    const first = trainInWorker({ ...cfg, epochs: 4, outDir: out }, data, {
      backend: 'wasm',
      signal: ac.signal,
      onProgress: (p) => (p.type === 'epoch' ? ac.abort() : undefined),
    });
    await expect(first).rejects.toMatchObject({ code: 'ABORTED' });
    const ck = await loadModel(join(out, 'checkpoint'));
    const k = ck.meta.checkpoint!.epoch;
    expect(k).toBeGreaterThanOrEqual(0);
    expect(k).toBeLessThan(3);

    const epochs: number[] = [];
    const r = await trainInWorker({ ...cfg, epochs: 4, outDir: out, resume: true }, data, {
      backend: 'wasm',
      onProgress: (p) => (p.type === 'epoch' ? epochs.push(p.epoch) : undefined),
    });
    console.log(`[reliability] training cancelled after epoch ${k}; resumed epochs ${epochs.join(', ')}`);
    expect(epochs).toEqual(Array.from({ length: 3 - k }, (_, i) => k + 1 + i));
    expect(r.history.map((h) => h.epoch)).toEqual([0, 1, 2, 3]);
    const saved = await loadModel(out);
    expect(saved.meta.checkpoint).toBeUndefined();
    expect(modelFromWorkerResult(r).meta.classes).toHaveLength(2);
  });
});

describe('crashes inside the training worker', () => {
  const data = orderTask({ videos: 4, segmentsPerVideo: 6 });
  const cfg = { clipLength: 8, batchSize: 8, epochs: 2, seed: 1, head: { cell: 'gru' as const, hidden: 8 } };

  it('data that throws inside the worker → rejected FramewiseError with a readable message', async () => {
    const broken = { ...data, videos: null } as unknown as TrainingData;
    const err = await trainInWorker(cfg, broken, { backend: 'wasm' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FramewiseError);
    expect((err as FramewiseError).code).toBe('INTERNAL');
    expect((err as FramewiseError).message).toMatch(/not iterable/);
  });

  it('features of the wrong size → a caller error, not a crash', async () => {
    const wrong = { ...data, featureDim: data.featureDim + 1 };
    const err = await trainInWorker(cfg, wrong, { backend: 'wasm' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FramewiseError);
    expect((err as FramewiseError).message.length).toBeGreaterThan(10);
    expect((err as FramewiseError).message).not.toMatch(/\[object Object\]/);
  });

  it('the worker thread dying mid-training → rejected INTERNAL "exited unexpectedly"; a failed job; the process lives on', async () => {
    const dying = new URL('../fixtures/dying-training-worker.ts', import.meta.url);
    let progressed = 0;
    const runner = new JobRunner(() => undefined);
    const jobId = runner.start('extract', 'training', async () => {
      await runTrainingWorker(dying, { ...cfg, epochs: 50 }, data, {
        backend: 'wasm',
        onProgress: () => void progressed++,
      });
    });
    const job = await runner.wait(jobId);
    expect(progressed).toBeGreaterThan(0);
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'INTERNAL' });
    expect(job.error!.message).toMatch(/Training worker exited unexpectedly \(code 3\)/);

    // The process survives and the next training works.
    const ok = await trainInWorker(cfg, data, { backend: 'wasm' });
    expect(ok.history).toHaveLength(2);
  });

  it('data that cannot be sent to the worker → rejected, and no worker thread is left running', async () => {
    const workers: Worker[] = [];
    const original = Worker.prototype.postMessage;
    const spy = vi.spyOn(Worker.prototype, 'postMessage').mockImplementation(function (this: Worker, ...args) {
      workers.push(this);
      return original.apply(this, args as Parameters<Worker['postMessage']>);
    });
    const unclonable = { ...data, extra: () => 1 } as unknown as TrainingData;
    const err = await trainInWorker(cfg, unclonable, { backend: 'wasm' }).catch((e: unknown) => e);
    spy.mockRestore();
    expect(err).toBeInstanceOf(FramewiseError);
    expect((err as FramewiseError).code).toBe('BAD_ARGUMENT');
    expect((err as FramewiseError).message).toMatch(/could not be sent to the training worker/);
    expect(workers.length).toBeGreaterThan(0);
    const states = await Promise.all(
      workers.map((w) =>
        w.threadId === -1
          ? 'exited'
          : new Promise<string>((r) => {
              w.once('exit', () => r('exited'));
              setTimeout(() => r('still running'), 3000).unref();
            }),
      ),
    );
    for (const w of workers) await w.terminate();
    expect(states).toEqual(workers.map(() => 'exited'));
    expect(existsSync(dir)).toBe(true);
  });
});
