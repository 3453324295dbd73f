import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_RECENT, loadRecent, saveRecent, withRecent, withoutRecent } from '../../src/store/recent-projects.js';
import { createCoreServices } from '../../src/services/core-services.js';
import { defaultStateDir } from '../../src/util/state-dir.js';

const entry = (root: string, i = 0) => ({ root, name: root, openedAt: new Date(2026, 0, 1, 0, i).toISOString() });

describe('recent projects', () => {
  it('puts the newest first, once per folder, at most MAX_RECENT', () => {
    let list = withRecent([], entry('/a'));
    list = withRecent(list, entry('/b'));
    list = withRecent(list, entry('/a', 2));
    expect(list.map((r) => r.root)).toEqual(['/a', '/b']);
    for (let i = 0; i < 20; i++) list = withRecent(list, entry(`/p${i}`));
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0]!.root).toBe('/p19');
    expect(withoutRecent(list, '/p19')[0]!.root).toBe('/p18');
  });

  it('a missing or corrupt file is an empty list; save + load round-trips', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-recent-'));
    try {
      expect(await loadRecent(dir)).toEqual([]);
      await writeFile(join(dir, 'recent-projects.json'), '{ not json');
      expect(await loadRecent(dir)).toEqual([]);
      await writeFile(join(dir, 'recent-projects.json'), JSON.stringify([{ root: 1 }, entry('/ok')]));
      expect(await loadRecent(dir)).toEqual([entry('/ok')]);
      await saveRecent(join(dir, 'nested'), [entry('/x')]);
      expect(await loadRecent(join(dir, 'nested'))).toEqual([entry('/x')]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the core records created and opened projects, and forgets one that is gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-recent-core-'));
    const core = createCoreServices({ transport: 'serve', emit: () => undefined, stateDir: join(dir, 'state') });
    try {
      await core.api['project.create']({ dir: join(dir, 'one'), name: 'One' });
      await core.api['project.create']({ dir: join(dir, 'two'), name: 'Two' });
      await core.api['project.open']({ dir: join(dir, 'one') });
      expect((await core.api['project.recent']({})).map((r) => r.name)).toEqual(['One', 'Two']);
      await rm(join(dir, 'two'), { recursive: true });
      await expect(core.api['project.open']({ dir: join(dir, 'two') })).rejects.toMatchObject({
        code: 'FILE_NOT_FOUND',
      });
      expect((await core.api['project.recent']({})).map((r) => r.name)).toEqual(['One']);
    } finally {
      await core.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('without a state folder nothing is kept', async () => {
    const core = createCoreServices({ transport: 'serve', emit: () => undefined });
    expect(await core.api['project.recent']({})).toEqual([]);
    await core.dispose();
  });

  it('defaultStateDir follows FRAMEWISE_STATE_DIR, then the platform convention', () => {
    expect(defaultStateDir({ FRAMEWISE_STATE_DIR: '/s' }, 'linux')).toBe('/s');
    expect(defaultStateDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/framewise');
    expect(defaultStateDir({ APPDATA: 'C:\\\\Users\\\\me\\\\AppData\\\\Roaming' }, 'win32')).toMatch(/Framewise$/);
    expect(defaultStateDir({}, 'darwin')).toMatch(/Library\/Application Support\/Framewise$/);
  });
});
