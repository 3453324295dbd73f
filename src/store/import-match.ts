/**
 * Which project video an imported row means. A CSV names videos as it likes: an absolute path, a
 * path relative to the CSV, `clip.mp4` for the project's `…/videos/clip.mp4`, a stem, or (Kinetics)
 * a YouTube id whose clip was saved trimmed as `<id>_<start>_<end>.mp4`. Tried in that order:
 * exact path, file name, stem, Kinetics id; more than one video by one rule is reported as
 * ambiguous rather than guessed.
 */
import { basename, extname } from 'node:path';

export interface MatchIndex {
  /** Resolved path → project video id. */
  byPath: Map<string, string>;
  byName: Map<string, string[]>;
  byStem: Map<string, string[]>;
}

export type Match = { kind: 'video'; path: string } | { kind: 'ambiguous'; candidates: string[] } | { kind: 'none' };

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function stemOf(p: string): string {
  return basename(p, extname(p));
}

/** Splits a path on / and \ alike (CSV files travel between systems). */
function baseOf(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

export function matchIndex(paths: Iterable<[string, string]>): MatchIndex {
  const index: MatchIndex = { byPath: new Map(), byName: new Map(), byStem: new Map() };
  for (const [path, id] of paths) addToIndex(index, path, id);
  return index;
}

export function addToIndex(index: MatchIndex, path: string, id: string): void {
  if (index.byPath.has(path)) return;
  index.byPath.set(path, id);
  push(index.byName, baseOf(path), path);
  push(index.byStem, stemOf(path), path);
}

const TRIMMED = /^(.*)_(\d+)_(\d+)$/;

/** `<id>_<start>_<end>` (Kinetics downloaders' naming): the clip's offsets in the source, in seconds. */
export function trimmedClip(path: string): { key: string; start: number; end: number } | null {
  const m = TRIMMED.exec(stemOf(path));
  if (!m) return null;
  const start = Number(m[2]);
  const end = Number(m[3]);
  return end > start ? { key: m[1]!, start, end } : null;
}

/** Matches a row's video name against the project's videos (not the disk: the caller tries that). */
export function matchVideo(index: MatchIndex, resolved: string, name: string, start?: number): Match {
  if (index.byPath.has(resolved)) return { kind: 'video', path: resolved };
  for (const candidates of [index.byName.get(baseOf(name)), index.byStem.get(stemOf(baseOf(name)))]) {
    if (!candidates || candidates.length === 0) continue;
    return candidates.length === 1
      ? { kind: 'video', path: candidates[0]! }
      : { kind: 'ambiguous', candidates: candidates.slice() };
  }
  // A Kinetics id: its clips are `<id>_<start>_<end>`; with several, the one holding the row's start.
  const key = baseOf(name);
  let clips = [...index.byStem.entries()]
    .filter(([stem]) => trimmedClip(stem)?.key === key)
    .flatMap(([, paths]) => paths);
  if (clips.length > 1 && start !== undefined)
    clips = clips.filter((p) => {
      const t = trimmedClip(p)!;
      return t.start <= start && start < t.end;
    });
  if (clips.length === 1) return { kind: 'video', path: clips[0]! };
  if (clips.length > 1) return { kind: 'ambiguous', candidates: clips };
  return { kind: 'none' };
}

/**
 * Times of a row on a trimmed clip, made relative to the clip. Kinetics rows give times in the
 * source video; the clip `<id>_<a>_<b>` starts at a. They are taken as source times when they match
 * the clip's offsets (±1 s) or could not be clip times (they end after the clip does).
 */
export function clipRelativeTimes(
  path: string,
  start: number,
  end: number,
  durationSec: number | undefined,
): { start: number; end: number } {
  const t = trimmedClip(path);
  if (!t || t.start === 0) return { start, end };
  const matchesName = Math.abs(start - t.start) <= 1 && Math.abs(end - t.end) <= 1;
  const length = durationSec ?? t.end - t.start;
  const insideSource = start >= t.start - 1 && end <= t.end + 1;
  if (!matchesName && !(insideSource && end > length)) return { start, end };
  const relStart = Math.max(0, start - t.start);
  const relEnd = Math.min(length, end - t.start);
  return { start: relStart, end: relEnd };
}
