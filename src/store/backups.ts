/**
 * Earlier versions of project.json, kept in <root>/backups/ as `project-<time>-r<revision>.json`.
 * Before a save replaces the file, the version on disk is written here (atomically, like every
 * project write), at most once per `minIntervalMs` so that autosaves after each edit do not push
 * the useful versions out, and only the newest `keep` are kept. The names sort by time, so the list
 * needs no index file that could itself be torn.
 */
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { FramewiseError } from '../errors.js';
import { atomicWriteFile } from '../util/atomic-write.js';
import { validateProject, type Project } from './schema.js';
import type { ProjectVersion } from './safety-types.js';

export interface BackupPolicy {
  /** How many versions to keep (default 10). */
  keep: number;
  /** A new version is kept only when the newest is at least this old (default 2 minutes). */
  minIntervalMs: number;
}

export const DEFAULT_BACKUP_POLICY: BackupPolicy = { keep: 10, minIntervalMs: 2 * 60 * 1000 };

export type { ProjectVersion };

const NAME_RE = /^project-(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z)-r(\d+)\.json$/;
const ID_RE = /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-r\d+$/;

function fileName(savedAt: Date, revision: number): string {
  return `project-${savedAt.toISOString().replace(/[:.]/g, '-')}-r${revision}.json`;
}

/** Backup file names, oldest first. */
async function backupNames(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw e;
  });
  return names.filter((n) => NAME_RE.test(n)).sort();
}

/** The newest backup's path, or null (for messages that offer it). */
export async function newestBackup(dir: string): Promise<string | null> {
  const names = await backupNames(dir);
  return names.length > 0 ? join(dir, names[names.length - 1]!) : null;
}

/**
 * Keeps `text` (the version about to be replaced, with its revision) when the policy asks for it,
 * then drops the oldest beyond `keep`. `force`: keep it regardless of the interval (a restore).
 */
export async function keepBackup(
  dir: string,
  text: string,
  revision: number,
  policy: BackupPolicy,
  opts: { force?: boolean; now?: Date } = {},
): Promise<void> {
  if (policy.keep <= 0) return;
  const now = opts.now ?? new Date();
  const names = await backupNames(dir);
  const newest = names[names.length - 1];
  if (!opts.force && newest) {
    const st = await stat(join(dir, newest)).catch(() => null);
    if (st && now.getTime() - st.mtimeMs < policy.minIntervalMs) return;
  }
  await mkdir(dir, { recursive: true });
  let name = fileName(now, revision);
  // Two saves within one millisecond (tests, a restore right after a save) must not share a name.
  for (let i = 1; names.includes(name); i++) name = fileName(new Date(now.getTime() + i), revision);
  await atomicWriteFile(join(dir, name), text);
  const all = [...names, name].sort();
  for (const old of all.slice(0, Math.max(0, all.length - policy.keep)))
    await unlink(join(dir, old)).catch(() => undefined);
}

/** The kept versions, newest first; a file that no longer parses is left out. */
export async function listBackups(dir: string): Promise<ProjectVersion[]> {
  const out: ProjectVersion[] = [];
  for (const name of (await backupNames(dir)).reverse()) {
    const m = NAME_RE.exec(name)!;
    const file = join(dir, name);
    try {
      const text = await readFile(file, 'utf8');
      const p = JSON.parse(text) as Partial<Project>;
      out.push({
        id: name.slice('project-'.length, -'.json'.length),
        savedAt: typeof p.updatedAt === 'string' ? p.updatedAt : m[1]!,
        revision: Number(m[2]),
        bytes: Buffer.byteLength(text),
        videos: p.videos?.length ?? 0,
        classes: p.classes?.length ?? 0,
        segments: p.segments?.length ?? 0,
      });
    } catch {
      /* torn or foreign file: not offered */
    }
  }
  return out;
}

/** Reads and validates one kept version. */
export async function readBackup(dir: string, id: string): Promise<Project> {
  if (!ID_RE.test(id))
    throw new FramewiseError('BAD_ARGUMENT', `"${id}" is not a version id (see the list of versions).`);
  const file = join(dir, `project-${id}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new FramewiseError('NOT_FOUND', `There is no kept version ${id} of this project.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new FramewiseError('BAD_PROJECT', `The kept version ${id} is damaged: ${(e as Error).message}`);
  }
  return validateProject(data, file);
}
