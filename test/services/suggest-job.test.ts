/**
 * "Label next" is a job: its list comes as the job result (kind 'suggest'), the stretches of the
 * unlabelled video first, and cancelling it while features are still being extracted stops it.
 * Real ffmpeg and CNN on colour clips; a tiny head.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreServices, type CoreServices } from '../../src/services/core-services.js';
import type { JobResult } from '../../src/services/contract.js';
import { makeColorSequence, makeTempDir, removeTempDir } from '../fixtures/videos.js';

let dir: string;
let core: CoreServices;
const results: JobResult[] = [];
let unlabelledId: string;

beforeAll(async () => {
  dir = await makeTempDir('fw-suggest-job-');
  core = createCoreServices({
    transport: 'serve',
    emit: (e) => {
      if (e.type === 'job.result') results.push(e.result);
    },
  });
  await core.api['project.create']({ dir: join(dir, 'project'), name: 'Suggest' });
  const files: string[] = [];
  for (let i = 0; i < 4; i++)
    // Each its own length: identical files would be recognised as one video.
    files.push(
      await makeColorSequence(dir, `v${i}.mp4`, { colors: ['red', 'blue'], secondsEach: [2, 2 + i * 0.25], fps: 8 }),
    );
  files.push(await makeColorSequence(dir, 'new.mp4', { colors: ['green', 'red'], secondsEach: [3, 3], fps: 8 }));
  const added = await core.api['project.addVideos']({ paths: files });
  const p = structuredClone(added.snapshot.project);
  p.settings.streams = [];
  p.classes = [
    { id: 'red', name: 'red', color: '#ff0000' },
    { id: 'blue', name: 'blue', color: '#0000ff' },
  ];
  for (const [i, v] of p.videos.slice(0, 4).entries())
    p.segments.push(
      { id: `s${i}a`, videoId: v.id, start: 0, end: 2, classId: 'red', captions: [], source: 'user' },
      { id: `s${i}b`, videoId: v.id, start: 2, end: 4 + i * 0.25, classId: 'blue', captions: [], source: 'user' },
    );
  unlabelledId = p.videos[4]!.id;
  await core.api['project.save']({ project: p, baseRevision: added.snapshot.revision });
  const { jobId } = await core.api['training.start']({
    head: 'gru',
    hidden: 8,
    epochs: 2,
    clipLength: 4,
    name: 'm',
    background: false,
  });
  expect((await core.waitForJob(jobId)).status).toBe('done');
}, 240_000);

afterAll(async () => {
  await core.dispose();
  await removeTempDir(dir);
});

describe('suggest.start', () => {
  it('can be cancelled while it extracts the unlabelled video', async () => {
    const { jobId } = await core.api['suggest.start']({});
    expect((await core.api['jobs.cancel']({ jobId })).cancelled).toBe(true);
    expect((await core.waitForJob(jobId)).status).toBe('cancelled');
    expect(results.some((r) => r.jobId === jobId)).toBe(false);
  }, 120_000);

  it('hands the list back as its result: the unlabelled video, most uncertain first', async () => {
    const { jobId } = await core.api['suggest.start']({ limit: 5 });
    const job = await core.waitForJob(jobId);
    expect(job.status, job.error?.message).toBe('done');
    const r = results.find((x) => x.jobId === jobId);
    expect(r).toMatchObject({ kind: 'suggest', modelName: 'm' });
    const list = r!.kind === 'suggest' ? r!.suggestions : [];
    expect(list.length).toBeGreaterThan(0);
    expect(list.length).toBeLessThanOrEqual(5);
    // Every labelled video is covered by its segments: only the new one has stretches left.
    expect(new Set(list.map((s) => s.videoId))).toEqual(new Set([unlabelledId]));
    const u = list.map((s) => s.uncertainty);
    expect([...u].sort((a, b) => b - a)).toEqual(u);
    expect(await core.api['jobs.result']({ jobId })).toMatchObject({ kind: 'suggest' });
  }, 120_000);
});
