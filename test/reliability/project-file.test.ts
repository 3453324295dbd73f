/**
 * project.json robustness beyond test/store/project-store.test.ts (which covers invalid JSON with a
 * backup, invalid changes, one store's concurrent saves and SIGKILL mid-save).
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FramewiseError } from '../../src/errors.js';
import { ProjectStore, loadProject } from '../../src/store/project-store.js';
import { listProjectVersions, restoreProjectVersion } from '../../src/store/project-versions.js';
import { PROJECT_FORMAT_VERSION, newProject, validateProject } from '../../src/store/schema.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-projfile-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadError(root: string): Promise<FramewiseError> {
  const e = await loadProject(root).then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(FramewiseError);
  return e as FramewiseError;
}

async function writeProject(root: string, data: unknown): Promise<void> {
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'project.json'), typeof data === 'string' ? data : JSON.stringify(data));
}

describe('project.json versions and fields', () => {
  it('a newer format version → BAD_PROJECT saying to update Framewise', async () => {
    await writeProject(dir, { ...newProject('x'), version: PROJECT_FORMAT_VERSION + 1 });
    const e = await loadError(dir);
    expect(e.code).toBe('BAD_PROJECT');
    expect(e.message).toMatch(/newer Framewise \(format version 2; this version reads up to 1\)/);
  });

  it('an older (or missing-number) version: 0 is read as the current format; a non-number is named', async () => {
    // There has only ever been format 1, so older numbers need no migration and open as-is.
    await writeProject(dir, { ...newProject('x'), version: 0 });
    expect((await loadProject(dir)).project.name).toBe('x');
    await writeProject(dir, { ...newProject('x'), version: 'one' });
    const e = await loadError(dir);
    expect(e.code).toBe('BAD_PROJECT');
    expect(e.message).toContain('project.version must be a finite number');
  });

  it('missing fields → BAD_PROJECT naming every one of them', async () => {
    const p: Record<string, unknown> = { ...newProject('x') };
    delete p['name'];
    delete p['videos'];
    delete p['createdAt'];
    p['settings'] = { backboneId: 'mobilenet_v2_nsfwjs' };
    await writeProject(dir, p);
    const e = await loadError(dir);
    expect(e.code).toBe('BAD_PROJECT');
    for (const field of ['project.name', 'project.videos', 'project.createdAt', 'settings.fps', 'settings.clipLength'])
      expect(e.message).toContain(field);
    expect((e.details as { problems: string[] }).problems.length).toBeGreaterThanOrEqual(5);
  });

  it('settings missing entirely, and a project that is JSON but not an object', async () => {
    const p: Record<string, unknown> = { ...newProject('x') };
    delete p['settings'];
    await writeProject(dir, p);
    expect((await loadError(dir)).message).toContain('settings must be an object');
    await writeProject(dir, 'null');
    expect((await loadError(dir)).message).toMatch(/project must be an object/);
  });

  it('an empty project.json (0 bytes) → BAD_PROJECT "not valid JSON"', async () => {
    await writeProject(dir, '');
    const e = await loadError(dir);
    expect(e.code).toBe('BAD_PROJECT');
    expect(e.message).toMatch(/not valid JSON/);
    expect(e.message).not.toMatch(/backup/);
  });

  it('project.json that is a folder → FILE_UNREADABLE, not a crash', async () => {
    await mkdir(join(dir, 'project.json'), { recursive: true });
    const e = await loadError(dir);
    expect(e.code).toBe('FILE_UNREADABLE');
    expect(e.message).toContain('project.json');
  });
});

describe('truncated project.json with a backup', () => {
  it('names the kept versions; the newest is the complete version before the last save, and restores', async () => {
    const root = join(dir, 'p');
    const store = await ProjectStore.create(root, 'Backed up', { backups: { minIntervalMs: 0 } });
    await store.update((p) => void p.classes.push({ id: 'c1', name: 'wave', color: '#ff0000' }));
    await store.update((p) => void p.classes.push({ id: 'c2', name: 'jump', color: '#00ff00' }));
    const file = join(root, 'project.json');
    const full = await readFile(file, 'utf8');
    await writeFile(file, full.slice(0, Math.floor(full.length / 2))); // a torn copy / full disk
    const e = await loadError(root);
    expect(e.code).toBe('BAD_PROJECT');
    expect(e.message).toMatch(/not valid JSON/);
    expect(e.message).toContain(`Earlier versions are kept in ${join(root, 'backups')}`);
    const versions = await listProjectVersions(root);
    expect(versions.map((v) => v.classes)).toEqual([1, 0]);
    expect(e.details).toMatchObject({ backup: join(root, 'backups', `project-${versions[0]!.id}.json`) });
    // Recovery as the message suggests: restoring works although project.json no longer opens.
    await restoreProjectVersion(root, versions[0]!.id);
    const { project } = await loadProject(root);
    expect(project.classes.map((c) => c.id)).toEqual(['c1']);
    expect(project.revision).toBeGreaterThan(versions[0]!.revision);
    // The torn file is kept beside, not thrown away.
    const damaged = (await readdir(root)).filter((n) => n.startsWith('project.json.damaged-'));
    expect(damaged).toHaveLength(1);
    expect(await readFile(join(root, damaged[0]!), 'utf8')).toBe(full.slice(0, Math.floor(full.length / 2)));
  });

  it('without a backup the message does not promise one', async () => {
    await writeProject(dir, JSON.stringify(newProject('x')).slice(0, 40));
    const e = await loadError(dir);
    expect(e.code).toBe('BAD_PROJECT');
    expect(e.message).not.toMatch(/backup/);
  });
});

describe('two ProjectStore instances (two windows) on one folder', () => {
  it('concurrent saves never corrupt the file, and neither store loses a change to the other', async () => {
    const root = join(dir, 'p');
    await ProjectStore.create(root, 'Shared');
    const [a, b] = await Promise.all([ProjectStore.open(root), ProjectStore.open(root)]);
    const rounds = 20;
    const reads: Promise<void>[] = [];
    const saves: Promise<unknown>[] = [];
    for (let i = 0; i < rounds; i++) {
      saves.push(a.update((p) => void p.classes.push({ id: `a${i}`, name: 'A'.repeat(3000), color: '#ff0000' })));
      saves.push(b.update((p) => void p.classes.push({ id: `b${i}`, name: 'B'.repeat(3000), color: '#0000ff' })));
      // A reader in between never sees a torn file.
      reads.push(
        readFile(join(root, 'project.json'), 'utf8').then((t) => void validateProject(JSON.parse(t) as unknown)),
      );
    }
    await Promise.all(saves);
    await Promise.all(reads);
    const onDisk = (await loadProject(root)).project;
    // Each store re-reads the revision on disk under the lock: a change made on top of the other
    // store's save is applied to that save, so all 40 land, each once.
    const ids = onDisk.classes.map((c) => c.id).sort();
    const want = [
      ...Array.from({ length: rounds }, (_, i) => `a${i}`),
      ...Array.from({ length: rounds }, (_, i) => `b${i}`),
    ];
    expect(ids).toEqual(want.sort());
    expect(onDisk.revision).toBe(2 * rounds);
    // The kept versions are complete too, and no temp or lock files are left behind.
    for (const v of await listProjectVersions(root)) expect(v.classes).toBeLessThan(2 * rounds);
    expect((await readdir(root)).filter((n) => n.endsWith('.tmp') || n.endsWith('.lock'))).toEqual([]);
  });
});
