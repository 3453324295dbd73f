/**
 * Imports labelled segments into a project from the formats people already have:
 *  - plain CSV `file,start,end,label` (LosslessCut's segment export has `start,end,label` per file:
 *    pass `video` for those), header optional;
 *  - Kinetics-style CSV with a header naming `label`, `youtube_id` (or `file`), `time_start`, `time_end`;
 *  - UCF101/HMDB-style class folders (`root/<class>/<video>`): each video is one segment of its
 *    folder's class, with the official split lists (`testlist01.txt`) marking held-out videos.
 * Videos not yet in the project are added (probed); unknown labels become new classes. How a row's
 * video name finds its project video: import-match.ts.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { FramewiseError } from '../errors.js';
import { formulaUnguard, parseCsv } from '../util/csv.js';
import { VIDEO_EXTENSIONS } from '../util/scan.js';
import type { ProjectStore } from './project-store.js';
import { newId, resolveVideoPath } from './project-store.js';
import type { Project, ProjectVideo } from './schema.js';
import { addToIndex, clipRelativeTimes, matchIndex, matchVideo } from './import-match.js';

export interface ImportRow {
  /** A path, or a key (Kinetics youtube_id) matched against the project's file names. */
  video: string;
  start?: number;
  end?: number;
  /** Empty with a caption: a captioned segment of no class. */
  label: string;
  /** The `caption` column of Framewise's labels CSV, or every sentence of a labels JSON annotation. */
  captions?: string[];
}

/** Colours given to classes created by an import, in turn. */
export const PALETTE = [
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
    const ci = col('caption', 'sentence', 'description');
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
      // Framewise's own CSVs guard formula-like cells with a leading ': taken off again here.
      label: formulaUnguard((r[li] ?? '').trim()),
      ...(ci >= 0 && (r[ci] ?? '').trim() !== '' ? { captions: [formulaUnguard(r[ci]!.trim())] } : {}),
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
  /** Rows whose video name fits more than one project video (same file name or stem): not imported. */
  ambiguous: { video: string; candidates: string[] }[];
  /** Rows naming a file whose content is already in the project under another path: that video was used. */
  sameContent: { file: string; existing: string }[];
  /** With an official split (UCF101 testlist): how many of the imported videos are in each part. */
  split: { train: number; test: number } | null;
  /** The segments added (or, with dryRun, that would be), with the video's resolved path. */
  added: { video: string; start: number; end: number; label: string }[];
  /** Paths of the video files added to the project (or that would be). */
  newVideoFiles: string[];
}

export interface ImportOptions {
  /** Relative paths in the rows are relative to this folder (the CSV's, or the class folders' root). */
  baseDir?: string;
  /** File names of the official test split (UCF101 testlist): marks the videos' `split`. */
  heldOut?: Set<string>;
  /** Plan only (the preview): nothing is saved; the result says what an import would add. */
  dryRun?: boolean;
}

const isFile = (p: string): Promise<boolean> =>
  stat(p).then(
    (s) => s.isFile(),
    () => false,
  );

/**
 * Adds the rows to the project in one atomic save. Rows without start/end cover the whole video.
 * `describe` makes the project entry of a new video file (store/video-entry.ts: probed, with codec,
 * fps, size and content hash); injected so tests need no real videos.
 */
export async function importSegments(
  store: ProjectStore,
  rows: ImportRow[],
  describe: (file: string) => Promise<ProjectVideo>,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const project = store.project;
  const byPath = new Map(project.videos.map((v) => [resolveVideoPath(store.paths, v.path), v]));
  const byHash = new Map(project.videos.filter((v) => v.contentHash).map((v) => [v.contentHash!, v]));
  const index = matchIndex([...byPath].map(([p, v]) => [p, v.id]));
  const result: ImportResult = {
    segments: 0,
    newVideos: 0,
    newClasses: [],
    unmatched: [],
    ambiguous: [],
    sameContent: [],
    split: null,
    added: [],
    newVideoFiles: [],
  };
  const newVideos: Project['videos'] = [];
  const classes = new Map(project.classes.map((c) => [c.name, c.id]));
  const newClasses: Project['classes'] = [];
  const segments: Project['segments'] = [];
  const splits = new Map<string, 'train' | 'test'>();
  // By stem: a dataset converted to another container (.avi → .mp4) keeps its official split.
  const stem = (f: string): string => basename(f, extname(f));
  const heldOutStems = new Set([...(opts.heldOut ?? [])].map(stem));

  for (const row of rows) {
    if (!row.label && !row.captions?.length) continue;
    const asPath = resolve(opts.baseDir ?? process.cwd(), row.video);
    // Exact path (in the project, then on disk), then the project's videos by file name and stem.
    const match =
      !index.byPath.has(asPath) && (await isFile(asPath))
        ? ({ kind: 'video', path: asPath } as const)
        : matchVideo(index, asPath, row.video, row.start);
    if (match.kind === 'ambiguous') {
      result.ambiguous.push({ video: row.video, candidates: match.candidates });
      continue;
    }
    if (match.kind === 'none') {
      result.unmatched.push(row.video);
      continue;
    }
    const file = match.path;
    let video = byPath.get(file);
    if (!video) {
      const described = await describe(file);
      const same = described.contentHash ? byHash.get(described.contentHash) : undefined;
      if (same) {
        // The same file under another path (a copy, a moved folder): one video, not two.
        result.sameContent.push({ file, existing: same.path });
        video = same;
      } else {
        video = described;
        newVideos.push(video);
        result.newVideoFiles.push(file);
        if (video.contentHash) byHash.set(video.contentHash, video);
      }
      byPath.set(file, video);
      addToIndex(index, file, video.id);
    }
    if (heldOutStems.size > 0) splits.set(video.id, heldOutStems.has(stem(file)) ? 'test' : 'train');
    let classId = row.label ? (classes.get(row.label) ?? null) : null;
    if (row.label && !classId) {
      classId = newId('cls');
      classes.set(row.label, classId);
      newClasses.push({
        id: classId,
        name: row.label,
        color: PALETTE[(project.classes.length + newClasses.length) % PALETTE.length]!,
      });
    }
    const duration = video.durationSec;
    if (duration === undefined && (row.start === undefined || row.end === undefined))
      throw new FramewiseError(
        'BAD_ARGUMENT',
        `${row.video}: its duration is unknown, so the row needs start and end.`,
      );
    const times =
      row.start !== undefined && row.end !== undefined
        ? clipRelativeTimes(file, row.start, row.end, duration)
        : { start: row.start ?? 0, end: row.end ?? duration! };
    if (!(times.end > times.start))
      throw new FramewiseError(
        'BAD_ARGUMENT',
        `Segment ${row.video} ${times.start}–${times.end}: end must be after start${times.start !== row.start ? ` (the clip starts at ${row.start! - times.start} s of its source)` : ''}.`,
      );
    const captions = row.captions ?? [];
    segments.push({ id: newId('seg'), videoId: video.id, ...times, classId, captions, source: 'user' });
    result.added.push({ video: file, ...times, label: row.label });
  }
  if (!opts.dryRun)
    await store.update((p) => {
      p.videos.push(...newVideos);
      p.classes.push(...newClasses);
      p.segments.push(...segments);
      for (const v of p.videos) {
        const split = splits.get(v.id);
        if (split) v.split = split;
      }
    });
  if (splits.size > 0) {
    const parts = [...splits.values()];
    result.split = { train: parts.filter((x) => x === 'train').length, test: parts.filter((x) => x === 'test').length };
  }
  return {
    ...result,
    segments: segments.length,
    newVideos: newVideos.length,
    newClasses: newClasses.map((c) => c.name),
  };
}
