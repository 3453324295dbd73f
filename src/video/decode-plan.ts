import { FramewiseError } from '../errors.js';
import { fileArg } from './process.js';
import type { DecodeOptions, FitMode, VideoInfo } from './types.js';

/** Largest output side we accept; a typo like 22400 should fail fast, not allocate gigabytes. */
export const MAX_OUTPUT_SIDE = 8192;
const MAX_FPS = 1000;
/**
 * Timestamp tolerance: a source frame stamped up to this much after a sample instant still counts
 * as shown at it. Matroska/WebM store milliseconds, so 29.97 fps frames land up to 0.5 ms late.
 */
const PTS_TOLERANCE_US = 1000;
/** How far before `start` we ask ffmpeg to seek; absorbs coarse index/timebase rounding (AVI). */
const SEEK_MARGIN_SEC = 1;

export interface DecodePlan {
  start: number;
  /** Exclusive end actually used: min(options.end, duration). */
  end: number;
  fps: number;
  width: number;
  height: number;
  fit: FitMode;
  /** Number of frames the decode yields (unless the file is shorter than it claims). */
  frameCount: number;
  /** ffmpeg arguments up to (not including) the output format and destination. */
  args: string[];
  /** Whether ffmpeg is asked to seek (so a retry without seeking is possible). */
  seeks: boolean;
}

export interface PlanTuning {
  /** Cap on frames (a thumbnail wants 1). */
  maxFrames?: number;
  /** false: decode from the beginning and let the fps filter skip to `start`. */
  seek?: boolean;
}

/**
 * Demuxers without a keyframe index: ffmpeg seeks them by bisecting timestamps and can land in
 * the middle of a GOP, where the decoder drops everything up to the next keyframe (for a clip
 * with one keyframe: everything). Decoding these from the start is slower but right.
 */
const UNINDEXED_FORMATS = new Set(['mpegts', 'mpeg', 'mpegvideo', 'h264', 'hevc', 'm4v', 'vc1']);

function canSeek(info: VideoInfo): boolean {
  const aliases = (info.formatName ?? info.container).split(',');
  return !aliases.some((a) => UNINDEXED_FORMATS.has(a));
}

function badArgument(message: string): FramewiseError {
  return new FramewiseError('BAD_ARGUMENT', message);
}

function finite(name: string, v: number | undefined, file: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw badArgument(`${name} must be a finite number (got ${String(v)}) when decoding "${file}".`);
  }
  return v;
}

function outputSize(info: VideoInfo, size: DecodeOptions['size']): { width: number; height: number } {
  const dims = size === undefined ? undefined : typeof size === 'number' ? { width: size, height: size } : size;
  if (dims === undefined) return { width: info.displayWidth, height: info.displayHeight };
  for (const [name, v] of [
    ['width', dims.width],
    ['height', dims.height],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > MAX_OUTPUT_SIDE) {
      throw badArgument(`Output ${name} must be a whole number from 1 to ${MAX_OUTPUT_SIDE} (got ${String(v)}).`);
    }
  }
  return { width: dims.width, height: dims.height };
}

/** ffmpeg scale/crop/pad filters that turn the display-oriented frame into exactly width × height. */
export function fitFilters(info: VideoInfo, width: number, height: number, fit: FitMode): string[] {
  // Sizes are computed from the display size (rotation and pixel aspect already applied), so
  // non-square pixels come out right without relying on ffmpeg's own aspect handling.
  const dw = info.displayWidth;
  const dh = info.displayHeight;
  if (fit === 'crop') {
    const s = Math.max(width / dw, height / dh);
    const sw = Math.max(width, Math.round(dw * s));
    const sh = Math.max(height, Math.round(dh * s));
    return [`scale=${sw}:${sh}`, `crop=${width}:${height}:${(sw - width) >> 1}:${(sh - height) >> 1}`, 'setsar=1'];
  }
  if (fit === 'pad') {
    const s = Math.min(width / dw, height / dh);
    const sw = Math.min(width, Math.max(1, Math.round(dw * s)));
    const sh = Math.min(height, Math.max(1, Math.round(dh * s)));
    return [`scale=${sw}:${sh}`, `pad=${width}:${height}:${(width - sw) >> 1}:${(height - sh) >> 1}:black`, 'setsar=1'];
  }
  return [`scale=${width}:${height}`, 'setsar=1'];
}

function frameRateExpr(info: VideoInfo, fps: number | undefined): { expr: string; value: number } {
  if (fps !== undefined) return { expr: String(fps), value: fps };
  // The exact rational keeps 30000/1001 exact in ffmpeg; `fps` is the same number as a float.
  const expr = info.frameRate !== undefined && /^\d+(\/\d+)?$/.test(info.frameRate) ? info.frameRate : String(info.fps);
  return { expr, value: info.fps };
}

/**
 * Validates the options against the probed video and builds the ffmpeg command. See
 * docs/video-pipeline.md for why the filter chain looks the way it does; in short, every frame i
 * is sampled at start + i/fps with "last frame shown at that instant" semantics, independent of
 * container timestamp precision and of ffmpeg's end-of-stream rounding.
 */
export function planDecode(info: VideoInfo, options: DecodeOptions = {}, tuning: PlanTuning = {}): DecodePlan {
  const maxFrames = tuning.maxFrames ?? Infinity;
  const file = info.path;
  const start = finite('start', options.start, file) ?? 0;
  const endOption = finite('end', options.end, file);
  const fpsOption = finite('fps', options.fps, file);
  const fit = options.fit ?? 'stretch';
  if (fit !== 'stretch' && fit !== 'crop' && fit !== 'pad') {
    throw badArgument(`fit must be "stretch", "crop" or "pad" (got ${JSON.stringify(fit)}).`);
  }
  if (fpsOption !== undefined && (fpsOption <= 0 || fpsOption > MAX_FPS)) {
    throw badArgument(`fps must be above 0 and at most ${MAX_FPS} (got ${fpsOption}).`);
  }
  if (start < 0) throw badArgument(`start must not be negative (got ${start}).`);
  if (endOption !== undefined && endOption <= start) {
    throw badArgument(`end (${endOption} s) must be after start (${start} s).`);
  }
  if (start >= info.durationSec) {
    throw badArgument(`start (${start} s) is at or after the end of "${file}" (${info.durationSec.toFixed(3)} s).`);
  }
  const end = Math.min(endOption ?? info.durationSec, info.durationSec);
  const { width, height } = outputSize(info, options.size);
  const rate = frameRateExpr(info, fpsOption);
  // Sample instants start + i/fps that fall before `end`; the epsilon keeps 2.0*3 from becoming 7.
  const frameCount = Math.min(maxFrames, Math.max(0, Math.ceil((end - start) * rate.value - 1e-9)));

  const fileStart = info.startTimeSec ?? 0;
  const filters = [
    // Repeat the last frame a little past the end: ffmpeg's fps filter rounds the end-of-stream
    // time in a way that can drop the final sample; -frames:v below cuts at exactly frameCount.
    `tpad=stop_mode=clone:stop_duration=${(1 / rate.value + 1).toFixed(6)}`,
    // Microsecond timebase, then shift by the tolerance, so "≤ t" is exact arithmetic in the fps filter.
    'settb=AVTB',
    `setpts=PTS-${PTS_TOLERANCE_US}`,
    // round=up: a frame stamped t maps to sample ceil((t - start)·fps), i.e. it is used from the
    // first sample instant at or after it; start_time makes sample 0 land on `start` itself.
    `fps=fps=${rate.expr}:start_time=${(fileStart + start).toFixed(6)}:round=up`,
    ...fitFilters(info, width, height, fit),
  ];

  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error'];
  // copyts keeps the container's own timestamps (no per-seek offset rounded to the stream
  // timebase); noaccurate_seek keeps the frames between the keyframe and `start` so the fps filter
  // can pick the one on screen at `start`.
  args.push('-copyts');
  const seekTo = tuning.seek === false || !canSeek(info) ? 0 : Math.max(0, start - SEEK_MARGIN_SEC);
  if (options.threads !== undefined) {
    if (!Number.isInteger(options.threads) || options.threads < 1 || options.threads > 64) {
      throw badArgument(`threads must be a whole number from 1 to 64 (got ${String(options.threads)}).`);
    }
    args.push('-threads', String(options.threads));
  }
  if (seekTo > 0) args.push('-ss', seekTo.toFixed(6), '-noaccurate_seek');
  args.push('-i', fileArg(file));
  args.push('-map', info.streamIndex !== undefined ? `0:${info.streamIndex}` : '0:v:0');
  args.push('-vf', filters.join(','), '-frames:v', String(frameCount));
  return { start, end, fps: rate.value, width, height, fit, frameCount, args, seeks: seekTo > 0 };
}

/** How many frames `decodeFrames(info.path, options)` will produce, for progress bars and ETAs. */
export function countFrames(info: VideoInfo, options: DecodeOptions = {}): number {
  return planDecode(info, options).frameCount;
}
