/**
 * What the operating system hands the app when a user opens "a Framewise project": a project folder
 * (dropped on the Dock icon, `framewise-app ~/my-project`), the folder's `project.json`, or a
 * `*.framewise` link file (the extension the installers associate with the app). A project is a
 * folder, and folders cannot carry a file association, hence the link file: a tiny JSON document
 * that names the project folder, relative to the link file's own folder:
 *
 *     { "format": "framewise-project-link", "project": "." }
 *
 * A new project gets one next to its project.json (project-store.ts), so double-clicking it in a
 * file manager opens the project; a copy elsewhere (the Desktop) may point at the folder by a
 * relative or absolute path.
 */
import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FramewiseError } from '../errors.js';
import { PROJECT_FILE } from './layout.js';

/** The associated extension, with its dot. */
export const PROJECT_LINK_EXTENSION = '.framewise';
export const PROJECT_LINK_FORMAT = 'framewise-project-link';
/** MIME type the Linux packages register for the extension (electron-builder.yml fileAssociations). */
export const PROJECT_LINK_MIME_TYPE = 'application/x-framewise-project';

/** A link file is a few dozen bytes; anything much larger is not one. */
const MAX_LINK_BYTES = 64 * 1024;

export interface ProjectLink {
  format: typeof PROJECT_LINK_FORMAT;
  /** The project folder: absolute, or relative to the folder holding the link file. */
  project: string;
}

/** The text of a link file; by default one that lives inside the project folder it opens. */
export function projectLinkContent(project = '.'): string {
  const link: ProjectLink = { format: PROJECT_LINK_FORMAT, project };
  return `${JSON.stringify(link, null, 2)}\n`;
}

// Device names Windows reserves with or without an extension ("NUL.framewise" is NUL, too).
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
// Characters no Windows file name may contain, plus control characters anywhere.
const UNSAFE_CHARS = /[<>:"/\\|?*\p{Cc}]/gu;
const MAX_BASE_CHARS = 80;

/**
 * A file name for a project's link file that is valid on Windows, macOS and Linux:
 * "Kitchen: actions / v2" → "Kitchen- actions - v2.framewise". Never empty, never hidden, never a
 * reserved device name.
 */
export function projectLinkFileName(projectName: string): string {
  let base = projectName
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .replace(UNSAFE_CHARS, '-')
    // Windows drops trailing dots and spaces; a leading dot hides the file on macOS and Linux.
    .replace(/^[. ]+|[. ]+$/g, '');
  // Cut by code points, not UTF-16 units, so an emoji is never split in half.
  base = Array.from(base)
    .slice(0, MAX_BASE_CHARS)
    .join('')
    .replace(/[. ]+$/, '');
  if (base === '') base = 'project';
  // "nul.backup" is NUL too: rename the part before the first dot.
  const dot = base.indexOf('.');
  const stem = dot === -1 ? base : base.slice(0, dot);
  if (WINDOWS_RESERVED.test(stem)) base = `${stem}-project${base.slice(stem.length)}`;
  return `${base}${PROJECT_LINK_EXTENSION}`;
}

function errnoCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

async function statOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await stat(p);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR') return undefined;
    throw new FramewiseError('FILE_UNREADABLE', `Cannot read ${p}: ${(e as Error).message}`, { cause: e });
  }
}

async function isProjectFolder(dir: string): Promise<boolean> {
  return (await statOrUndefined(path.join(dir, PROJECT_FILE)))?.isFile() === true;
}

/** Parses a link file's text; `file` only names it in errors. */
export function parseProjectLink(text: string, file: string): ProjectLink {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new FramewiseError(
      'BAD_PROJECT',
      `${file} is not a Framewise project link: it is not valid JSON (${(e as Error).message}).`,
      { details: { file } },
    );
  }
  const o = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  if (o.format !== PROJECT_LINK_FORMAT) {
    throw new FramewiseError(
      'BAD_PROJECT',
      `${file} is not a Framewise project link: "format" must be "${PROJECT_LINK_FORMAT}".`,
      { details: { file } },
    );
  }
  if (typeof o.project !== 'string' || o.project.trim() === '') {
    throw new FramewiseError(
      'BAD_PROJECT',
      `${file} is a Framewise project link without a project: "project" must name the project folder.`,
      { details: { file } },
    );
  }
  return { format: PROJECT_LINK_FORMAT, project: o.project };
}

async function readLinkTarget(file: string): Promise<string> {
  const st = await statOrUndefined(file);
  if (st && st.size > MAX_LINK_BYTES) {
    throw new FramewiseError('BAD_PROJECT', `${file} is not a Framewise project link: it is far too large.`, {
      details: { file },
    });
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new FramewiseError('FILE_UNREADABLE', `Cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  const link = parseProjectLink(text.replace(/^\uFEFF/, ''), file);
  return path.resolve(path.dirname(file), link.project);
}

/**
 * The project folder (absolute) that `input` stands for: a folder holding project.json, a
 * project.json, or a `.framewise` link file; `file://` URLs (Linux desktop entries pass those) are
 * accepted too. Relative paths are taken from `cwd` (default: the process's). Throws a
 * FramewiseError naming the path when it is none of these or the project is not there.
 */
export async function resolveProjectFolder(input: string, opts: { cwd?: string } = {}): Promise<string> {
  if (input.trim() === '') throw new FramewiseError('BAD_ARGUMENT', 'No project path was given.');
  let p = input;
  if (/^file:\/\//i.test(p)) {
    try {
      p = fileURLToPath(p);
    } catch (e) {
      throw new FramewiseError('BAD_ARGUMENT', `${input} is not a local file.`, { cause: e });
    }
  }
  const abs = path.resolve(opts.cwd ?? process.cwd(), p);
  const st = await statOrUndefined(abs);
  if (!st) throw new FramewiseError('FILE_NOT_FOUND', `${abs} does not exist.`, { details: { path: abs } });

  if (st.isDirectory()) {
    if (await isProjectFolder(abs)) return abs;
    throw new FramewiseError(
      'FILE_NOT_FOUND',
      `${abs} is a folder, but not a Framewise project (it has no ${PROJECT_FILE}).`,
      { details: { path: abs } },
    );
  }

  const name = path.basename(abs);
  if (name.toLowerCase() === PROJECT_FILE) return path.dirname(abs);

  if (name.toLowerCase().endsWith(PROJECT_LINK_EXTENSION)) {
    const target = await readLinkTarget(abs);
    const targetStat = await statOrUndefined(target);
    // Tolerate a link that names the project.json itself rather than its folder.
    const dir =
      targetStat?.isFile() && path.basename(target).toLowerCase() === PROJECT_FILE ? path.dirname(target) : target;
    if (targetStat && (await isProjectFolder(dir))) return dir;
    throw new FramewiseError(
      'FILE_NOT_FOUND',
      `The project link ${abs} points to ${target}, but there is no Framewise project there (was it moved or deleted?).`,
      { details: { link: abs, target } },
    );
  }

  throw new FramewiseError(
    'BAD_ARGUMENT',
    `${abs} is not a Framewise project. Open a project folder, its ${PROJECT_FILE}, or a ${PROJECT_LINK_EXTENSION} file.`,
    { details: { path: abs } },
  );
}

/**
 * The path the OS passed on a command line, if any: the last argument after the first `skip`
 * (1 in a packaged app: the executable; 2 under `electron .`: electron and the app path) that is not
 * a switch. Chromium adds switches of its own (and on Windows may move them around in the argv a
 * second instance reports), and macOS once added `-psn_…`; all start with "-". After a "--" every
 * argument counts.
 */
export function pathFromArgv(argv: readonly string[], skip: number): string | undefined {
  let found: string | undefined;
  let switches = true;
  for (const arg of argv.slice(skip)) {
    if (switches && arg === '--') {
      switches = false;
      continue;
    }
    if (arg === '' || (switches && arg.startsWith('-'))) continue;
    found = arg;
  }
  return found;
}
