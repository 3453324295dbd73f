/** project.importPreview / project.import: a preview that saves nothing, then the same import applied. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreServices, type CoreServices } from '../../src/services/core-services.js';
import { dispatchApi } from '../../src/transport/dispatch.js';
import { makeTempDir, makeVideo, removeTempDir } from '../fixtures/videos.js';

let dir: string;
let core: CoreServices;
beforeAll(async () => {
  dir = await makeTempDir('fw-import-svc-');
  core = createCoreServices({ transport: 'serve', emit: () => undefined });
});
afterAll(async () => {
  await core.dispose();
  await removeTempDir(dir);
});

describe('import in the app', () => {
  it('previews a Kinetics CSV (trimmed clips, source times) without saving, then imports it', async () => {
    const vids = join(dir, 'kin');
    await mkdir(vids);
    await makeVideo(vids, 'abc_30_40.mp4', { durationSec: 4 });
    await makeVideo(vids, 'xyz_000002_000005.mp4', { durationSec: 3 });
    await core.api['project.create']({ dir: join(dir, 'p1'), name: 'kinetics' });
    await core.api['project.addVideos']({ paths: [vids] });
    // Uploaded text (serve mode): rows name project videos by their Kinetics id.
    const text =
      'label,youtube_id,time_start,time_end,split\nwave,abc,30,34,train\njump,xyz,2,5,train\nrun,nope,1,2,train\n';
    const preview = await core.api['project.importPreview']({ text, fileName: 'kinetics.csv' });
    expect(preview.format).toBe('kinetics-csv');
    expect(preview.segmentCount).toBe(2);
    expect(preview.segments.map((s) => [s.file.split('/').pop(), s.start, s.end, s.label])).toEqual([
      ['abc_30_40.mp4', 0, 4, 'wave'],
      ['xyz_000002_000005.mp4', 0, 3, 'jump'],
    ]);
    expect(preview.newClasses).toEqual(['wave', 'jump']);
    expect(preview.warnings).toEqual(['1 row(s) name a video not in the project nor on disk: nope']);
    expect((await core.api['project.current']({}))!.project.segments).toHaveLength(0);

    const res = await core.api['project.import']({ text, fileName: 'kinetics.csv' });
    expect(res.segmentCount).toBe(2);
    const p = res.snapshot.project;
    expect(p.classes.map((c) => c.name)).toEqual(['wave', 'jump']);
    expect(p.segments.map((s) => [s.start, s.end])).toEqual([
      [0, 4],
      [0, 3],
    ]);
  }, 60_000);

  it('imports a UCF101-style class folder tree by path, new videos and the official split included', async () => {
    const root = join(dir, 'ucf');
    for (const c of ['Punch', 'Walk']) await mkdir(join(root, c), { recursive: true });
    await makeVideo(join(root, 'Punch'), 'v_Punch_g01_c01.mp4', { durationSec: 1 });
    await makeVideo(join(root, 'Punch'), 'v_Punch_g02_c01.mp4', { durationSec: 1, fps: 5 });
    await makeVideo(join(root, 'Walk'), 'v_Walk_g01_c01.mp4', { durationSec: 2 });
    await writeFile(join(root, 'testlist01.txt'), 'Punch/v_Punch_g02_c01.avi\n');
    await core.api['project.create']({ dir: join(dir, 'p2'), name: 'ucf' });
    const preview = await core.api['project.importPreview']({ path: root });
    expect(preview.format).toBe('class-folders');
    expect(preview.newVideos.map((f) => f.split('/').pop())).toEqual([
      'v_Punch_g01_c01.mp4',
      'v_Punch_g02_c01.mp4',
      'v_Walk_g01_c01.mp4',
    ]);
    expect((await core.api['project.current']({}))!.project.videos).toHaveLength(0);
    const res = await core.api['project.import']({ path: root });
    const p = res.snapshot.project;
    expect(p.videos).toHaveLength(3);
    const byName = new Map(p.classes.map((c) => [c.id, c.name]));
    expect(p.segments.map((s) => [byName.get(s.classId!), s.start, Math.round(s.end)])).toEqual([
      ['Punch', 0, 1],
      ['Punch', 0, 1],
      ['Walk', 0, 2],
    ]);
    expect(p.videos.map((v) => v.split)).toEqual(['train', 'test', 'train']);
    expect(res.split).toEqual({ train: 2, test: 1 });
  }, 60_000);

  it('imports MSVD caption JSON as captioned segments', async () => {
    const res = await core.api['project.importPreview']({
      text: JSON.stringify({ v_Walk_g01_c01: ['a man walks', 'someone walking'], missing: ['x'] }),
      fileName: 'msvd.json',
    });
    expect(res.format).toBe('msvd');
    expect(res.segments.map((s) => [s.file.split('/').pop(), s.caption])).toEqual([
      ['v_Walk_g01_c01.mp4', 'a man walks'],
    ]);
    expect(res.warnings.join('\n')).toContain('1 video key(s) match no project video: missing');
  });

  it('refuses arguments with neither or both of path and text', async () => {
    for (const args of [{}, { path: '/x', text: 'a' }]) {
      const env = await dispatchApi(core.api, 'project.importPreview', args);
      expect(env).toEqual({
        ok: false,
        error: {
          code: 'BAD_ARGUMENT',
          message: 'Bad arguments for project.importPreview: give either "path" or "text".',
        },
      });
    }
    const missing = await dispatchApi(core.api, 'project.import', { path: join(dir, 'nothing-here') });
    expect(missing).toMatchObject({ ok: false, error: { code: 'FILE_NOT_FOUND' } });
  });
});
