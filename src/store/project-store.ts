import { mkdir, readFile, stat } from 'node:fs/promises';
import { join, resolve, isAbsolute } from 'node:path';
import { randomUUID } from 'node:crypto';
import { FramewiseError } from '../errors.js';
import { atomicWriteFile } from '../util/atomic-write.js';
import { projectLinkContent, projectLinkFileName } from './project-link.js';
import { PROJECT_FILE, projectPaths, type ProjectPaths } from './layout.js';
import { newProject, validateProject, type Project } from './schema.js';

export { PROJECT_FILE, PROJECT_FOLDERS, projectPaths, type ProjectPaths } from './layout.js';

export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

/** Resolves a video path stored in the project (relative paths are relative to the project folder). */
export function resolveVideoPath(paths: ProjectPaths, p: string): string {
  return isAbsolute(p) ? p : resolve(paths.root, p);
}

export async function createProject(root: string, name: string): Promise<{ paths: ProjectPaths; project: Project }> {
  const paths = projectPaths(root);
  await mkdir(paths.root, { recursive: true });
  const exists = await stat(paths.file).then(
    () => true,
    () => false,
  );
  if (exists) throw new FramewiseError('BAD_ARGUMENT', `A project already exists in ${paths.root}; open it instead.`);
  await mkdir(paths.features, { recursive: true });
  await mkdir(paths.models, { recursive: true });
  const project = newProject(name);
  await atomicWriteFile(paths.file, serialize(project));
  await writeProjectLink(paths.root, project.name);
  return { paths, project };
}

/**
 * `<root>/<safe name>.framewise`: the file the installers associate with the app, so the project
 * opens with a double click (project-link.ts). A convenience only: the project is complete without
 * it, so an existing file of that name is left alone and a failed write does not fail the creation.
 */
async function writeProjectLink(root: string, projectName: string): Promise<void> {
  const file = join(root, projectLinkFileName(projectName));
  try {
    const exists = await stat(file).then(
      () => true,
      () => false,
    );
    if (!exists) await atomicWriteFile(file, projectLinkContent('.'));
  } catch {
    /* best effort: see above */
  }
}

export async function loadProject(root: string): Promise<{ paths: ProjectPaths; project: Project }> {
  const paths = projectPaths(root);
  let text: string;
  try {
    text = await readFile(paths.file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new FramewiseError('FILE_NOT_FOUND', `No Framewise project in ${paths.root} (${PROJECT_FILE} is missing).`);
    throw new FramewiseError('FILE_UNREADABLE', `Cannot read ${paths.file}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const backup = await stat(paths.backup).then(
      () => ` A backup of the previous version is at ${paths.backup}.`,
      () => '',
    );
    throw new FramewiseError(
      'BAD_PROJECT',
      `Cannot open ${paths.file}: it is not valid JSON (${(e as Error).message}).${backup}`,
      {
        details: { backup: backup !== '' ? paths.backup : undefined },
      },
    );
  }
  const project = validateProject(data, paths.file);
  await mkdir(paths.features, { recursive: true });
  await mkdir(paths.models, { recursive: true });
  return { paths, project };
}

function serialize(p: Project): string {
  return JSON.stringify(p, null, 2) + '\n';
}

/**
 * An open project. Saves are serialized through one queue, so two saves issued at once (two windows,
 * a UI edit during a job) never interleave, and each save is atomic with the previous file kept as .bak.
 */
export class ProjectStore {
  private queue: Promise<unknown> = Promise.resolve();
  private rev = 0;

  private constructor(
    readonly paths: ProjectPaths,
    private current: Project,
  ) {}

  static async open(root: string): Promise<ProjectStore> {
    const { paths, project } = await loadProject(root);
    return new ProjectStore(paths, project);
  }

  static async create(root: string, name: string): Promise<ProjectStore> {
    const { paths, project } = await createProject(root, name);
    return new ProjectStore(paths, project);
  }

  get project(): Project {
    return this.current;
  }

  /** Counts the saves since the project was opened; a change based on an older one is a conflict. */
  get revision(): number {
    return this.rev;
  }

  /**
   * Applies `change` to a copy of the project, validates, and saves it atomically. With
   * `baseRevision`, refuses (CONFLICT) when another save landed after that revision: two windows
   * editing the same project each get their own changes in, or an error, never a silent overwrite.
   */
  update(change: (draft: Project) => void, baseRevision?: number): Promise<Project> {
    const run = async (): Promise<Project> => {
      if (baseRevision !== undefined && baseRevision !== this.rev)
        throw new FramewiseError(
          'CONFLICT',
          'The project was changed elsewhere (another window or a finished job) since this edit began; it has been reloaded, please repeat the edit.',
        );
      const draft = structuredClone(this.current);
      change(draft);
      draft.updatedAt = new Date().toISOString();
      validateProject(draft, this.paths.file);
      await atomicWriteFile(this.paths.file, serialize(draft), { backup: true });
      this.current = draft;
      this.rev++;
      return draft;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Replaces the whole project (e.g. from the UI), validated first. */
  replace(project: Project, baseRevision?: number): Promise<Project> {
    return this.update((draft) => {
      Object.assign(draft, structuredClone(project), { createdAt: draft.createdAt });
    }, baseRevision);
  }
}
