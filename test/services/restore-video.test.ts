/** project.restoreVideo undoes project.removeVideo exactly, and refuses a file that changed since. */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreServices, type CoreServices } from '../../src/services/core-services.js';
import type { Segment } from '../../src/store/schema.js';
import { makeTempDir, makeVideo, removeTempDir } from '../fixtures/videos.js';

let dir: string;
let core: CoreServices;
beforeAll(async () => {
  dir = await makeTempDir('fw-restore-video-');
  core = createCoreServices({ transport: 'serve', emit: () => undefined });
});
afterAll(async () => {
  await core.dispose();
  await removeTempDir(dir);
});

describe('project.restoreVideo', () => {
  it('brings a removed video back with its id, place and segments', async () => {
    await core.api['project.create']({ dir: join(dir, 'p'), name: 'restore' });
    const a = await makeVideo(dir, 'a.mp4', { durationSec: 1 });
    const b = await makeVideo(dir, 'b.mp4', { durationSec: 1, fps: 5 });
    const added = await core.api['project.addVideos']({ paths: [a, b] });
    const project = added.snapshot.project;
    const [va, vb] = project.videos;
    project.classes.push({ id: 'cls_1', name: 'wave', color: '#ff0000' });
    const seg = (id: string, videoId: string, start: number): Segment => ({
      id,
      videoId,
      start,
      end: start + 0.5,
      classId: 'cls_1',
      captions: ['a wave'],
      source: 'user',
    });
    project.segments.push(seg('s1', va!.id, 0), seg('s2', vb!.id, 0), seg('s3', va!.id, 0.5));
    const before = (await core.api['project.save']({ project, baseRevision: added.snapshot.revision })).project;

    const removed = await core.api['project.removeVideo']({ videoId: va!.id });
    expect(removed.project.videos.map((v) => v.id)).toEqual([vb!.id]);
    expect(removed.project.segments.map((x) => x.id)).toEqual(['s2']);

    const mine = before.segments.filter((x) => x.videoId === va!.id);
    const back = await core.api['project.restoreVideo']({ video: va!, segments: mine, index: 0 });
    expect(back.project.videos).toEqual(before.videos);
    expect([...back.project.segments].sort((x, y) => x.id.localeCompare(y.id))).toEqual(before.segments);

    // Twice is refused: it is there again.
    await expect(core.api['project.restoreVideo']({ video: va!, segments: [] })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('refuses a file whose content changed since it was removed, and segments of another video', async () => {
    const snap = (await core.api['project.current']({}))!;
    const vb = snap.project.videos.find((v) => v.path.endsWith('b.mp4'))!;
    const segs = snap.project.segments.filter((x) => x.videoId === vb.id);
    await core.api['project.removeVideo']({ videoId: vb.id });
    await expect(
      core.api['project.restoreVideo']({ video: vb, segments: [{ ...segs[0]!, videoId: 'vid_other' }] }),
    ).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await appendFile(join(dir, 'b.mp4'), Buffer.alloc(4096, 7));
    await expect(core.api['project.restoreVideo']({ video: vb, segments: segs })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('has changed since it was removed'),
    });
    expect((await core.api['project.current']({}))!.project.videos.map((v) => v.id)).not.toContain(vb.id);
  });
});
