/**
 * The recent-projects list (File → Open Recent, the project panel). Kept in the app's state folder,
 * not in any project; a pure update function plus an atomic load/save, so a corrupt or missing
 * file just means an empty list.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteFile } from '../util/atomic-write.js';

import type { RecentProject } from './recent-types.js';

export type { RecentProject };

export const MAX_RECENT = 10;
const FILE = 'recent-projects.json';

/** The list with `entry` first, without older entries of the same folder, at most MAX_RECENT. */
export function withRecent(list: readonly RecentProject[], entry: RecentProject): RecentProject[] {
  return [entry, ...list.filter((r) => r.root !== entry.root)].slice(0, MAX_RECENT);
}

export function withoutRecent(list: readonly RecentProject[], root: string): RecentProject[] {
  return list.filter((r) => r.root !== root);
}

export async function loadRecent(stateDir: string): Promise<RecentProject[]> {
  try {
    const data: unknown = JSON.parse(await readFile(join(stateDir, FILE), 'utf8'));
    if (!Array.isArray(data)) return [];
    return data
      .filter(
        (r): r is RecentProject =>
          typeof r === 'object' &&
          r !== null &&
          typeof (r as RecentProject).root === 'string' &&
          typeof (r as RecentProject).name === 'string' &&
          typeof (r as RecentProject).openedAt === 'string',
      )
      .slice(0, MAX_RECENT);
  } catch {
    return [];
  }
}

export async function saveRecent(stateDir: string, list: readonly RecentProject[]): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  await atomicWriteFile(join(stateDir, FILE), JSON.stringify(list, null, 1) + '\n');
}
