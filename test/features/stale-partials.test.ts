import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeStalePartials } from '../../src/features/extract.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-partials-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('removeStalePartials', () => {
  it('removes partials of dead processes only, and only for this cache file', async () => {
    // A process that has exited: its pid is (almost surely) not reused within this test.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const file = join(dir, 'abc-mobilenet.fwf');
    const names = [
      `abc-mobilenet.fwf.${dead}.partial`, // killed writer → removed
      `abc-mobilenet.fwf.${process.pid}.partial`, // this process → kept
      `abc-mobilenet.fwf.${process.ppid}.partial`, // a live process → kept
      `other.fwf.${dead}.partial`, // another cache file → kept
      `abc-mobilenet.fwf.notapid.partial`, // not ours → kept
    ];
    for (const n of names) await writeFile(join(dir, n), 'x');
    expect(await removeStalePartials(file)).toEqual([names[0]]);
    expect((await readdir(dir)).sort()).toEqual(names.slice(1).sort());
  });

  it('a missing cache folder is not an error', async () => {
    expect(await removeStalePartials(join(dir, 'missing', 'x.fwf'))).toEqual([]);
  });
});
