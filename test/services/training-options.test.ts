/**
 * training.start passes every training option through to the saved model (layers, bidirectional,
 * dropout, learning rate, patience, official split, class weights, seed), and resumes a finished run
 * from its checkpoint. Real ffmpeg and CNN on tiny colour clips; tiny heads.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreServices, type CoreServices } from '../../src/services/core-services.js';
import type { TrainingArgs, TrainingSummary } from '../../src/services/contract.js';
import { loadModel } from '../../src/training/model-io.js';
import { dispatchApi } from '../../src/transport/dispatch.js';
import { makeColorSequence, makeTempDir, removeTempDir } from '../fixtures/videos.js';

let dir: string;
let root: string;
let core: CoreServices;
let testVideos: string[];

beforeAll(async () => {
  dir = await makeTempDir('fw-train-opts-');
  core = createCoreServices({ transport: 'serve', emit: () => undefined });
  root = join(dir, 'project');
  await core.api['project.create']({ dir: root, name: 'Options' });
  const files: string[] = [];
  for (let i = 0; i < 6; i++) {
    const colors = i % 2 === 0 ? ['red', 'blue'] : ['blue', 'red'];
    files.push(await makeColorSequence(dir, `v${i}.mp4`, { colors, secondsEach: [2 + i * 0.25, 2], fps: 8 }));
  }
  const added = await core.api['project.addVideos']({ paths: files });
  expect(added.rejected).toEqual([]);
  const p = structuredClone(added.snapshot.project);
  p.settings.streams = [];
  p.classes = [
    { id: 'red', name: 'red', color: '#ff0000' },
    { id: 'blue', name: 'blue', color: '#0000ff' },
  ];
  for (const [i, v] of p.videos.entries()) {
    const first = 2 + i * 0.25;
    const [a, b] = i % 2 === 0 ? ['red', 'blue'] : ['blue', 'red'];
    p.segments.push(
      { id: `s${i}a`, videoId: v.id, start: 0, end: first, classId: a!, captions: [], source: 'user' },
      { id: `s${i}b`, videoId: v.id, start: first, end: first + 2, classId: b!, captions: [], source: 'user' },
    );
    // As a UCF101 import with its testlist would mark them.
    v.split = i >= 4 ? 'test' : 'train';
  }
  testVideos = p.videos.slice(4).map((v) => v.id);
  await core.api['project.save']({ project: p, baseRevision: added.snapshot.revision });
}, 120_000);

afterAll(async () => {
  await core.dispose();
  await removeTempDir(dir);
});

async function train(args: TrainingArgs): Promise<TrainingSummary> {
  const { jobId } = await core.api['training.start'](args);
  const job = await core.waitForJob(jobId);
  if (job.status !== 'done') throw new Error(`training ${job.status}: ${job.error?.message ?? ''}`);
  return (await core.api['training.result']({ jobId }))!;
}

const OPTIONS: TrainingArgs = {
  head: 'lstm',
  hidden: 8,
  epochs: 3,
  clipLength: 4,
  layers: 2,
  bidirectional: true,
  dropout: 0.1,
  lr: 0.005,
  batchSize: 4,
  patience: 0,
  split: 'official',
  classWeights: 'balanced',
  seed: 7,
  background: false,
};

describe('training.start options', () => {
  it('reach the saved model: head shape, official split, learning rate, seed', async () => {
    const a = await train({ ...OPTIONS, name: 'opts-a' });
    const model = await loadModel(join(root, 'models', 'opts-a'));
    expect(model.head.config).toMatchObject({ cell: 'lstm', hidden: 8, layers: 2, bidirectional: true, dropout: 0.1 });
    // The official test videos are the validation set, and the saved model never trained on them.
    expect([...(model.meta.valVideos ?? [])].sort()).toEqual([...testVideos].sort());
    expect(a.warnings.join(' ')).not.toMatch(/trained again on all/);
    expect(a.history).toHaveLength(3); // patience 0: no early stop
    // The run's own checkpoint records the learning rate used (cosine from 0.005, not the default 0.001).
    const run = await loadModel(join(root, 'models', 'opts-a', 'run', 'checkpoint'));
    const lrs = (run.meta.checkpoint!.history as { lr: number }[]).map((h) => h.lr);
    expect(lrs[0]).toBeGreaterThan(0.002);
    expect(lrs[0]).toBeLessThanOrEqual(0.005);
    // The same seed gives the same run; another seed another one.
    const b = await train({ ...OPTIONS, name: 'opts-b' });
    const c = await train({ ...OPTIONS, name: 'opts-c', seed: 8 });
    expect(b.history.map((h) => h.loss)).toEqual(a.history.map((h) => h.loss));
    expect(c.history.map((h) => h.loss)).not.toEqual(a.history.map((h) => h.loss));
  }, 300_000);

  it('resumes a finished run from its checkpoint with more epochs', async () => {
    const base: TrainingArgs = { ...OPTIONS, split: 'video', name: 'resumed', epochs: 2 };
    const first = await train(base);
    expect(first.history.map((h) => h.epoch)).toEqual([1, 2]);
    const more = await train({ ...base, epochs: 4, resume: true });
    expect(more.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    expect(more.history.slice(0, 2)).toEqual(first.history);
    // Nothing to resume under another name: the job fails saying so.
    const { jobId } = await core.api['training.start']({ ...base, name: 'never-trained', resume: true });
    const job = await core.waitForJob(jobId);
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(job.error!.message).toMatch(/no training checkpoint of a model "never-trained"/);
    await expect(stat(join(root, 'models', 'never-trained'))).rejects.toMatchObject({ code: 'ENOENT' });
  }, 300_000);

  it('lists resumable runs after a restart and resumes one from what it was started with', async () => {
    const base: TrainingArgs = { ...OPTIONS, split: 'video', name: 'after-restart', epochs: 2 };
    await train(base);
    // A new core on the same project: nothing of the run is in memory, only on disk.
    const fresh = createCoreServices({ transport: 'serve', emit: () => undefined });
    try {
      await fresh.api['project.open']({ dir: root });
      const runs = await fresh.api['training.runs']({});
      const run = runs.find((r) => r.name === 'after-restart')!;
      expect(run).toMatchObject({ epochsDone: 2, finished: true });
      expect(run.args).toEqual({ ...base });
      expect(runs.map((r) => r.name)).not.toContain('never-trained');
      const { jobId } = await fresh.api['training.start']({ ...run.args, epochs: 3, resume: true });
      const job = await fresh.waitForJob(jobId);
      expect(job.status).toBe('done');
      const summary = (await fresh.api['training.result']({ jobId }))!;
      expect(summary.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
      // The request now says 3 epochs: a later resume starts from that.
      const again = (await fresh.api['training.runs']({})).find((r) => r.name === 'after-restart')!;
      expect(again).toMatchObject({ epochsDone: 3, args: { epochs: 3 } });
      expect(again.args).not.toHaveProperty('resume');
    } finally {
      await fresh.dispose();
    }
  }, 300_000);

  it('refuses bad option values before any job starts', async () => {
    for (const bad of [{ split: 'random' }, { dropout: 1 }, { layers: 4 }, { lr: 0 }, { classWeights: 'heavy' }])
      expect(await dispatchApi(core.api, 'training.start', { head: 'lstm', ...bad })).toMatchObject({
        ok: false,
        error: { code: 'BAD_ARGUMENT' },
      });
    await expect(core.api['training.start']({ head: 'lstm', resume: true })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
  });
});
