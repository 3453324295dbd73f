/**
 * The Import dialog's methods: a preview of what a label file or folder would add, then the import
 * itself, over the same core importers as `framewise import` / `import-captions`.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { FramewiseError } from '../errors.js';
import { importCaptions } from '../store/import-captions.js';
import { importSegments, parseSegmentCsv, scanClassFolders, type ImportRow } from '../store/import-segments.js';
import { isLabelsJson, parseLabelsJson } from '../store/import-labels-json.js';
import type { ProjectStore } from '../store/project-store.js';
import { describeVideo } from '../store/video-entry.js';
import type { Api, ImportArgs, ImportFormat, ImportReport } from './contract.js';
import { fileBase, videoFile, type ServiceContext } from './service-context.js';

type ImportApi = Pick<Api, 'project.importPreview' | 'project.import'>;

/** Enough for a person to check the preview; the count says how many there are in all. */
const LISTED = 500;

const list = (items: string[], max = 5): string =>
  items.slice(0, max).join(', ') + (items.length > max ? `, … (${items.length - max} more)` : '');

interface Source {
  kind: 'folder' | 'csv' | 'json';
  /** A folder's path, or a file's content. */
  value: string;
  name: string;
  baseDir: string;
}

async function readSource(store: ProjectStore, args: ImportArgs): Promise<Source> {
  if (args.text !== undefined) {
    const name = args.fileName || 'pasted.csv';
    const json = extname(name).toLowerCase() === '.json' || /^\s*[[{]/.test(args.text);
    // An uploaded CSV has no folder of its own: its rows name project videos (by file name or stem).
    return { kind: json ? 'json' : 'csv', value: args.text, name, baseDir: store.paths.root };
  }
  const path = resolve(args.path ?? '');
  if (!args.path?.trim()) throw new FramewiseError('BAD_ARGUMENT', 'Type the path of a label file or class folder.');
  const st = await stat(path).catch(() => null);
  if (!st) throw new FramewiseError('FILE_NOT_FOUND', `Not found: ${path}`);
  if (st.isDirectory()) return { kind: 'folder', value: path, name: fileBase(path), baseDir: path };
  const text = await readFile(path, 'utf8').catch((e: Error) => {
    throw new FramewiseError('FILE_UNREADABLE', `Cannot read ${path}: ${e.message}`);
  });
  const json = extname(path).toLowerCase() === '.json';
  return { kind: json ? 'json' : 'csv', value: text, name: fileBase(path), baseDir: dirname(path) };
}

function csvFormat(text: string, videoId: string | undefined): ImportFormat {
  const head = (text.split(/\r?\n/, 1)[0] ?? '').toLowerCase();
  if (/\b(youtube_id|time_start)\b/.test(head)) return 'kinetics-csv';
  return videoId ? 'losslesscut-csv' : 'segment-csv';
}

/** Parsed JSON when it is a labels file (ActivityNet `database` layout), else null (a captions file). */
function labelsJsonOf(source: Source): unknown {
  if (source.kind !== 'json') return null;
  try {
    const data = JSON.parse(source.value) as unknown;
    return isLabelsJson(data) ? data : null;
  } catch {
    // The captions importer reports the syntax error with its own wording.
    return null;
  }
}

async function runImport(store: ProjectStore, args: ImportArgs, dryRun: boolean): Promise<ImportReport> {
  const source = await readSource(store, args);
  const labelsJson = labelsJsonOf(source);
  if (source.kind === 'json' && labelsJson === null) {
    const res = await importCaptions(store, source.value, source.name, { dryRun });
    const warnings = [...res.warnings];
    if (res.unmatched.length > 0)
      warnings.push(`${res.unmatched.length} video key(s) match no project video: ${list(res.unmatched)}`);
    for (const a of res.ambiguous) warnings.push(`"${a.key}" fits ${a.videoIds.length} project videos: not imported`);
    if (res.skipped > 0) warnings.push(`${res.skipped} caption(s) with an end not after the start: skipped`);
    return {
      format: res.format,
      segmentCount: res.added.length,
      segments: res.added.slice(0, LISTED).map((s) => ({
        file: videoFile(store, s.videoId),
        start: s.start,
        end: s.end,
        label: null,
        caption: s.sentences[0] ?? '',
      })),
      newVideos: [],
      newClasses: [],
      split: null,
      warnings,
    };
  }
  let rows: ImportRow[];
  let heldOut: Set<string> | undefined;
  let format: ImportFormat;
  if (source.kind === 'folder') {
    const scanned = await scanClassFolders(source.value);
    rows = scanned.rows;
    heldOut = scanned.heldOut;
    format = 'class-folders';
  } else if (labelsJson !== null) {
    const parsed = parseLabelsJson(labelsJson, source.name);
    rows = parsed.rows;
    if (parsed.heldOut.size > 0) heldOut = parsed.heldOut;
    format = 'activitynet-labels';
  } else {
    const video = args.videoId ? videoFile(store, args.videoId) : undefined;
    rows = parseSegmentCsv(source.value, video);
    format = csvFormat(source.value, args.videoId);
  }
  const res = await importSegments(store, rows, (file) => describeVideo(file), {
    baseDir: source.baseDir,
    dryRun,
    ...(heldOut ? { heldOut } : {}),
  });
  const warnings: string[] = [];
  if (res.unmatched.length > 0)
    warnings.push(`${res.unmatched.length} row(s) name a video not in the project nor on disk: ${list(res.unmatched)}`);
  for (const a of res.ambiguous)
    warnings.push(
      `"${a.video}" fits ${a.candidates.length} videos (${list(a.candidates.map(fileBase))}): not imported`,
    );
  for (const d of res.sameContent)
    warnings.push(`${fileBase(d.file)} is the same file as ${d.existing}: used that video`);
  if (format === 'class-folders' && rows.length === 0)
    warnings.push(`No videos in class folders under ${source.value} (expected <root>/<class>/<video>)`);
  return {
    format,
    segmentCount: res.added.length,
    segments: res.added.slice(0, LISTED).map((s) => ({ file: s.video, start: s.start, end: s.end, label: s.label })),
    newVideos: res.newVideoFiles,
    newClasses: res.newClasses,
    split: res.split,
    warnings,
  };
}

export function importServices(ctx: ServiceContext): ImportApi {
  return {
    'project.importPreview': async (args) => runImport(ctx.requireStore(), args, true),
    'project.import': async (args) => {
      const report = await runImport(ctx.requireStore(), args, false);
      return { ...report, snapshot: await ctx.publishProject() };
    },
  };
}
