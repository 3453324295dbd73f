/**
 * Playback proxies. Browsers (and Electron's Chromium) play H.264/VP8/VP9/AV1 in MP4/WebM/Ogg, but
 * many real files are MPEG-4 Part 2 in AVI, HEVC, ProRes, MJPEG… Features never need a proxy
 * (ffmpeg decodes everything); only the player does, so the UI offers one when playback fails or
 * the probe already says it will.
 */
import { mkdir, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FramewiseError } from '../errors.js';
import { getFfmpegPaths } from './ffmpeg-path.js';
import { abortedError, fileArg, lastStderrLines, startProcess } from './process.js';
import type { VideoInfo } from './types.js';

const PLAYABLE_CODECS = new Set(['h264', 'vp8', 'vp9', 'av1', 'theora']);
/** ffprobe format names (any alias) Chromium can open. Matroska is accepted: Chromium plays it as WebM. */
const PLAYABLE_FORMATS = ['mov', 'mp4', 'webm', 'matroska', 'ogg'];
/** 4:2:0 8-bit is what every browser decoder handles; 10-bit and 4:4:4 H.264 often fail. */
const PLAYABLE_PIXEL_FORMATS = new Set(['yuv420p', 'yuvj420p', 'nv12']);

export interface Playability {
  playable: boolean;
  /** Why not, for the UI ("MPEG-4 Part 2 video in an AVI file"). */
  reason?: string;
}

/** Whether a browser's <video> can be expected to play this file directly. */
export function browserPlayability(
  info: Pick<VideoInfo, 'codec' | 'container'> & Partial<Pick<VideoInfo, 'formatName' | 'pixelFormat'>>,
): Playability {
  const formats = (info.formatName ?? info.container).split(',');
  const codec = info.codec.toLowerCase();
  if (!formats.some((f) => PLAYABLE_FORMATS.includes(f.trim())))
    return { playable: false, reason: `${info.container.toUpperCase()} files are not playable in the app` };
  if (!PLAYABLE_CODECS.has(codec)) return { playable: false, reason: `${codec} video is not playable in the app` };
  if (info.pixelFormat && !PLAYABLE_PIXEL_FORMATS.has(info.pixelFormat))
    return { playable: false, reason: `${codec} with pixel format ${info.pixelFormat} is not playable in the app` };
  return { playable: true };
}

/** Where a video's proxy lives in the project: keyed by content, like the feature cache. */
export function proxyFileName(contentHash: string): string {
  return `${contentHash.slice(0, 32)}.mp4`;
}

export interface ProxyOptions {
  /** Duration of the source for progress (seconds). */
  durationSec: number;
  /** Longest side of the proxy; the source is never upscaled. Default 1280. */
  maxSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: { doneSec: number; totalSec: number; speed: number | null }) => void;
}

/**
 * Transcodes `input` to an H.264/AAC MP4 at `output` (written to a temp name, renamed when
 * complete, so a cancelled or crashed transcode never leaves a half file that looks done).
 * Frame timing is kept (`-fps_mode passthrough`), so labels made on the proxy match the original.
 */
export async function makeProxy(input: string, output: string, opts: ProxyOptions): Promise<void> {
  const { ffmpeg } = getFfmpegPaths();
  const max = opts.maxSize ?? 1280;
  const tmp = join(dirname(output), `.${Date.now().toString(36)}-${process.pid}.partial.mp4`);
  await mkdir(dirname(output), { recursive: true });
  // Even dimensions (yuv420p needs them), at most `max` on the longer side, never enlarged.
  const scale = `scale='if(gte(iw,ih),min(${max},iw),-2)':'if(gte(iw,ih),-2,min(${max},ih))',scale=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p`;
  const args = [
    '-hide_banner',
    '-nostdin',
    '-y',
    '-i',
    fileArg(input),
    '-map',
    '0:v:0',
    '-map',
    '0:a:0?',
    '-vf',
    scale,
    '-fps_mode',
    'passthrough',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '23',
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-movflags',
    '+faststart',
    '-progress',
    'pipe:1',
    '-nostats',
    '-f',
    'mp4',
    fileArg(tmp),
  ];
  const purpose = `making a playable copy of "${input}"`;
  const proc = startProcess(ffmpeg, args, { purpose, signal: opts.signal });
  let buffered = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const blocks = buffered.split('progress=');
    buffered = blocks.pop() ?? '';
    for (const block of blocks) {
      const us = /out_time_us=(\d+)/.exec(block)?.[1] ?? /out_time_ms=(\d+)/.exec(block)?.[1];
      const speed = /speed=\s*([\d.]+)x/.exec(block)?.[1];
      if (us !== undefined)
        opts.onProgress?.({
          doneSec: Math.min(opts.durationSec, Number(us) / 1e6),
          totalSec: opts.durationSec,
          speed: speed ? Number(speed) : null,
        });
    }
  });
  proc.stdout.on('error', () => undefined);
  const exit = await proc.exited;
  if (exit.aborted || exit.code !== 0) {
    await unlink(tmp).catch(() => undefined);
    if (exit.aborted) throw abortedError(purpose, opts.signal?.reason);
    throw new FramewiseError(
      'DECODE_FAILED',
      `Could not make a playable copy of ${input}: ${lastStderrLines(exit.stderrTail, input) || `ffmpeg exited with ${exit.code ?? exit.signal}`}.`,
    );
  }
  await rename(tmp, output);
}
