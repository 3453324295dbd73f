/** project.addVideos refuses the same file twice: by path, and by content under another path. */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreServices, type CoreServices } from '../../src/services/core-services.js';
import { makeTempDir, makeVideo, removeTempDir } from '../fixtures/videos.js';
import { cli } from '../cli/spawn-cli.js';

let dir: string;
let core: CoreServices;
beforeAll(async () => {
  dir = await makeTempDir('fw-add-twice-');
  core = createCoreServices({ transport: 'serve', emit: () => undefined });
});
afterAll(async () => {
  await core.dispose();
  await removeTempDir(dir);
});

describe('adding the same video twice', () => {
  it('is refused by path and by content, with a message naming the video already there', async () => {
    await mkdir(join(dir, 'in'));
    const a = await makeVideo(join(dir, 'in'), 'a.mp4', { durationSec: 1 });
    const b = await makeVideo(join(dir, 'in'), 'b.mp4', { durationSec: 1, fps: 5 });
    await mkdir(join(dir, 'copies'));
    const copy = join(dir, 'copies', 'a-copy.mp4');
    await copyFile(a, copy);
    const root = join(dir, 'p');
    await core.api['project.create']({ dir: root, name: 'twice' });
    const first = await core.api['project.addVideos']({ paths: [a] });
    expect(first.rejected).toEqual([]);
    // b is new; a again (same path), and its copy (same content) are not.
    const res = await core.api['project.addVideos']({ paths: [a, copy, b] });
    expect(res.snapshot.project.videos.map((v) => v.path)).toEqual([a, b]);
    expect(res.rejected).toEqual([
      { path: a, code: 'CONFLICT', message: 'a.mp4 is already in the project.' },
      {
        path: copy,
        code: 'CONFLICT',
        message: `a-copy.mp4 has the same content as ${a}, which is already in the project.`,
      },
    ]);
    // One folder holding both the file and its copy adds it once.
    const fresh = join(dir, 'p2');
    await core.api['project.create']({ dir: fresh, name: 'twice-2' });
    await copyFile(a, join(dir, 'in', 'a-again.mp4'));
    const folder = await core.api['project.addVideos']({ paths: [join(dir, 'in')] });
    expect(folder.snapshot.project.videos).toHaveLength(2);
    expect(folder.rejected.map((r) => r.code)).toEqual(['CONFLICT']);
    // The CLI says so and, as only known files were skipped, succeeds.
    const again = await cli(['add', fresh, join(dir, 'in')]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('2 video(s) in the project; 0 rejected; 3 already in it.');
  }, 60_000);
});
