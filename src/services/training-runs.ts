/**
 * Training runs that can be resumed after a restart: `training.start` keeps the request of each run
 * next to its checkpoint (<model>/run/request.json), and `training.runs` lists every run that has a
 * checkpoint, so the app offers Resume for a run started before the app was closed, not only for
 * the one it started itself.
 */
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runCheckpointFile, runDirOf } from '../project/training.js';
import type { ProjectStore } from '../store/project-store.js';
import { atomicWriteFile } from '../util/atomic-write.js';
import type { TrainingArgs, TrainingRunInfo } from './contract.js';

const REQUEST_FILE = 'request.json';

/**
 * Records what a run was started with (never `resume`: resuming it is a choice made later). A resume
 * of a run that has no checkpoint records nothing: training refuses it, and no folder is left behind.
 */
export async function saveRunRequest(store: ProjectStore, name: string, args: TrainingArgs): Promise<void> {
  const { resume, ...request } = args;
  if (resume && !(await stat(runCheckpointFile(store, name)).catch(() => null))) return;
  const dir = runDirOf(store, name);
  await mkdir(dir, { recursive: true });
  await atomicWriteFile(join(dir, REQUEST_FILE), JSON.stringify({ ...request, name }, null, 2));
}

function isRequest(v: unknown, name: string): v is TrainingArgs {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r['head'] === 'string' && r['name'] === name;
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Runs with a checkpoint and a readable request, newest checkpoint first. A folder with damaged files
 * is left out rather than failing the list (resuming it would fail anyway).
 */
export async function listTrainingRuns(store: ProjectStore): Promise<TrainingRunInfo[]> {
  const names = await readdir(store.paths.models).catch(() => [] as string[]);
  const runs: TrainingRunInfo[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const ckFile = runCheckpointFile(store, name);
    const st = await stat(ckFile).catch(() => null);
    if (!st) continue;
    const request = await readJson(join(runDirOf(store, name), REQUEST_FILE));
    const meta = (await readJson(ckFile)) as { checkpoint?: { epoch?: unknown } } | undefined;
    const epoch = meta?.checkpoint?.epoch;
    if (!isRequest(request, name) || typeof epoch !== 'number') continue;
    const finished = (await stat(join(store.paths.models, name, 'meta.json')).catch(() => null)) !== null;
    runs.push({ name, args: request, epochsDone: epoch + 1, savedAt: st.mtime.toISOString(), finished });
  }
  return runs.sort((a, b) => (a.savedAt < b.savedAt ? 1 : a.savedAt > b.savedAt ? -1 : a.name.localeCompare(b.name)));
}
