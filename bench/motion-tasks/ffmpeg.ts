/** The two ffmpeg pipes the generator needs: raw RGB frames in → H.264 mp4, and a video → raw RGB frames. */
import { spawn } from 'node:child_process';
import { getFfmpegPaths } from '../../src/video/ffmpeg-path.js';

export interface FrameWriter {
  write(frame: Uint8Array): Promise<void>;
  /** Closes the input and waits for ffmpeg to finish the file. */
  close(): Promise<void>;
}

function failure(what: string, code: number | null, stderr: string): Error {
  return new Error(`ffmpeg (${what}) exited with ${String(code)}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
}

/** Encodes width×height RGB24 frames at `fps` to `file` (libx264, yuv420p, crf 18). */
export function openEncoder(file: string, width: number, height: number, fps: number): FrameWriter {
  const { ffmpeg } = getFfmpegPaths();
  const p = spawn(
    ffmpeg,
    [
      ...['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps)],
      ...['-i', '-', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-crf', '18', file],
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<void>((resolve, reject) => {
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(failure(`encoding ${file}`, code, stderr))));
  });
  // An early exit would otherwise surface only as an EPIPE on the next write.
  done.catch(() => undefined);
  p.stdin.on('error', () => undefined);
  return {
    write: (frame) =>
      new Promise<void>((resolve, reject) => {
        if (p.exitCode !== null) return reject(failure(`encoding ${file}`, p.exitCode, stderr));
        // Copy: the caller reuses its frame buffer while ffmpeg may still hold this one.
        if (p.stdin.write(Buffer.from(frame))) return resolve();
        p.stdin.once('drain', resolve);
        // A drain that never comes because ffmpeg died must not hang the generator.
        done.then(() => reject(failure(`encoding ${file}`, p.exitCode, stderr)), reject);
      }),
    close: () => {
      p.stdin.end();
      return done;
    },
  };
}

/**
 * `count` frames of `file` as width×height RGB24, from `offsetSec` on, resampled to `fps`, scaled to
 * cover the frame and centre-cropped; the input loops when it is shorter than what is asked for.
 */
export function decodeFrames(
  file: string,
  opts: { width: number; height: number; fps: number; count: number; offsetSec: number; hflip: boolean },
): Promise<Uint8Array[]> {
  const { ffmpeg } = getFfmpegPaths();
  const { width, height } = opts;
  const filters = [
    `fps=${opts.fps}`,
    `scale=${width}:${height}:force_original_aspect_ratio=increase`,
    `crop=${width}:${height}`,
    'setsar=1',
    ...(opts.hflip ? ['hflip'] : []),
  ];
  const args = [
    ...['-v', 'error', '-stream_loop', '-1', '-ss', opts.offsetSec.toFixed(3), '-i', file, '-an'],
    ...['-vf', filters.join(','), '-frames:v', String(opts.count), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
  ];
  return new Promise((resolve, reject) => {
    const p = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => chunks.push(d));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      const all = Buffer.concat(chunks);
      const size = width * height * 3;
      const n = Math.floor(all.length / size);
      if (code !== 0 || n === 0) return reject(failure(`decoding ${file}`, code, stderr));
      resolve(Array.from({ length: n }, (_, i) => new Uint8Array(all.buffer, all.byteOffset + i * size, size)));
    });
  });
}

/** Duration of a video in seconds (container, else stream), via ffprobe. */
export function probeDuration(file: string): Promise<number> {
  const { ffprobe } = getFfmpegPaths();
  return new Promise((resolve, reject) => {
    const p = spawn(
      ffprobe,
      ['-v', 'error', '-show_entries', 'format=duration:stream=duration', '-of', 'default=nw=1:nk=1', file],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', () => {
      const d = out
        .split('\n')
        .map(Number)
        .find((x) => Number.isFinite(x) && x > 0);
      if (d === undefined) reject(new Error(`ffprobe found no duration for ${file}`));
      else resolve(d);
    });
  });
}
