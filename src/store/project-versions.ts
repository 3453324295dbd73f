/**
 * Versions of a project by its folder, for the CLI and for a project.json that no longer opens
 * (then no store can be opened to restore through).
 */
import { readFile } from 'node:fs/promises';
import { FramewiseError } from '../errors.js';
import { atomicWriteFile } from '../util/atomic-write.js';
import { listBackups, readBackup, type ProjectVersion } from './backups.js';
import { projectPaths } from './layout.js';
import { withFileLock } from './project-lock.js';
import { ProjectStore, serialize } from './project-store.js';
import type { Project } from './schema.js';

/** The kept versions of the project in `root`, newest first; works when project.json is damaged. */
export function listProjectVersions(root: string): Promise<ProjectVersion[]> {
  return listBackups(projectPaths(root).backups);
}

/**
 * Restores a kept version of the project in `root`. A project that opens is restored as a new
 * save (undoable); one whose project.json no longer opens (torn by another tool, a full disk) gets
 * the version written over it, the damaged file kept beside it as `project.json.damaged-<time>`.
 */
export async function restoreProjectVersion(root: string, id: string): Promise<Project> {
  const paths = projectPaths(root);
  const store = await ProjectStore.open(root).catch((e: unknown) => {
    if (e instanceof FramewiseError && e.code === 'BAD_PROJECT') return null;
    throw e;
  });
  if (store) return store.restoreVersion(id);
  const old = await readBackup(paths.backups, id);
  return withFileLock(paths.file, async () => {
    const damaged = await readFile(paths.file).catch(() => null);
    if (damaged)
      await atomicWriteFile(`${paths.file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`, damaged);
    const newest = Math.max(old.revision ?? 0, ...(await listBackups(paths.backups)).map((v) => v.revision));
    const restored: Project = { ...old, revision: newest + 1, updatedAt: new Date().toISOString() };
    await atomicWriteFile(paths.file, serialize(restored));
    return restored;
  });
}
