/**
 * Uploads for serve mode. A browser never tells a page where a dropped file lives, so serve mode
 * cannot read videos in place the way the desktop app does; instead the page streams the file here
 * and it is stored in the open project's videos/ folder, then added like any other path.
 * Streamed to disk (never buffered), written under a temporary name and renamed when complete, so
 * a cancelled upload leaves nothing that looks like a video.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { basename, extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { FramewiseError } from '../errors.js';
import { VIDEO_EXTENSIONS } from '../util/scan.js';

/** A safe file name from what the browser sent: no folders, no control characters, a video extension. */
export function uploadFileName(raw: string): string {
  // Both separators: a Windows browser may send "C:\fakepath\clip.mp4".
  const name = basename(raw.replace(/\\/g, '/'))
    .replace(/[\x00-\x1f\x7f]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .trim()
    .slice(0, 200);
  if (!name || name === '.' || name === '..' || name.startsWith('.'))
    throw new FramewiseError('BAD_ARGUMENT', `"${raw}" is not a usable file name.`);
  if (!VIDEO_EXTENSIONS.has(extname(name).toLowerCase()))
    throw new FramewiseError(
      'NOT_A_VIDEO',
      `${name} does not have a video file extension (${[...VIDEO_EXTENSIONS].join(' ')}).`,
    );
  return name;
}

/** `dir/name`, or `dir/stem (2).ext`… when that name is taken. */
async function freeName(dir: string, name: string): Promise<string> {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 1; i < 10_000; i++) {
    const candidate = join(dir, i === 1 ? name : `${stem} (${i})${ext}`);
    if (!(await stat(candidate).catch(() => null))) return candidate;
  }
  throw new FramewiseError('BAD_ARGUMENT', `Too many files named like ${name} in ${dir}.`);
}

/** Streams the request body into `dir` under (a free variant of) `rawName`; returns the final path. */
export async function receiveUpload(
  req: IncomingMessage,
  dir: string,
  rawName: string,
  maxBytes: number,
): Promise<string> {
  const name = uploadFileName(rawName);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes)
    throw new FramewiseError('BAD_ARGUMENT', `${name} is larger than the upload limit (${maxBytes} bytes).`);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${name}.${process.pid}.${Date.now().toString(36)}.upload`);
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > maxBytes)
        done(new FramewiseError('BAD_ARGUMENT', `${name} is larger than the upload limit (${maxBytes} bytes).`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(req, limit, createWriteStream(tmp, { flags: 'wx' }));
    if (Number.isFinite(declared) && size !== declared)
      throw new FramewiseError('BAD_ARGUMENT', `The upload of ${name} was cut off (${size} of ${declared} bytes).`);
    const target = await freeName(dir, name);
    await rename(tmp, target);
    return target;
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    if (e instanceof FramewiseError) throw e;
    throw new FramewiseError('ABORTED', `The upload of ${name} did not finish.`, { cause: e });
  }
}
