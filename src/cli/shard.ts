import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FramewiseError } from '../errors.js';

export interface Shard {
  index: number;
  count: number;
}

/**
 * Parses `k/N` (0 ≤ k < N). `k` may be an environment variable name in braces-free form such as
 * `SLURM_ARRAY_TASK_ID/8` or `JOB_COMPLETION_INDEX/8`, so one job script works unchanged as a Slurm
 * array or a Kubernetes Indexed Job.
 */
export function parseShard(spec: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const m = /^([A-Za-z_][A-Za-z0-9_]*|\d+)\/(\d+)$/.exec(spec.trim());
  if (!m)
    throw new FramewiseError(
      'BAD_ARGUMENT',
      `--shard must look like k/N (e.g. 0/4 or SLURM_ARRAY_TASK_ID/4), got "${spec}".`,
    );
  const count = Number(m[2]);
  let raw = m[1]!;
  if (!/^\d+$/.test(raw)) {
    const v = env[raw];
    if (v === undefined || !/^\d+$/.test(v))
      throw new FramewiseError(
        'BAD_ARGUMENT',
        `--shard names ${raw}, but that environment variable is not set to a number.`,
      );
    raw = v;
  }
  const index = Number(raw);
  if (count < 1 || index >= count)
    throw new FramewiseError('BAD_ARGUMENT', `--shard ${index}/${count}: k must be in 0..${count - 1}.`);
  return { index, count };
}

/** The items of one shard: item i belongs to shard i mod N, over the list sorted for determinism. */
export function selectShard<T>(items: readonly T[], shard: Shard, key: (t: T) => string): T[] {
  return [...items]
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
    .filter((_, i) => i % shard.count === shard.index);
}

/** The paths in a list file (`--list`): one per line; blank lines and `#` comments skipped. */
export async function readList(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch((e: Error) => {
    throw new FramewiseError('FILE_UNREADABLE', `Cannot read the list ${file}: ${e.message}`);
  });
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/**
 * The videos a sharded command works on: those named on the command line and in `--list`, then,
 * with `--shard k/N`, every N-th of them by absolute path (announced on `line`). Null when none is
 * named at all, which is a usage error (an empty shard of a named list is not).
 */
export async function shardVideos(
  given: readonly string[],
  values: Record<string, unknown>,
  line: (text: string) => void,
): Promise<string[] | null> {
  const listed = typeof values['list'] === 'string' ? await readList(values['list']) : [];
  const videos = [...given, ...listed];
  if (videos.length === 0) return null;
  if (typeof values['shard'] !== 'string') return videos;
  const shard = parseShard(values['shard']);
  const mine = selectShard(videos, shard, (v) => resolve(v));
  line(`shard ${shard.index}/${shard.count}: ${mine.length} video(s)`);
  return mine;
}
