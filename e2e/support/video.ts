import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** A 3-second 160×120 H.264 test pattern: small, decodable by ffmpeg and by Chromium. */
export function makeTestVideo(dir: string, name = 'testsrc.mp4'): string {
  const out = join(dir, name);
  execFileSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-y'],
      ...['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '3'],
      ...['-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast'],
      // moov atom first, so the browser can start playing before it has the whole file.
      ...['-movflags', '+faststart'],
      out,
    ],
    { stdio: 'inherit' },
  );
  return out;
}

/** A 160×120 clip: `redSec` seconds of red, then `blueSec` of blue (for labelling and training). */
export function makeColorVideo(dir: string, name: string, redSec: number, blueSec: number): string {
  const out = join(dir, name);
  execFileSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-y'],
      ...['-f', 'lavfi', '-i', `color=c=red:size=160x120:rate=10:d=${redSec}`],
      ...['-f', 'lavfi', '-i', `color=c=blue:size=160x120:rate=10:d=${blueSec}`],
      ...['-filter_complex', '[0][1]concat=n=2:v=1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast'],
      ...['-movflags', '+faststart'],
      out,
    ],
    { stdio: 'inherit' },
  );
  return out;
}

/**
 * The frame of `file` at `t` seconds as ffmpeg decodes it (accurate seek: the first frame at or
 * after t), scaled to a small RGB image for comparing two files' pictures.
 */
export function rgbFrame(file: string, t: number, width = 32, height = 24): Buffer {
  return execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
    ...['-ss', t.toFixed(4), '-i', file],
    ...['-frames:v', '1', '-vf', `scale=${width}:${height}`, '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-'],
  ]);
}

/** Mean absolute difference of two same-sized 8-bit images (0 = identical, 255 = opposite). */
export function meanAbsDiff(a: Buffer, b: Buffer): number {
  if (a.length !== b.length || a.length === 0) throw new Error(`images differ in size (${a.length}, ${b.length})`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
