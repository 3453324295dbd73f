/**
 * Kept versions (backups/) and saves from two programs at once: the revision on disk, the lock, and
 * kill -9 in the middle of a save.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FramewiseError } from '../../src/errors.js';
import { ProjectStore, loadProject, type ExternalChange } from '../../src/store/project-store.js';
import { validateProject } from '../../src/store/schema.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-versions-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const STORE_MODULE = JSON.stringify(new URL('../../src/store/project-store.ts', import.meta.url).pathname);

function addClass(id: string) {
  return (p: { classes: { id: string; name: string; color: string }[] }) =>
    void p.classes.push({ id, name: id, color: '#336699' });
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: unknown) => (e instanceof FramewiseError ? e.code : String(e)),
  );
}

describe('kept versions', () => {
  it('keeps the last N versions, newest first, each the project as it was before a save', async () => {
    const store = await ProjectStore.create(join(dir, 'p'), 'V', { backups: { keep: 3, minIntervalMs: 0 } });
    for (let i = 0; i < 6; i++) await store.update(addClass(`c${i}`));
    const versions = await store.versions();
    expect(versions).toHaveLength(3);
    // Before save 6 the file held 5 classes at revision 5, and so on.
    expect(versions.map((v) => [v.revision, v.classes])).toEqual([
      [5, 5],
      [4, 4],
      [3, 3],
    ]);
    expect(await readdir(join(dir, 'p', 'backups'))).toHaveLength(3);
  });

  it('keeps at most one version per interval, so autosaves do not push the useful ones out', async () => {
    const store = await ProjectStore.create(join(dir, 'p'), 'V'); // default: 10 versions, 2 min apart
    for (let i = 0; i < 5; i++) await store.update(addClass(`c${i}`));
    expect((await store.versions()).map((v) => v.classes)).toEqual([0]);
  });

  it('restores a version as a new save, keeping the version it replaces (a restore is undoable)', async () => {
    const store = await ProjectStore.create(join(dir, 'p'), 'V', { backups: { minIntervalMs: 60_000 } });
    await store.update(addClass('a'));
    await store.update(addClass('b'));
    const [first] = await store.versions(); // the empty project, kept by the first save
    expect(first!.classes).toBe(0);
    await store.restoreVersion(first!.id);
    expect(store.project.classes).toEqual([]);
    expect(store.project.revision).toBe(3);
    expect((await loadProject(join(dir, 'p'))).project.classes).toEqual([]);
    const after = await store.versions();
    expect(after[0]!.classes).toBe(2); // kept despite the interval
    await store.restoreVersion(after[0]!.id);
    expect(store.project.classes.map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('refuses an unknown or malformed version id clearly', async () => {
    const store = await ProjectStore.create(join(dir, 'p'), 'V');
    expect(await codeOf(store.restoreVersion('../../etc/passwd'))).toBe('BAD_ARGUMENT');
    expect(await codeOf(store.restoreVersion('2020-01-01T00-00-00-000Z-r1'))).toBe('NOT_FOUND');
  });
});

describe('two programs on one project', () => {
  it('a whole-project save based on an older revision on disk is refused (CONFLICT); nothing is lost', async () => {
    const root = join(dir, 'p');
    await ProjectStore.create(root, 'Shared');
    const app = await ProjectStore.open(root);
    const cli = await ProjectStore.open(root);
    const seen: ExternalChange[] = [];
    app.onExternalChange((c) => seen.push(c));

    await cli.update(addClass('from-cli'));
    const edited = structuredClone(app.project);
    edited.classes.push({ id: 'from-app', name: 'from-app', color: '#ff0000' });
    const err = await app.replace(edited, app.revision).catch((e: unknown) => e as FramewiseError);
    expect(err).toBeInstanceOf(FramewiseError);
    expect((err as FramewiseError).code).toBe('CONFLICT');
    expect((err as FramewiseError).message).toMatch(/saved by another program/);
    // The CLI's save is on disk and now in the app's store too; the app was told.
    expect((await loadProject(root)).project.classes.map((c) => c.id)).toEqual(['from-cli']);
    expect(app.project.classes.map((c) => c.id)).toEqual(['from-cli']);
    expect(seen).toEqual([{ from: 0, to: 1, refused: true }]);
    // Repeating the edit on the fresh version keeps both.
    const again = structuredClone(app.project);
    again.classes.push({ id: 'from-app', name: 'from-app', color: '#ff0000' });
    await app.replace(again, app.revision);
    expect((await loadProject(root)).project.classes.map((c) => c.id)).toEqual(['from-cli', 'from-app']);
  });

  it('a change (not a whole project) lands on top of the other program’s save', async () => {
    const root = join(dir, 'p');
    await ProjectStore.create(root, 'Shared');
    const app = await ProjectStore.open(root);
    const cli = await ProjectStore.open(root);
    const seen: ExternalChange[] = [];
    app.onExternalChange((c) => seen.push(c));
    await cli.update(addClass('x'));
    await app.update(addClass('y'));
    expect((await loadProject(root)).project.classes.map((c) => c.id)).toEqual(['x', 'y']);
    expect(seen).toEqual([{ from: 0, to: 1, refused: false }]);
  });

  it('refresh() notices a save by another program without saving', async () => {
    const root = join(dir, 'p');
    await ProjectStore.create(root, 'Shared');
    const app = await ProjectStore.open(root);
    const cli = await ProjectStore.open(root);
    expect(await app.refresh()).toBe(false);
    await cli.update(addClass('x'));
    expect(await app.refresh()).toBe(true);
    expect(app.revision).toBe(1);
    expect(app.project.classes.map((c) => c.id)).toEqual(['x']);
  });

  it('an older Framewise that rewrote the file without a revision is still noticed (updatedAt)', async () => {
    const root = join(dir, 'p');
    const app = await ProjectStore.create(root, 'Shared');
    const text = JSON.parse(await readFile(join(root, 'project.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(
      join(root, 'project.json'),
      JSON.stringify({ ...text, name: 'Renamed', updatedAt: '2030-01-01T00:00:00.000Z' }),
    );
    expect(await codeOf(app.replace(structuredClone(app.project)))).toBe('CONFLICT');
    expect(app.project.name).toBe('Renamed');
  });

  it('a child process saving in a loop and this process saving at once: every change lands', async () => {
    const root = join(dir, 'p');
    await ProjectStore.create(root, 'Shared');
    const script = `
      import { ProjectStore } from ${STORE_MODULE};
      const s = await ProjectStore.open(${JSON.stringify(root)});
      for (let i = 0; i < 30; i++) await s.update((p) => { p.classes.push({ id: 'child' + i, name: 'c' + i, color: '#0000ff' }); });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    const app = await ProjectStore.open(root);
    for (let i = 0; i < 30; i++) {
      await app.update(addClass(`app${i}`));
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await exited).toBe(0);
    const ids = (await loadProject(root)).project.classes.map((c) => c.id);
    expect(ids.filter((id) => id.startsWith('child'))).toHaveLength(30);
    expect(ids.filter((id) => id.startsWith('app'))).toHaveLength(30);
    expect(new Set(ids).size).toBe(60);
  }, 60_000);

  it('kill -9 mid-save: the project loads, no reported save is lost, and the next saver is not locked out', async () => {
    const root = join(dir, 'p');
    await ProjectStore.create(root, 'A');
    const script = `
      import { ProjectStore } from ${STORE_MODULE};
      const s = await ProjectStore.open(${JSON.stringify(root)}, { backups: { keep: 3, minIntervalMs: 0 } });
      for (let i = 0; ; i++) {
        await s.update((p) => { p.classes.push({ id: 'c' + i, name: 'x'.repeat(4000) + i, color: '#0000ff' }); });
        process.stdout.write(i + '\\n');
      }`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let committed = -1;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        const lines = d.toString().trim().split('\n');
        committed = Number(lines[lines.length - 1]);
        if (committed >= 40) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
    });
    await new Promise<void>((r) =>
      child.exitCode !== null || child.signalCode !== null ? r() : child.on('exit', () => r()),
    );
    expect(committed).toBeGreaterThanOrEqual(40);
    const { project } = await loadProject(root);
    const ids = new Set(project.classes.map((c) => c.id));
    for (let i = 0; i <= committed; i++) expect(ids.has(`c${i}`)).toBe(true);
    // Every kept version is a complete project.
    const backups = await readdir(join(root, 'backups'));
    expect(backups.length).toBeGreaterThan(0);
    expect(backups.length).toBeLessThanOrEqual(4); // 3 kept, plus at most the one being written
    for (const name of backups.filter((n) => n.endsWith('.json')))
      validateProject(JSON.parse(await readFile(join(root, 'backups', name), 'utf8')) as unknown);
    // A lock the killed process may have held does not block the next save.
    const next = await ProjectStore.open(root);
    const t0 = Date.now();
    await next.update(addClass('after'));
    expect(Date.now() - t0).toBeLessThan(5000);
    expect((await loadProject(root)).project.classes.at(-1)!.id).toBe('after');
  }, 60_000);
});
