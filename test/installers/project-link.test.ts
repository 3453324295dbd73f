/**
 * What the OS hands the app (file association, command line, Dock) → the project folder to open.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FramewiseError, type ErrorCode } from '../../src/errors.js';
import {
  PROJECT_LINK_EXTENSION,
  PROJECT_LINK_FORMAT,
  parseProjectLink,
  pathFromArgv,
  projectLinkContent,
  projectLinkFileName,
  resolveProjectFolder,
} from '../../src/store/project-link.js';
import { PROJECT_FILE, createProject, loadProject } from '../../src/store/project-store.js';

let dir: string;
let project: string;

async function rejection(p: Promise<unknown>): Promise<FramewiseError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof FramewiseError) return e;
    throw e;
  }
  throw new Error('expected a FramewiseError, but it resolved');
}

async function expectCode(p: Promise<unknown>, code: ErrorCode, message: RegExp): Promise<void> {
  const e = await rejection(p);
  expect(e.code).toBe(code);
  expect(e.message).toMatch(message);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fw-link-'));
  project = path.join(dir, 'Kitchen actions');
  await createProject(project, 'Kitchen: actions / v2');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('projectLinkFileName', () => {
  it('turns any project name into a file name valid on Windows, macOS and Linux', () => {
    expect(projectLinkFileName('Kitchen: actions / v2')).toBe('Kitchen- actions - v2.framewise');
    expect(projectLinkFileName('a<b>c"d|e?f*g\\h')).toBe('a-b-c-d-e-f-g-h.framewise');
    expect(projectLinkFileName('tabs\tand\nnewlines')).toBe('tabs and newlines.framewise');
    expect(projectLinkFileName('  .hidden. ')).toBe('hidden.framewise');
    expect(projectLinkFileName('')).toBe('project.framewise');
    expect(projectLinkFileName('...')).toBe('project.framewise');
    expect(projectLinkFileName('CON')).toBe('CON-project.framewise');
    expect(projectLinkFileName('nul.backup')).toBe('nul-project.backup.framewise');
    expect(projectLinkFileName('lpt1')).toBe('lpt1-project.framewise');
    expect(projectLinkFileName('Console')).toBe('Console.framewise');
    expect(projectLinkFileName('Zürich 🎬 clips')).toBe('Zürich 🎬 clips.framewise');
  });

  it('caps the length without splitting a character', () => {
    const name = projectLinkFileName('🎬'.repeat(200));
    expect(name.endsWith(PROJECT_LINK_EXTENSION)).toBe(true);
    const base = name.slice(0, -PROJECT_LINK_EXTENSION.length);
    expect(Array.from(base)).toHaveLength(80);
    expect(base).toBe('🎬'.repeat(80));
  });
});

describe('project link files', () => {
  it('round-trip through parseProjectLink', () => {
    expect(JSON.parse(projectLinkContent())).toEqual({ format: PROJECT_LINK_FORMAT, project: '.' });
    expect(parseProjectLink(projectLinkContent('../p'), 'x.framewise')).toEqual({
      format: PROJECT_LINK_FORMAT,
      project: '../p',
    });
  });

  it('are written by createProject next to project.json, and open the project', async () => {
    const names = await readdir(project);
    expect(names).toContain(PROJECT_FILE);
    expect(names).toContain('Kitchen- actions - v2.framewise');
    const link = path.join(project, 'Kitchen- actions - v2.framewise');
    expect(JSON.parse(await readFile(link, 'utf8'))).toEqual({ format: PROJECT_LINK_FORMAT, project: '.' });
    expect(await resolveProjectFolder(link)).toBe(project);
    // The project itself is still exactly what loadProject reads.
    expect((await loadProject(project)).project.name).toBe('Kitchen: actions / v2');
  });

  it('createProject leaves an existing file of the same name alone', async () => {
    const root = path.join(dir, 'existing-link');
    await mkdir(root);
    const mine = path.join(root, 'Demo.framewise');
    await writeFile(mine, 'not mine to replace');
    await createProject(root, 'Demo');
    expect(await readFile(mine, 'utf8')).toBe('not mine to replace');
  });
});

describe('resolveProjectFolder', () => {
  it('accepts the folder, its project.json, a link file and file:// URLs, absolute or relative', async () => {
    const link = path.join(project, projectLinkFileName('Kitchen: actions / v2'));
    expect(await resolveProjectFolder(project)).toBe(project);
    expect(await resolveProjectFolder(path.join(project, PROJECT_FILE))).toBe(project);
    expect(await resolveProjectFolder(link)).toBe(project);
    expect(await resolveProjectFolder(pathToFileURL(link).href)).toBe(project);
    expect(await resolveProjectFolder('Kitchen actions', { cwd: dir })).toBe(project);
    expect(await resolveProjectFolder(path.join('Kitchen actions', PROJECT_FILE), { cwd: dir })).toBe(project);
  });

  it('follows a link that lives elsewhere, by relative or absolute path, or naming project.json', async () => {
    const desktop = path.join(dir, 'Desktop');
    await mkdir(desktop, { recursive: true });
    const rel = path.join(desktop, 'rel.framewise');
    await writeFile(rel, projectLinkContent('../Kitchen actions'));
    expect(await resolveProjectFolder(rel)).toBe(project);
    const abs = path.join(desktop, 'abs.FRAMEWISE');
    await writeFile(abs, '\uFEFF' + projectLinkContent(project));
    expect(await resolveProjectFolder(abs)).toBe(project);
    const toFile = path.join(desktop, 'file.framewise');
    await writeFile(toFile, projectLinkContent(path.join(project, PROJECT_FILE)));
    expect(await resolveProjectFolder(toFile)).toBe(project);
  });

  it('says clearly what is wrong otherwise', async () => {
    const plain = path.join(dir, 'plain-folder');
    await mkdir(plain, { recursive: true });
    await expectCode(resolveProjectFolder(path.join(dir, 'nope')), 'FILE_NOT_FOUND', /does not exist/);
    await expectCode(
      resolveProjectFolder(plain),
      'FILE_NOT_FOUND',
      /not a Framewise project \(it has no project\.json\)/,
    );
    await expectCode(resolveProjectFolder(''), 'BAD_ARGUMENT', /No project path/);

    const video = path.join(dir, 'clip.mp4');
    await writeFile(video, 'x');
    await expectCode(
      resolveProjectFolder(video),
      'BAD_ARGUMENT',
      /clip\.mp4 is not a Framewise project.*\.framewise file/,
    );

    const notJson = path.join(dir, 'broken.framewise');
    await writeFile(notJson, '{ nope');
    await expectCode(
      resolveProjectFolder(notJson),
      'BAD_PROJECT',
      /broken\.framewise is not a Framewise project link: it is not valid JSON/,
    );

    const wrongFormat = path.join(dir, 'wrong.framewise');
    await writeFile(wrongFormat, JSON.stringify({ format: 'something-else', project: '.' }));
    await expectCode(resolveProjectFolder(wrongFormat), 'BAD_PROJECT', /"format" must be "framewise-project-link"/);

    const noProject = path.join(dir, 'empty.framewise');
    await writeFile(noProject, JSON.stringify({ format: PROJECT_LINK_FORMAT, project: ' ' }));
    await expectCode(resolveProjectFolder(noProject), 'BAD_PROJECT', /"project" must name the project folder/);

    const dangling = path.join(dir, 'moved.framewise');
    await writeFile(dangling, projectLinkContent('./moved-away'));
    const e = await rejection(resolveProjectFolder(dangling));
    expect(e.code).toBe('FILE_NOT_FOUND');
    expect(e.message).toMatch(/points to .*moved-away, but there is no Framewise project there/);
    expect(e.details).toEqual({ link: dangling, target: path.join(dir, 'moved-away') });

    const huge = path.join(dir, 'huge.framewise');
    await writeFile(huge, ' '.repeat(100_000));
    await expectCode(resolveProjectFolder(huge), 'BAD_PROJECT', /far too large/);
  });
});

describe('pathFromArgv', () => {
  it('takes the last non-switch argument after the executable (packaged) or the app path (electron .)', () => {
    expect(pathFromArgv(['/opt/Framewise/framewise-app', '/home/me/p/p.framewise'], 1)).toBe('/home/me/p/p.framewise');
    expect(pathFromArgv(['electron', '.', '/home/me/p'], 2)).toBe('/home/me/p');
    expect(pathFromArgv(['electron', '.'], 2)).toBeUndefined();
    expect(pathFromArgv(['/opt/Framewise/framewise-app'], 1)).toBeUndefined();
  });

  it("skips Chromium's switches wherever they are, and macOS's -psn_ argument", () => {
    expect(
      pathFromArgv(
        [
          'C:\\Framewise\\Framewise.exe',
          '--allow-file-access-from-files',
          'C:\\p\\p.framewise',
          '--original-process-start-time=1',
        ],
        1,
      ),
    ).toBe('C:\\p\\p.framewise');
    expect(pathFromArgv(['/Applications/Framewise.app/Contents/MacOS/Framewise', '-psn_0_12345'], 1)).toBeUndefined();
    expect(pathFromArgv(['app', '--no-sandbox', ''], 1)).toBeUndefined();
  });

  it('takes arguments after "--" literally', () => {
    expect(pathFromArgv(['app', '--', '-odd-name.framewise'], 1)).toBe('-odd-name.framewise');
  });
});
