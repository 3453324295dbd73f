/** Shared pieces of the reliability suite: special inputs made with ffmpeg, and an outcome table. */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isFramewiseError } from '../../src/errors.js';

const run = promisify(execFile);
const FFMPEG = process.env['FFMPEG_PATH'] ?? 'ffmpeg';

/** Runs ffmpeg quietly with `args` (output path last). */
export async function ffmpeg(args: string[]): Promise<void> {
  await run(FFMPEG, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], { maxBuffer: 1 << 20 });
}

/** A 1×1 pixel video (h264 4:4:4, since 4:2:0 needs even sizes). */
export async function makeOnePixel(dir: string, name = 'one-pixel.mp4'): Promise<string> {
  const file = join(dir, name);
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'color=c=red:s=2x2:r=10:d=1',
    '-vf',
    'scale=1:1',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv444p',
    file,
  ]);
  return file;
}

/** An 8K (7680×4320) MJPEG clip with `frames` frames: big frames, generated in about a second. */
export async function make8k(dir: string, name = 'eight-k.avi', frames = 1): Promise<string> {
  const file = join(dir, name);
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'color=c=blue:s=7680x4320:r=10',
    '-frames:v',
    String(frames),
    '-c:v',
    'mjpeg',
    '-q:v',
    '20',
    file,
  ]);
  return file;
}

/** An mp4 that ffmpeg wrote with zero frames: a valid container with no streams at all. */
export async function makeZeroFrames(dir: string, name = 'zero-frames.mp4'): Promise<string> {
  const file = join(dir, name);
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-frames:v', '0', '-c:v', 'libx264', file]);
  return file;
}

/** A single-frame mp4 (duration one frame, 0.1 s). */
export async function makeSingleFrame(dir: string, name = 'single-frame.mp4'): Promise<string> {
  const file = join(dir, name);
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-frames:v', '1', '-c:v', 'libx264', file]);
  return file;
}

/** A tiny video at an absurd frame rate (1000 fps by default). */
export async function makeHighFps(dir: string, name = 'thousand-fps.mp4', fps = 1000, seconds = 0.5): Promise<string> {
  const file = join(dir, name);
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=64x48:rate=${fps}:d=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    file,
  ]);
  return file;
}

export async function mkfifo(file: string): Promise<void> {
  await run('mkfifo', [file]);
}

/** Leftovers of an interrupted extraction (`<cache>.fwf.<pid>.partial`). */
export async function partialFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.partial') || n.endsWith('.tmp'));
}

export function outcomeOf(e: unknown): { code: string; message: string } {
  if (isFramewiseError(e)) return { code: e.code, message: e.message };
  return { code: 'NOT_A_FRAMEWISE_ERROR', message: e instanceof Error ? e.message : String(e) };
}

/** Collects rows and prints them as a Markdown table (pasted into docs/reliability.md). */
export class OutcomeTable {
  readonly rows: string[][] = [];
  constructor(private readonly columns: string[]) {}
  add(...cells: string[]): void {
    this.rows.push(cells.map((c) => c.replace(/\s+/g, ' ').replace(/\|/g, '\\|')));
  }
  markdown(): string {
    const head = `| ${this.columns.join(' | ')} |`;
    const sep = `| ${this.columns.map(() => '---').join(' | ')} |`;
    return [head, sep, ...this.rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  }
}

/** First `n` characters of a message, for the table. */
export function short(message: string, n = 110): string {
  const one = message.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}
