import { FramewiseError } from '../errors.js';
import { MAX_OUTPUT_SIDE, planDecode } from './decode-plan.js';
import { getFfmpegPaths } from './ffmpeg-path.js';
import { probe } from './probe.js';
import { abortedError, fileArg, lastStderrLines, runProcess } from './process.js';
import type { VideoInfo } from './types.js';

export type ImageFormat = 'jpeg' | 'png';

export interface ThumbnailOptions {
  /** Image width in pixels; the height follows the display aspect ratio. Default 320. */
  width?: number;
  /** Default 'jpeg'. */
  format?: ImageFormat;
  signal?: AbortSignal;
  /** Result of an earlier `probe()` of the same file, to skip probing again. */
  info?: VideoInfo;
}

export interface FilmstripOptions extends ThumbnailOptions {
  /** Number of images, 1–200. */
  count: number;
}

const MAX_FILMSTRIP = 200;

function encoderArgs(format: ImageFormat): string[] {
  // yuvj420p: the full-range pixel format the MJPEG encoder expects; q 3 is visually lossless-ish.
  if (format === 'jpeg') return ['-c:v', 'mjpeg', '-pix_fmt', 'yuvj420p', '-q:v', '3', '-f', 'image2pipe'];
  return ['-c:v', 'png', '-pix_fmt', 'rgb24', '-f', 'image2pipe'];
}

function thumbnailSize(info: VideoInfo, width: number): { width: number; height: number } {
  if (!Number.isInteger(width) || width < 1 || width > MAX_OUTPUT_SIDE) {
    throw new FramewiseError('BAD_ARGUMENT', `Thumbnail width must be a whole number from 1 to ${MAX_OUTPUT_SIDE}.`);
  }
  const height = Math.min(MAX_OUTPUT_SIDE, Math.max(1, Math.round((width * info.displayHeight) / info.displayWidth)));
  return { width, height };
}

/** Seconds at which `filmstrip()` takes its images: the centres of `count` equal slices. */
export function filmstripTimes(durationSec: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => ((k + 0.5) * durationSec) / count);
}

async function renderAt(
  file: string,
  info: VideoInfo,
  timeSec: number,
  width: number,
  format: ImageFormat,
  signal: AbortSignal | undefined,
): Promise<Buffer> {
  // Past-the-end requests (a scrubber at its right edge) show the last frame instead of failing.
  const lastInstant = Math.max(0, info.durationSec - 1 / Math.max(info.fps, 1));
  const start = Math.min(Math.max(0, timeSec), lastInstant);
  // Same sampling as decodeFrames, so a thumbnail at t shows the frame decodeFrames({start: t}) yields first.
  const size = thumbnailSize(info, width);
  let plan = planDecode({ ...info, path: file }, { start, size, fit: 'stretch' }, { maxFrames: 1 });
  const { ffmpeg } = getFfmpegPaths();
  const purpose = `making a thumbnail of "${file}"`;
  let res = await runProcess(ffmpeg, [...plan.args, ...encoderArgs(format), 'pipe:1'], { signal, purpose });
  if (res.code === 0 && res.stdout.length === 0 && plan.seeks) {
    // The seek found no decodable frame (see decodeFrames); read from the start instead.
    plan = planDecode({ ...info, path: file }, { start, size, fit: 'stretch' }, { maxFrames: 1, seek: false });
    res = await runProcess(ffmpeg, [...plan.args, ...encoderArgs(format), 'pipe:1'], { signal, purpose });
  }
  if (res.code !== 0 || res.stdout.length === 0) {
    const reason = lastStderrLines(res.stderrTail, fileArg(file)) || 'ffmpeg produced no image';
    throw new FramewiseError(
      'DECODE_FAILED',
      `Could not make a thumbnail of "${file}" at ${start.toFixed(2)} s: ${reason}`,
    );
  }
  return res.stdout;
}

/** One still image of `file` at `timeSec` (clamped to the video), as JPEG or PNG bytes. */
export async function thumbnail(file: string, timeSec: number, options: ThumbnailOptions = {}): Promise<Buffer> {
  if (!Number.isFinite(timeSec)) {
    throw new FramewiseError('BAD_ARGUMENT', `Thumbnail time must be a number of seconds (got ${String(timeSec)}).`);
  }
  const info = options.info ?? (await probe(file, { signal: options.signal }));
  return renderAt(file, info, timeSec, options.width ?? 320, options.format ?? 'jpeg', options.signal);
}

/**
 * `count` separate images evenly spread over the video (see {@link filmstripTimes}) for the UI
 * timeline. Separate images rather than one sprite: the UI can lay them out at any width and show
 * the first ones while the rest are still being made. Each image is one seek + decode, so the cost
 * does not grow with the video's length.
 */
export async function filmstrip(file: string, options: FilmstripOptions): Promise<Buffer[]> {
  const { count, signal } = options;
  if (!Number.isInteger(count) || count < 1 || count > MAX_FILMSTRIP) {
    throw new FramewiseError('BAD_ARGUMENT', `Filmstrip count must be a whole number from 1 to ${MAX_FILMSTRIP}.`);
  }
  const info = options.info ?? (await probe(file, { signal }));
  const images: Buffer[] = [];
  // Sequential on purpose: ffmpeg already uses every core for decoding.
  for (const t of filmstripTimes(info.durationSec, count)) {
    if (signal?.aborted) throw abortedError(`making a filmstrip of "${file}"`, signal.reason);
    images.push(await renderAt(file, info, t, options.width ?? 160, options.format ?? 'jpeg', signal));
  }
  return images;
}
