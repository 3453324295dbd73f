/**
 * The app (core services) and the CLI (a child process) on one project at once, and the versions
 * methods of the contract: a CLI save is noticed by the app (while idle, and when it saves), a save
 * on the older revision is refused with CONFLICT and a 'project.external' event, nothing is lost.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCoreServices, type CoreServices } from '../../src/services/core-services.js';
import type { ApiEvent, ProjectExternalEvent, ProjectVersion } from '../../src/services/contract.js';
import { dispatchApi } from '../../src/transport/dispatch.js';
import { loadProject } from '../../src/store/project-store.js';
import { cli } from '../cli/spawn-cli.js';

let dir: string;
let core: CoreServices;
let events: ApiEvent[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-svc-versions-'));
  events = [];
  core = createCoreServices({ transport: 'serve', emit: (e) => void events.push(e) });
});
afterEach(async () => {
  await core.dispose();
  await rm(dir, { recursive: true, force: true });
});

const external = (): ProjectExternalEvent[] =>
  events.filter((e): e is ProjectExternalEvent => e.type === 'project.external');

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the app and the CLI on one project', () => {
  it('a CLI restore is noticed; the app’s save on the old revision is refused and loses nothing', async () => {
    const root = join(dir, 'p');
    let snap = await core.api['project.create']({ dir: root, name: 'Shared' });
    const withClass = (id: string) => {
      const p = structuredClone(snap.project);
      p.classes.push({ id, name: id, color: '#123456' });
      return p;
    };
    snap = await core.api['project.save']({ project: withClass('walk'), baseRevision: snap.revision });
    snap = await core.api['project.save']({ project: withClass('run'), baseRevision: snap.revision });
    expect(snap.revision).toBe(2);

    // The CLI lists the kept versions (the empty project, kept by the first save) and restores it.
    const listed = await cli(['versions', root, '--json']);
    expect(listed.code).toBe(0);
    const versions = JSON.parse(listed.stdout) as ProjectVersion[];
    expect(versions.map((v) => [v.revision, v.classes])).toEqual([[0, 0]]);
    const restored = await cli(['restore-version', root, versions[0]!.id]);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/Restored version .*: 0 videos, 0 classes/);

    // The app's edit, begun on revision 2, is refused: the CLI's save is not overwritten.
    const res = await dispatchApi(core.api, 'project.save', {
      project: withClass('jump'),
      baseRevision: snap.revision,
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect((await loadProject(root)).project.classes).toEqual([]);
    // The app was told, and holds the CLI's version now.
    expect(external().some((e) => e.refused && e.revision === 3 && /repeat the change/.test(e.message))).toBe(true);
    const current = await core.api['project.current']({});
    expect(current!.revision).toBe(3);
    expect(current!.project.classes).toEqual([]);
    // Nothing is lost: the version the restore replaced is kept, and the contract restores it.
    const kept = await core.api['project.versions']({});
    expect(kept[0]!.classes).toBe(2);
    const back = await core.api['project.restoreVersion']({ id: kept[0]!.id });
    expect(back.project.classes.map((c) => c.name)).toEqual(['walk', 'run']);
    expect((await loadProject(root)).project.classes.map((c) => c.name)).toEqual(['walk', 'run']);
  }, 60_000);

  it('notices a CLI save while idle (no save of its own) and shows the new version', async () => {
    const root = join(dir, 'p');
    await core.api['project.create']({ dir: root, name: 'Shared' });
    const s1 = await core.api['project.current']({});
    const p = structuredClone(s1!.project);
    p.classes.push({ id: 'x', name: 'x', color: '#123456' });
    await core.api['project.save']({ project: p });
    const versions = (await core.api['project.versions']({})) as ProjectVersion[];
    events.length = 0;
    expect((await cli(['restore-version', root, versions[0]!.id])).code).toBe(0);
    await until(() => external().length > 0, 10_000);
    expect(external()[0]).toMatchObject({ refused: false, revision: 2, previous: 1 });
    await until(() => events.some((e) => e.type === 'project' && e.snapshot.revision === 2), 5000);
    expect((await core.api['project.current']({}))!.project.classes).toEqual([]);
  }, 60_000);

  it('restoreVersion checks its argument', async () => {
    await core.api['project.create']({ dir: join(dir, 'p'), name: 'x' });
    expect(await dispatchApi(core.api, 'project.restoreVersion', {})).toMatchObject({
      ok: false,
      error: { code: 'BAD_ARGUMENT' },
    });
    expect(await dispatchApi(core.api, 'project.restoreVersion', { id: 'nope/../x' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_ARGUMENT' },
    });
  });
});
