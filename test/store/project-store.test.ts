import { describe, it, expect, beforeEach } from 'vitest';
import { mkdtemp, readFile, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { ProjectStore, loadProject, newId } from '../../src/store/project-store.js';
import { validateProject, newProject } from '../../src/store/schema.js';
import { FramewiseError } from '../../src/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-store-'));
});

function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  return p.then(
    () => {
      throw new Error(`expected ${code}, but it succeeded`);
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(FramewiseError);
      expect((e as FramewiseError).code).toBe(code);
    },
  );
}

describe('project store', () => {
  it('creates, updates and reopens a project', async () => {
    const store = await ProjectStore.create(join(dir, 'p'), 'Demo');
    const vid = newId('vid');
    await store.update((p) => {
      p.videos.push({ id: vid, path: '/videos/a.mp4', addedAt: new Date().toISOString() });
      p.classes.push({ id: 'c1', name: 'wave', color: '#ff0000' });
      p.segments.push({
        id: 's1',
        videoId: vid,
        start: 1,
        end: 2.5,
        classId: 'c1',
        captions: ['a person waves'],
        source: 'user',
      });
    });
    const again = await ProjectStore.open(join(dir, 'p'));
    expect(again.project.name).toBe('Demo');
    expect(again.project.segments).toHaveLength(1);
    expect(again.project.segments[0]!.captions).toEqual(['a person waves']);
    expect(await readdir(join(dir, 'p'))).toEqual(
      expect.arrayContaining(['project.json', 'backups', 'features', 'models']),
    );
  });

  it('refuses to create over an existing project', async () => {
    await ProjectStore.create(join(dir, 'p'), 'A');
    await expectCode(ProjectStore.create(join(dir, 'p'), 'B'), 'BAD_ARGUMENT');
  });

  it('reports a missing project and invalid JSON clearly, offering the backup', async () => {
    await expectCode(loadProject(join(dir, 'nothing')), 'FILE_NOT_FOUND');
    const store = await ProjectStore.create(join(dir, 'p'), 'A');
    await store.update((p) => void (p.name = 'B'));
    await writeFile(join(dir, 'p', 'project.json'), '{"format": "framewise-project", ');
    const err = await loadProject(join(dir, 'p')).catch((e: FramewiseError) => e);
    expect(err).toBeInstanceOf(FramewiseError);
    expect((err as FramewiseError).code).toBe('BAD_PROJECT');
    expect((err as FramewiseError).message).toMatch(/not valid JSON/);
    expect((err as FramewiseError).message).toContain(join(dir, 'p', 'backups'));
    expect((err as FramewiseError).message).toContain('framewise restore-version');
  });

  it('rejects an invalid change without touching the file', async () => {
    const store = await ProjectStore.create(join(dir, 'p'), 'A');
    const before = await readFile(join(dir, 'p', 'project.json'), 'utf8');
    await expectCode(
      store.update((p) => {
        p.segments.push({ id: 's', videoId: 'nope', start: 2, end: 1, classId: null, captions: [], source: 'user' });
      }),
      'BAD_PROJECT',
    );
    expect(await readFile(join(dir, 'p', 'project.json'), 'utf8')).toBe(before);
    expect(store.project.segments).toHaveLength(0);
  });

  it('serializes concurrent saves: every change lands, none interleaves', async () => {
    const store = await ProjectStore.create(join(dir, 'p'), 'A');
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        store.update((p) => void p.classes.push({ id: `c${i}`, name: `class ${i}`, color: '#00ff00' })),
      ),
    );
    const { project } = await loadProject(join(dir, 'p'));
    expect(project.classes.map((c) => c.id).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `c${i}`).sort());
  });

  it('loses no committed label when the saving process is killed with SIGKILL', async () => {
    const root = join(dir, 'p');
    await ProjectStore.create(root, 'A');
    // A child saves in a tight loop; each completed save adds one class. We kill it mid-stream.
    const script = `
      import { ProjectStore } from ${JSON.stringify(new URL('../../src/store/project-store.ts', import.meta.url).pathname)};
      const s = await ProjectStore.open(${JSON.stringify(root)});
      for (let i = 0; ; i++) {
        await s.update((p) => { p.classes.push({ id: 'c' + i, name: 'x'.repeat(2000) + i, color: '#0000ff' }); });
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
        if (committed >= 30) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
    });
    expect(committed).toBeGreaterThanOrEqual(30);
    const { project } = await loadProject(root);
    // Every save the child reported as done is on disk; at most the one in flight may be missing.
    expect(project.classes.length).toBeGreaterThanOrEqual(committed + 1);
  });
});

describe('project validation', () => {
  it('accepts a new project', () => {
    expect(() => validateProject(newProject('x'))).not.toThrow();
  });

  it('names every problem with its field', () => {
    const bad = {
      ...newProject('x'),
      videos: [{ id: 'v', path: '', addedAt: 'now' }],
      classes: [{ id: 'c', name: 'run', color: 'red' }],
      segments: [{ id: 's', videoId: 'v', start: 3, end: 1, classId: 'zzz', captions: [1], source: 'robot' }],
    };
    try {
      validateProject(bad);
      throw new Error('should have thrown');
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toContain('videos[0].path');
      expect(msg).toContain('classes[0].color');
      expect(msg).toContain('segments[0].end must be greater than start');
      expect(msg).toContain('segments[0].classId "zzz" names no class');
      expect(msg).toContain('segments[0].captions');
      expect(msg).toContain('segments[0].source');
    }
  });

  it('rejects files that are not projects and newer formats', () => {
    expect(() => validateProject([1, 2])).toThrow(/must be an object/);
    expect(() => validateProject({ name: 'x' })).toThrow(/not a Framewise project/);
    expect(() => validateProject({ ...newProject('x'), version: 99 })).toThrow(/newer Framewise/);
  });
});
