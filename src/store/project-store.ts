import { mkdir, readFile, stat } from 'node:fs/promises';
import { join, resolve, isAbsolute } from 'node:path';
import { randomUUID } from 'node:crypto';
import { FramewiseError } from '../errors.js';
import { atomicWriteFile } from '../util/atomic-write.js';
import { projectLinkContent, projectLinkFileName } from './project-link.js';
import { PROJECT_FILE, projectPaths, storedVideoPath, type ProjectPaths } from './layout.js';
import { DEFAULT_BACKUP_POLICY, keepBackup, listBackups, newestBackup, readBackup } from './backups.js';
import type { BackupPolicy, ProjectVersion } from './backups.js';
import { withFileLock } from './project-lock.js';
import { newProject, validateProject, type Project } from './schema.js';

export { PROJECT_FILE, PROJECT_FOLDERS, projectPaths, storedVideoPath, type ProjectPaths } from './layout.js';

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
    const newest = await newestBackup(paths.backups);
    const backup = newest
      ? ` Earlier versions are kept in ${paths.backups} (the newest: ${newest}); 'framewise versions' lists them and 'framewise restore-version' brings one back.`
      : '';
    throw new FramewiseError(
      'BAD_PROJECT',
      `Cannot open ${paths.file}: it is not valid JSON (${(e as Error).message}).${backup}`,
      {
        details: { backup: newest ?? undefined },
      },
    );
  }
  const project = validateProject(data, paths.file);
  await mkdir(paths.features, { recursive: true });
  await mkdir(paths.models, { recursive: true });
  return { paths, project };
}

/** project.json's text: indented, so that a diff of two versions reads well. */
export function serialize(p: Project): string {
  return JSON.stringify(p, null, 2) + '\n';
}

/** What a store found when another program had saved the project since it last read it. */
export interface ExternalChange {
  /** The revision this store had, and the one on disk it has now reloaded. */
  from: number;
  to: number;
  /** Whether the save that found it was refused (a whole-project save), or applied on top. */
  refused: boolean;
}

export interface StoreOptions {
  backups?: Partial<BackupPolicy>;
}

/** The version on disk: its text (for the backup), parsed project and identity. */
interface DiskState {
  text: string;
  project: Project;
  revision: number;
  updatedAt: string;
}

/**
 * An open project. Saves are serialized through one queue (two windows, a UI edit during a job), and
 * across processes by a lock file; each save is atomic. The revision is kept in project.json: a save
 * that finds another revision on disk than the one it read knows another program (the CLI, a second
 * app) saved in between, and reloads instead of overwriting it.
 */
export class ProjectStore {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly backupPolicy: BackupPolicy;
  private readonly listeners = new Set<(c: ExternalChange) => void>();
  private diskRevision: number;
  private diskUpdatedAt: string;
  /** project.json as this store last wrote it (mtime, size), so refresh() can skip its own saves. */
  private written: { mtimeMs: number; size: number } | null = null;

  private constructor(
    readonly paths: ProjectPaths,
    private current: Project,
    opts: StoreOptions,
  ) {
    this.backupPolicy = { ...DEFAULT_BACKUP_POLICY, ...opts.backups };
    this.diskRevision = current.revision ?? 0;
    this.diskUpdatedAt = current.updatedAt;
  }

  static async open(root: string, opts: StoreOptions = {}): Promise<ProjectStore> {
    const { paths, project } = await loadProject(root);
    return new ProjectStore(paths, project, opts);
  }

  static async create(root: string, name: string, opts: StoreOptions = {}): Promise<ProjectStore> {
    const { paths, project } = await createProject(root, name);
    return new ProjectStore(paths, project, opts);
  }

  get project(): Project {
    return this.current;
  }

  /** The revision of project.json this store holds; a change based on an older one is a conflict. */
  get revision(): number {
    return this.diskRevision;
  }

  /** Calls `listener` whenever this store finds (and loads) a version another program saved. */
  onExternalChange(listener: (c: ExternalChange) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /**
   * Applies `change` to a copy of the project, validates, and saves it atomically. When another
   * program saved since this store last read the file, `change` is applied to that newer version
   * (both sides' edits are kept). With `baseRevision` (a change a person made on a snapshot of that
   * revision) the save is refused instead (CONFLICT) and the store holds the newer version.
   */
  update(change: (draft: Project) => void, baseRevision?: number): Promise<Project> {
    return this.save(change, { baseRevision, refuseExternal: baseRevision !== undefined });
  }

  /** Replaces the whole project (e.g. from the UI), validated first; refused if saved elsewhere since. */
  replace(project: Project, baseRevision?: number): Promise<Project> {
    return this.save(
      (draft) => {
        Object.assign(draft, structuredClone(project), { createdAt: draft.createdAt });
      },
      { baseRevision, refuseExternal: true },
    );
  }

  /** Re-reads project.json; when another program saved it, loads that version and tells listeners. */
  refresh(): Promise<boolean> {
    const run = async (): Promise<boolean> => {
      // The watcher calls this after every save, this store's own too: a stat, not a parse, for those
      // (on a file system with coarse times a same-size save may wait for the next save's check).
      const st = await stat(this.paths.file).catch(() => null);
      if (st && this.written && st.mtimeMs === this.written.mtimeMs && st.size === this.written.size) return false;
      const disk = await this.readDisk();
      if (!disk || !this.changedOnDisk(disk)) return false;
      this.adopt(disk, false);
      return true;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The kept earlier versions, newest first. */
  versions(): Promise<ProjectVersion[]> {
    return listBackups(this.paths.backups);
  }

  /**
   * Makes a kept version the current one, as a new save: the version it replaces is kept first
   * (whatever the interval), so a restore can itself be undone.
   */
  async restoreVersion(id: string): Promise<Project> {
    const old = await readBackup(this.paths.backups, id);
    return this.save(
      (draft) => {
        Object.assign(draft, structuredClone(old), { createdAt: draft.createdAt });
      },
      { refuseExternal: false, forceBackup: true },
    );
  }

  private save(
    change: (draft: Project) => void,
    opts: { baseRevision?: number | undefined; refuseExternal: boolean; forceBackup?: boolean },
  ): Promise<Project> {
    const run = (): Promise<Project> =>
      withFileLock(this.paths.file, async () => {
        const disk = await this.readDisk();
        if (disk && this.changedOnDisk(disk)) {
          const from = this.diskRevision;
          this.adopt(disk, opts.refuseExternal);
          if (opts.refuseExternal)
            throw new FramewiseError(
              'CONFLICT',
              `The project was saved by another program (revision ${from} → ${disk.revision}, e.g. the CLI or a second window) since this edit began; that version has been loaded, please repeat the edit.`,
              { details: { revision: disk.revision, previous: from } },
            );
        }
        if (opts.baseRevision !== undefined && opts.baseRevision !== this.diskRevision)
          throw new FramewiseError(
            'CONFLICT',
            'The project was changed elsewhere (another window or a finished job) since this edit began; it has been reloaded, please repeat the edit.',
            { details: { revision: this.diskRevision, previous: opts.baseRevision } },
          );
        const draft = structuredClone(this.current);
        change(draft);
        for (const v of draft.videos) v.path = storedVideoPath(this.paths, v.path);
        draft.updatedAt = new Date().toISOString();
        draft.revision = this.diskRevision + 1;
        validateProject(draft, this.paths.file);
        if (disk)
          await keepBackup(this.paths.backups, disk.text, disk.revision, this.backupPolicy, {
            force: opts.forceBackup ?? false,
          });
        await atomicWriteFile(this.paths.file, serialize(draft));
        this.written = await stat(this.paths.file).catch(() => null);
        this.current = draft;
        this.diskRevision = draft.revision;
        this.diskUpdatedAt = draft.updatedAt;
        return draft;
      });
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private changedOnDisk(disk: DiskState): boolean {
    return disk.revision !== this.diskRevision || disk.updatedAt !== this.diskUpdatedAt;
  }

  private adopt(disk: DiskState, refused: boolean): void {
    const change: ExternalChange = { from: this.diskRevision, to: disk.revision, refused };
    this.current = disk.project;
    this.diskRevision = disk.revision;
    this.diskUpdatedAt = disk.updatedAt;
    for (const l of this.listeners) l(change);
  }

  /**
   * The version on disk, or null when there is none to respect: the file is gone or not a valid
   * project (this store's own version then replaces it, which is the repair).
   */
  private async readDisk(): Promise<DiskState | null> {
    const text = await readFile(this.paths.file, 'utf8').catch(() => null);
    if (text === null) return null;
    try {
      const project = validateProject(JSON.parse(text), this.paths.file);
      return { text, project, revision: project.revision ?? 0, updatedAt: project.updatedAt };
    } catch {
      return null;
    }
  }
}
