/**
 * project.settingsCost: new settings are checked as a save would check them, and the count of
 * videos "whose features will be re-extracted" matches the cache files a real extraction wrote.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreServices, type CoreServices } from '../../src/services/core-services.js';
import type { ProjectSettings } from '../../src/store/schema.js';
import { makeTempDir, makeVideo, removeTempDir } from '../fixtures/videos.js';

let dir: string;
let core: CoreServices;
let settings: ProjectSettings;
beforeAll(async () => {
  dir = await makeTempDir('fw-settings-cost-');
  core = createCoreServices({ transport: 'serve', emit: () => undefined });
  await core.api['project.create']({ dir: join(dir, 'p'), name: 'cost' });
  const a = await makeVideo(dir, 'a.mp4', { durationSec: 1 });
  const b = await makeVideo(dir, 'b.mp4', { durationSec: 1, fps: 5 });
  const added = await core.api['project.addVideos']({ paths: [a, b] });
  const project = added.snapshot.project;
  project.settings.fps = 2;
  const saved = await core.api['project.save']({ project, baseRevision: added.snapshot.revision });
  settings = saved.project.settings;
  // Only a's features at 2 fps, with the real engine: the cache file names are the engine's.
  const { jobId } = await core.api['features.extract']({ videoIds: [saved.project.videos[0]!.id] });
  const job = await core.waitForJob(jobId);
  expect(job.status, job.error?.message).toBe('done');
}, 180_000);
afterAll(async () => {
  await core.dispose();
  await removeTempDir(dir);
});

const cost = (change: Partial<ProjectSettings>) =>
  core.api['project.settingsCost']({ settings: { ...settings, ...change } });

describe('project.settingsCost', () => {
  it('counts the videos without cached features at the new settings', async () => {
    // Unchanged: only b lacks features.
    expect(await cost({})).toEqual({ videos: 2, toExtract: 1, featuresChange: false });
    // Another rate: neither has features there.
    expect(await cost({ fps: 1 })).toEqual({ videos: 2, toExtract: 2, featuresChange: true });
    // Clips are cut from the cached frames: a new clip length extracts nothing.
    expect(await cost({ clipLength: 8 })).toEqual({ videos: 2, toExtract: 1, featuresChange: false });
    // Other streams are other features.
    expect(await cost({ streams: [] })).toEqual({ videos: 2, toExtract: 2, featuresChange: true });
  });

  it('refuses settings a save or an extraction would refuse', async () => {
    await expect(cost({ fps: 0 })).rejects.toMatchObject({ code: 'BAD_PROJECT' });
    await expect(cost({ fps: 500 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(cost({ clipLength: 2.5 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(cost({ streams: ['colour'] })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(cost({ backboneId: 'no-such-backbone' })).rejects.toMatchObject({ code: 'BACKBONE_UNAVAILABLE' });
  });
});
