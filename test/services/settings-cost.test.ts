/**
 * project.settingsCost: new settings are checked as a save would check them, and the count of
 * videos "whose features will be re-extracted" matches the cache files a real extraction wrote.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readFeatureFile } from '../../src/features/feature-file.js';
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
    // Another frame fit is another picture for the CNN; 'stretch' is what a project without one does.
    expect(await cost({ frameFit: 'crop' })).toEqual({ videos: 2, toExtract: 2, featuresChange: true });
    expect(await cost({ frameFit: 'stretch' })).toEqual({ videos: 2, toExtract: 1, featuresChange: false });
  });

  // The videos are 160×120: cropping the centre and stretching the whole frame give the CNN other pictures.
  it('extracts at the project frame fit: cropped features are cached apart and differ', async () => {
    const snap = (await core.api['project.current']({}))!;
    const project = structuredClone(snap.project);
    project.settings.frameFit = 'crop';
    const saved = await core.api['project.save']({ project, baseRevision: snap.revision });
    const a = saved.project.videos[0]!;
    const { jobId } = await core.api['features.extract']({ videoIds: [a.id] });
    expect((await core.waitForJob(jobId)).status).toBe('done');
    settings = saved.project.settings;
    expect(await cost({})).toEqual({ videos: 2, toExtract: 1, featuresChange: false });
    expect(await cost({ frameFit: 'stretch' })).toEqual({ videos: 2, toExtract: 1, featuresChange: true });
    const features = await readdir(join(dir, 'p', 'features'));
    const crop = features.filter((f) => f.includes('_crop_'));
    const stretch = features.filter((f) => f.includes('_stretch_'));
    expect([crop.length, stretch.length]).toEqual([1, 1]);
    const [x, y] = await Promise.all(
      [crop[0]!, stretch[0]!].map((f) => readFeatureFile(join(dir, 'p', 'features', f))),
    );
    expect(x!.features.length).toBe(y!.features.length);
    expect(x!.features).not.toEqual(y!.features);
  }, 120_000);

  it('refuses settings a save or an extraction would refuse', async () => {
    await expect(cost({ fps: 0 })).rejects.toMatchObject({ code: 'BAD_PROJECT' });
    await expect(cost({ fps: 500 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(cost({ clipLength: 2.5 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(cost({ streams: ['colour'] })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(cost({ frameFit: 'zoom' as 'crop' })).rejects.toMatchObject({ code: 'BAD_PROJECT' });
    await expect(cost({ backboneId: 'no-such-backbone' })).rejects.toMatchObject({ code: 'BACKBONE_UNAVAILABLE' });
  });
});
