import { describe, it, expect } from 'vitest';
import { mkdtemp, mkdir, writeFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandVideoPaths } from '../../src/util/scan.js';

describe('expandVideoPaths', () => {
  it('finds videos in folders, keeps explicit files, and survives symlink loops', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-scan-'));
    await mkdir(join(dir, 'a', 'b'), { recursive: true });
    await writeFile(join(dir, 'a', 'one.MP4'), '');
    await writeFile(join(dir, 'a', 'b', 'two.avi'), '');
    await writeFile(join(dir, 'a', 'notes.txt'), '');
    await symlink(join(dir, 'a'), join(dir, 'a', 'b', 'loop'));
    const found = await expandVideoPaths([join(dir, 'a'), join(dir, 'explicit.txt')]);
    expect(found).toEqual([join(dir, 'a', 'b', 'two.avi'), join(dir, 'a', 'one.MP4'), join(dir, 'explicit.txt')]);
  });
});
