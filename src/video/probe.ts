import path from 'node:path';
import { FramewiseError } from '../errors.js';
import { checkVideoFile, looksLikeText } from './file-check.js';
import { getFfmpegPaths } from './ffmpeg-path.js';
import { probeCacheKey, recallProbe, storeProbe } from './probe-cache.js';
import { fileArg, lastStderrLines, runProcess } from './process.js';
import type { VideoInfo } from './types.js';

export interface ProbeOptions {
  signal?: AbortSignal;
  /** Run ffprobe even if this file (same path, size, mtime and inode) was probed before. */
  fresh?: boolean;
}

export { clearProbeCache } from './probe-cache.js';

/** Only the parts of ffprobe's JSON we read; everything is optional because ffprobe omits freely. */
interface FfprobeStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  sample_aspect_ratio?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  nb_frames?: string;
  start_time?: string;
  disposition?: Record<string, number>;
  tags?: Record<string, string>;
  side_data_list?: Array<Record<string, unknown>>;
}

interface FfprobeFormat {
  format_name?: string;
  duration?: string;
  start_time?: string;
}

export interface FfprobeOutput {
  streams: FfprobeStream[];
  format: FfprobeFormat;
}

/** Demuxers that read single images (png_pipe, jpeg_pipe, webp_pipe, …, image2). */
const IMAGE_FORMAT = /^(image2|[a-z0-9]+_pipe)$/;
/** Codecs that are only ever a still picture when a file holds exactly one frame of them. */
const STILL_CODECS = new Set(['png', 'mjpeg', 'jpeg2000', 'bmp', 'webp', 'tiff', 'gif', 'apng', 'jpegxl', 'qoi']);
/** ANSI art "video" from the tty demuxer: text, not footage. */
const TEXT_CODECS = new Set(['ansi', 'bintext', 'xbin', 'idf']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates the top-level shape; individual fields are parsed defensively where used. */
export function parseFfprobeJson(text: string): FfprobeOutput | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const streams = Array.isArray(parsed.streams) ? parsed.streams.filter(isRecord) : [];
  const format = isRecord(parsed.format) ? parsed.format : {};
  return { streams: streams as FfprobeStream[], format: format as FfprobeFormat };
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** "30000/1001" → 29.97…; "0/0", "N/A" → undefined. */
export function parseRational(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(-?\d+(?:\.\d+)?)[/:](\d+(?:\.\d+)?)$/.exec(v.trim());
  const value = m ? Number(m[1]) / Number(m[2]) : num(v);
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Matroska's "00:01:02.500000000" DURATION tag. */
function parseClock(v: string | undefined): number | undefined {
  const m = v === undefined ? null : /^(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(v.trim());
  if (!m) return undefined;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/** Any angle → 0/90/180/270 (nearest quarter turn). */
export function normalizeRotation(degrees: number): number {
  const quarter = Math.round(degrees / 90);
  return (((quarter % 4) + 4) % 4) * 90;
}

/**
 * Clockwise display rotation. ffprobe's display-matrix `rotation` follows
 * av_display_rotation_get(): degrees counter-clockwise, so a phone's portrait clip reads -90 and
 * means "turn 90° clockwise". The legacy `rotate` tag is already clockwise. Checked against a file
 * whose autorotated pixels are compared with the coded ones in test/video/probe.test.ts.
 */
export function rotationOf(stream: FfprobeStream): number {
  for (const sd of stream.side_data_list ?? []) {
    const rotation = num(sd.rotation);
    if (sd.side_data_type === 'Display Matrix' && rotation !== undefined) return normalizeRotation(-rotation);
  }
  const tag = num(stream.tags?.rotate);
  return tag === undefined ? 0 : normalizeRotation(tag);
}

/** One alias of a multi-name demuxer ("mov,mp4,…"): the one matching the extension, else the first. */
function containerName(formatName: string, file: string): string {
  const aliases = formatName.split(',');
  const ext = path.extname(file).slice(1).toLowerCase();
  if (ext !== '' && aliases.includes(ext)) return ext;
  if (aliases.includes('matroska')) return 'mkv';
  return aliases[0] ?? formatName;
}

function isCoverArt(s: FfprobeStream): boolean {
  return s.disposition?.attached_pic === 1 || s.disposition?.timed_thumbnails === 1;
}

export interface PacketScan {
  /** Earliest packet time and end of the last packet, in the container's clock (seconds). */
  firstSec: number;
  endSec: number;
  packets: number;
}

/**
 * Turns ffprobe's JSON into VideoInfo or throws NOT_A_VIDEO / CORRUPT_VIDEO. Pure, so the odd
 * cases (zero duration, missing rates) can be tested with hand-written JSON. `scan` is the result
 * of reading all packet timestamps, for containers that store no duration (e.g. browser webm).
 */
export function videoInfoFromProbe(out: FfprobeOutput, file: string, sizeBytes: number, scan?: PacketScan): VideoInfo {
  const formatName = out.format.format_name ?? 'unknown';
  const aliases = formatName.split(',');
  const video = out.streams.find((s) => s.codec_type === 'video' && !isCoverArt(s));
  const hasAudio = out.streams.some((s) => s.codec_type === 'audio');

  if (!video) {
    const what = hasAudio ? 'an audio file without a video track' : 'a file without a video track';
    throw new FramewiseError('NOT_A_VIDEO', `"${file}" is ${what}.`, { details: { formatName } });
  }
  const codec = video.codec_name ?? 'unknown';
  if (TEXT_CODECS.has(codec)) throw new FramewiseError('NOT_A_VIDEO', `"${file}" is a text file, not a video.`);

  const nbFrames = num(video.nb_frames);
  const stillImage =
    aliases.some((a) => IMAGE_FORMAT.test(a)) || (STILL_CODECS.has(codec) && nbFrames !== undefined && nbFrames <= 1);
  if (stillImage) {
    throw new FramewiseError(
      'NOT_A_VIDEO',
      `"${file}" is a still image (${codec}), not a video. Pick a video file (mp4, mkv, webm, avi, mov, …).`,
      { details: { formatName, codec } },
    );
  }

  const width = num(video.width) ?? 0;
  const height = num(video.height) ?? 0;
  if (width <= 0 || height <= 0) {
    throw new FramewiseError('CORRUPT_VIDEO', `"${file}" has a video track without a valid frame size.`);
  }

  const avgRate = parseRational(video.avg_frame_rate);
  const realRate = parseRational(video.r_frame_rate);
  const fileStart = num(out.format.start_time) ?? 0;
  // Times are measured from the file's start (what players show as 0), so a video track that
  // starts later than the audio ends correspondingly later.
  const streamDuration = num(video.duration) ?? parseClock(video.tags?.DURATION);
  const streamOffset = Math.max(0, (num(video.start_time) ?? fileStart) - fileStart);
  let duration =
    (streamDuration !== undefined ? streamOffset + streamDuration : undefined) ??
    num(out.format.duration) ??
    (scan ? scan.endSec - Math.min(fileStart, scan.firstSec) : undefined);
  if (duration !== undefined && duration <= 0) duration = undefined;

  let fps = avgRate ?? realRate;
  let frameRate =
    avgRate !== undefined ? video.avg_frame_rate : realRate !== undefined ? video.r_frame_rate : undefined;
  const knownFrames = nbFrames !== undefined && nbFrames > 0 ? nbFrames : scan?.packets;
  if (fps === undefined && duration !== undefined && knownFrames !== undefined && knownFrames > 0) {
    fps = knownFrames / duration;
    frameRate = String(fps);
  }

  if (duration === undefined) {
    throw new FramewiseError(
      'CORRUPT_VIDEO',
      `"${file}" has a video track but no playable frames (its duration is 0 or unknown).`,
      { details: { formatName, codec } },
    );
  }
  if (fps === undefined) {
    throw new FramewiseError('CORRUPT_VIDEO', `"${file}" does not say how many frames per second it has.`, {
      details: { formatName, codec },
    });
  }

  const variableFrameRate =
    avgRate !== undefined &&
    realRate !== undefined &&
    Math.abs(avgRate - realRate) / Math.max(avgRate, realRate) > 0.01;
  const frameCount = nbFrames !== undefined && nbFrames > 0 ? nbFrames : Math.max(1, Math.round(duration * fps));
  const rotation = rotationOf(video);
  const sar = parseRational(video.sample_aspect_ratio) ?? 1;
  const shownWidth = Math.max(1, Math.round(width * sar));
  const quarterTurn = rotation === 90 || rotation === 270;

  const info: VideoInfo = {
    path: path.resolve(file),
    sizeBytes,
    container: containerName(formatName, file),
    durationSec: duration,
    fps,
    frameCount,
    width,
    height,
    displayWidth: quarterTurn ? height : shownWidth,
    displayHeight: quarterTurn ? shownWidth : height,
    codec,
    pixelFormat: video.pix_fmt ?? 'unknown',
    rotation,
    hasAudio,
    variableFrameRate,
    formatName,
    sampleAspectRatio: sar,
    startTimeSec: fileStart,
  };
  if (frameRate !== undefined) info.frameRate = frameRate;
  if (video.index !== undefined) info.streamIndex = video.index;
  return info;
}

/** Container has no duration (e.g. a webm written by a browser's MediaRecorder): read packet times. */
async function scanPackets(
  ffprobe: string,
  file: string,
  streamIndex: number,
  signal: AbortSignal | undefined,
): Promise<PacketScan | undefined> {
  const args = ['-v', 'error', '-select_streams', String(streamIndex)];
  args.push('-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', fileArg(file));
  const res = await runProcess(ffprobe, args, { signal, purpose: `measuring the length of "${file}"` });
  if (res.code !== 0) return undefined;
  let first: number | undefined;
  let end = 0;
  let packets = 0;
  for (const line of res.stdout.toString('utf8').split('\n')) {
    const [ptsText, durText] = line.split(',');
    const pts = num(ptsText);
    if (pts === undefined) continue;
    packets++;
    first = first === undefined ? pts : Math.min(first, pts);
    end = Math.max(end, pts + (num(durText) ?? 0));
  }
  if (packets === 0 || first === undefined) return undefined;
  return { firstSec: first, endSec: end, packets };
}

/** Reads a video's metadata with ffprobe; throws FramewiseError with a message naming the file. */
export async function probe(file: string, options: ProbeOptions = {}): Promise<VideoInfo> {
  const sizeBytes = await checkVideoFile(file);
  const key = await probeCacheKey(file);
  const cached = key !== undefined && !options.fresh ? await recallProbe(key) : undefined;
  if (cached) return { ...cached, path: file };
  const info = await probeUncached(file, sizeBytes, options);
  if (key !== undefined) await storeProbe(key, info);
  return info;
}

async function probeUncached(file: string, sizeBytes: number, options: ProbeOptions): Promise<VideoInfo> {
  const { signal } = options;
  const { ffprobe } = getFfmpegPaths();
  const purpose = `reading "${file}"`;
  const input = fileArg(file);
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', input];
  const res = await runProcess(ffprobe, args, { signal, purpose });

  if (res.code !== 0) {
    if (await looksLikeText(file)) {
      throw new FramewiseError('NOT_A_VIDEO', `"${file}" is a text file, not a video.`);
    }
    const reason = lastStderrLines(res.stderrTail, input) || `ffprobe exited with code ${String(res.code)}`;
    throw new FramewiseError(
      'CORRUPT_VIDEO',
      `"${file}" could not be read as a video (damaged or unsupported): ${reason}`,
      {
        details: { stderr: res.stderrTail },
      },
    );
  }
  const out = parseFfprobeJson(res.stdout.toString('utf8'));
  if (!out) throw new FramewiseError('INTERNAL', `ffprobe returned output that is not JSON for "${file}".`);

  const video = out.streams.find((s) => s.codec_type === 'video' && !isCoverArt(s));
  const needsScan =
    video !== undefined &&
    num(video.duration) === undefined &&
    parseClock(video.tags?.DURATION) === undefined &&
    num(out.format.duration) === undefined &&
    !out.format.format_name?.split(',').some((a) => IMAGE_FORMAT.test(a));
  const scan =
    needsScan && video.index !== undefined ? await scanPackets(ffprobe, file, video.index, signal) : undefined;
  return videoInfoFromProbe(out, file, sizeBytes, scan);
}
