/** Moving a project folder or its videos: relative paths inside the project, relink by content. */
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentHash } from '../../src/features/content-hash.js';
import { ProjectStore, newId, resolveVideoPath } from '../../src/store/project-store.js';
import { createCoreServices } from '../../src/services/core-services.js';
import { cli } from '../cli/spawn-cli.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-relink-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function addFile(store: ProjectStore, file: string, bytes: string): Promise<string> {
  await writeFile(file, bytes);
  const id = newId('vid');
  const hash = await contentHash(file);
  await store.update(
    (p) => void p.videos.push({ id, path: file, contentHash: hash, addedAt: new Date().toISOString() }),
  );
  return id;
}

describe('video paths that survive a move', () => {
  it('keeps videos inside the project folder relative, so the moved folder still finds them', async () => {
    const root = join(dir, 'p');
    const store = await ProjectStore.create(root, 'p');
    await mkdir(join(root, 'videos'));
    await mkdir(join(dir, 'outside'));
    await addFile(store, join(root, 'videos', 'in.mp4'), 'inside');
    await addFile(store, join(dir, 'outside', 'out.mp4'), 'outside');
    const onDisk = JSON.parse(await readFile(join(root, 'project.json'), 'utf8')) as { videos: { path: string }[] };
    expect(onDisk.videos.map((v) => v.path)).toEqual(['videos/in.mp4', join(dir, 'outside', 'out.mp4')]);
    await rename(root, join(dir, 'moved'));
    const moved = await ProjectStore.open(join(dir, 'moved'));
    expect(await readFile(resolveVideoPath(moved.paths, moved.project.videos[0]!.path), 'utf8')).toBe('inside');
  });

  it('relinks missing videos by content hash, not by name, and reports the ones still missing', async () => {
    const root = join(dir, 'p');
    const store = await ProjectStore.create(root, 'p');
    await mkdir(join(dir, 'old'));
    const a = await addFile(store, join(dir, 'old', 'a.mp4'), 'clip a');
    const b = await addFile(store, join(dir, 'old', 'b.mp4'), 'clip b');
    await addFile(store, join(dir, 'old', 'c.mp4'), 'clip c');
    // The videos moved to a new drive: a renamed, b moved; a decoy named b.mp4 with other content;
    // c is gone.
    await mkdir(join(dir, 'new', 'deep'), { recursive: true });
    await mkdir(join(dir, 'new', 'decoy'));
    await rename(join(dir, 'old', 'a.mp4'), join(dir, 'new', 'deep', 'renamed-a.mp4'));
    await writeFile(join(dir, 'new', 'decoy', 'b.mp4'), 'not clip b');
    await rename(join(dir, 'old', 'b.mp4'), join(dir, 'new', 'b.mp4'));
    await rm(join(dir, 'old', 'c.mp4'));

    const core = createCoreServices({ transport: 'serve', emit: () => undefined });
    await core.api['project.open']({ dir: root });
    const res = await core.api['project.relink']({ folder: join(dir, 'new') });
    await core.dispose();
    expect(res.relinked.sort((x, y) => x.from.localeCompare(y.from))).toEqual([
      { videoId: a, from: join(dir, 'old', 'a.mp4'), to: join(dir, 'new', 'deep', 'renamed-a.mp4') },
      { videoId: b, from: join(dir, 'old', 'b.mp4'), to: join(dir, 'new', 'b.mp4') },
    ]);
    expect(res.missing).toMatchObject([{ path: join(dir, 'old', 'c.mp4'), reason: 'not found' }]);
    const paths = (await ProjectStore.open(root)).project.videos.map((v) => v.path);
    expect(paths).toEqual([
      join(dir, 'new', 'deep', 'renamed-a.mp4'),
      join(dir, 'new', 'b.mp4'),
      join(dir, 'old', 'c.mp4'),
    ]);
  });

  it('framewise relink does the same from the command line (exit 1 while a video is still missing)', async () => {
    const root = join(dir, 'p');
    const store = await ProjectStore.create(root, 'p');
    await mkdir(join(dir, 'old'));
    await addFile(store, join(dir, 'old', 'a.mp4'), 'clip a');
    await mkdir(join(root, 'videos'));
    await rename(join(dir, 'old', 'a.mp4'), join(root, 'videos', 'a.mp4'));
    const r = await cli(['relink', root, root]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 video(s) relinked, 0 still missing');
    // Found inside the project folder: stored relative from now on.
    expect((await ProjectStore.open(root)).project.videos[0]!.path).toBe('videos/a.mp4');
  }, 60_000);
});
