/**
 * Imports labelled segments into a project from the formats people already have:
 *  - plain CSV `file,start,end,label` (LosslessCut's segment export has `start,end,label` per file:
 *    pass `video` for those), header optional;
 *  - Kinetics-style CSV with a header naming `label`, `youtube_id` (or `file`), `time_start`, `time_end`;
 *  - UCF101/HMDB-style class folders (`root/<class>/<video>`): each video is one segment of its
 *    folder's class, with the official split lists (`testlist01.txt`) marking held-out videos.
 * Videos not yet in the project are added (probed); unknown labels become new classes.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { FramewiseError } from '../errors.js';
import { parseCsv } from '../util/csv.js';
import { VIDEO_EXTENSIONS } from '../util/scan.js';
import type { ProjectStore } from './project-store.js';
import { newId, resolveVideoPath } from './project-store.js';
import type { Project } from './schema.js';

export interface ImportRow {
  /** A path, or a key (Kinetics youtube_id) matched against the project's file names. */
  video: string;
  start?: number;
  end?: number;
  label: string;
}

const PALETTE = [
  '#e6194b',
  '#3cb44b',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#46f0f0',
  '#f032e6',
  '#bcf60c',
  '#008080',
  '#9a6324',
  '#800000',
  '#000075',
];

function num(v: string | undefined, what: string, line: number): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0)
    throw new FramewiseError('BAD_ARGUMENT', `line ${line}: ${what} "${v}" is not a time in seconds.`);
  return n;
}

/** Parses plain or Kinetics-style CSV into rows. `video` applies to 3-column `start,end,label` files. */
export function parseSegmentCsv(text: string, video?: string): ImportRow[] {
  const rows = parseCsv(text).filter((r) => r.some((c) => c.trim() !== ''));
  if (rows.length === 0) return [];
  const head = rows[0]!.map((h) => h.trim().toLowerCase());
  const col = (...names: string[]): number => head.findIndex((h) => names.includes(h));
  const hasHeader = col('label', 'start', 'time_start', 'file', 'youtube_id') >= 0;
  if (hasHeader) {
    const vi = col('file', 'video', 'youtube_id', 'path');
    const si = col('start', 'time_start');
    const ei = col('end', 'time_end');
    const li = col('label', 'name', 'class');
    if (li < 0) throw new FramewiseError('BAD_ARGUMENT', 'The CSV header has no label column (label, name or class).');
    if (vi < 0 && !video)
      throw new FramewiseError(
        'BAD_ARGUMENT',
        'The CSV names no video column (file, video or youtube_id); pass the video it belongs to.',
      );
    return rows.slice(1).map((r, i) => ({
      video: vi >= 0 ? r[vi]!.trim() : video!,
      start: si >= 0 ? num(r[si], 'start', i + 2) : undefined,
      end: ei >= 0 ? num(r[ei], 'end', i + 2) : undefined,
      label: (r[li] ?? '').trim(),
    }));
  }
  return rows.map((r, i) => {
    if (r.length >= 4)
      return {
        video: r[0]!.trim(),
        start: num(r[1], 'start', i + 1),
        end: num(r[2], 'end', i + 1),
        label: r[3]!.trim(),
      };
    if (r.length === 3 && video)
      return { video, start: num(r[0], 'start', i + 1), end: num(r[1], 'end', i + 1), label: r[2]!.trim() };
    throw new FramewiseError(
      'BAD_ARGUMENT',
      `line ${i + 1}: expected file,start,end,label${video ? ' or start,end,label' : ''} (got ${r.length} column(s)).`,
    );
  });
}

/** UCF101/HMDB-style `root/<class>/<video>` folders; `testlist*.txt` in root (or root/..) marks held-out videos. */
export async function scanClassFolders(root: string): Promise<{ rows: ImportRow[]; heldOut: Set<string> }> {
  const rows: ImportRow[] = [];
  const entries = await readdir(root, { withFileTypes: true }).catch((e: Error) => {
    throw new FramewiseError('FILE_UNREADABLE', `Cannot read ${root}: ${e.message}`);
  });
  for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const files = (await readdir(join(root, e.name)))
      .filter((f) => VIDEO_EXTENSIONS.has(extname(f).toLowerCase()))
      .sort();
    for (const f of files) rows.push({ video: join(root, e.name, f), label: e.name });
  }
  const heldOut = new Set<string>();
  for (const dir of [root, dirname(root)]) {
    const lists = (await readdir(dir).catch(() => [] as string[])).filter((f) => /^testlist\d*\.txt$/i.test(f));
    for (const l of lists) {
      for (const line of (await readFile(join(dir, l), 'utf8')).split(/\r?\n/)) {
        const name = line.trim().split(/\s+/)[0];
        if (name) heldOut.add(basename(name));
      }
    }
  }
  return { rows, heldOut };
}

export interface ImportResult {
  segments: number;
  newVideos: number;
  newClasses: string[];
  unmatched: string[];
}

/**
 * Adds the rows to the project in one atomic save. Rows without start/end cover the whole video.
 * `probe` returns the duration of a video file (injected so the store does not depend on ffmpeg).
 */
export async function importSegments(
  store: ProjectStore,
  rows: ImportRow[],
  probeDuration: (file: string) => Promise<{ durationSec: number; contentHash?: string }>,
  opts: { baseDir?: string } = {},
): Promise<ImportResult> {
  const project = store.project;
  const byPath = new Map(project.videos.map((v) => [resolveVideoPath(store.paths, v.path), v]));
  const byStem = new Map<string, string>();
  for (const [p] of byPath) byStem.set(basename(p, extname(p)), p);
  const unmatched: string[] = [];
  const newVideos: Project['videos'] = [];
  const classes = new Map(project.classes.map((c) => [c.name, c.id]));
  const newClasses: Project['classes'] = [];
  const segments: Project['segments'] = [];
  const durations = new Map<string, number>();

  for (const row of rows) {
    if (!row.label) continue;
    let file: string | undefined;
    const asPath = resolve(opts.baseDir ?? process.cwd(), row.video);
    if (byPath.has(asPath)) file = asPath;
    else if (
      await stat(asPath).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      file = asPath;
    else {
      // Kinetics clips are often saved as <youtube_id>_<start>_<end>.mp4.
      const stem = [...byStem.keys()].find((s) => s === row.video || s.startsWith(`${row.video}_`));
      file = stem ? byStem.get(stem) : undefined;
    }
    if (!file) {
      unmatched.push(row.video);
      continue;
    }
    let video = byPath.get(file);
    if (!video) {
      const info = await probeDuration(file);
      video = {
        id: newId('vid'),
        path: file,
        durationSec: info.durationSec,
        addedAt: new Date().toISOString(),
        ...(info.contentHash ? { contentHash: info.contentHash } : {}),
      };
      byPath.set(file, video);
      newVideos.push(video);
    }
    let classId = classes.get(row.label);
    if (!classId) {
      classId = newId('cls');
      classes.set(row.label, classId);
      newClasses.push({
        id: classId,
        name: row.label,
        color: PALETTE[(project.classes.length + newClasses.length) % PALETTE.length]!,
      });
    }
    let duration = video.durationSec ?? durations.get(file);
    if (duration === undefined && (row.start === undefined || row.end === undefined)) {
      duration = (await probeDuration(file)).durationSec;
      durations.set(file, duration);
    }
    const start = row.start ?? 0;
    const end = row.end ?? duration!;
    if (!(end > start))
      throw new FramewiseError('BAD_ARGUMENT', `Segment ${row.video} ${start}–${end}: end must be after start.`);
    segments.push({ id: newId('seg'), videoId: video.id, start, end, classId, captions: [], source: 'user' });
  }
  await store.update((p) => {
    p.videos.push(...newVideos);
    p.classes.push(...newClasses);
    p.segments.push(...segments);
  });
  return {
    segments: segments.length,
    newVideos: newVideos.length,
    newClasses: newClasses.map((c) => c.name),
    unmatched,
  };
}
