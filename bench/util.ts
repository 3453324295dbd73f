import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getFfmpegPaths } from '../src/video/ffmpeg-path.js';

export const BENCH_DIR = join(process.cwd(), '.tmp', 'bench');

/** A generated test video (moving test pattern + noise so the encoder and decoder do real work), cached across runs. */
export function benchVideo(name: string, seconds: number, width: number, height: number, fps = 25): string {
  mkdirSync(BENCH_DIR, { recursive: true });
  const file = join(BENCH_DIR, `${name}-${seconds}s-${width}x${height}-${fps}.mp4`);
  if (existsSync(file)) return file;
  const { ffmpeg } = getFfmpegPaths();
  const r = spawnSync(
    ffmpeg,
    [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${width}x${height}:rate=${fps}:duration=${seconds}`,
      '-vf',
      'noise=alls=12:allf=t',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-g',
      String(fps * 2),
      file,
    ],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error(`could not generate ${file}`);
  return file;
}

/** Runs ffmpeg decoding to raw RGB at the given fps/size, the bytes discarded in this process: the decode floor. */
export function ffmpegDecodeSeconds(
  file: string,
  fps: number,
  size: number,
  /** Input options, e.g. ['-threads', '2']. */
  inputArgs: string[] = [],
): Promise<{ seconds: number; frames: number; cpuSeconds: number | null }> {
  const { ffmpeg } = getFfmpegPaths();
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let cpuSeconds: number | null = null;
    const p = spawn(
      ffmpeg,
      [
        '-v',
        'error',
        ...inputArgs,
        '-i',
        file,
        '-an',
        '-vf',
        `fps=${fps},scale=${size}:${size}`,
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        'pipe:1',
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let bytes = 0;
    p.stdout.on('data', (d: Buffer) => (bytes += d.length));
    // CPU time of ffmpeg (all its threads), sampled from /proc while it runs (Linux only).
    const poll = setInterval(() => {
      const t = p.pid !== undefined ? procCpuSeconds(p.pid) : null;
      if (t !== null) cpuSeconds = t;
    }, 20);
    p.on('error', reject);
    p.on('close', (code) => {
      clearInterval(poll);
      if (code !== 0) reject(new Error(`ffmpeg exited ${code}`));
      else resolve({ seconds: (performance.now() - t0) / 1000, frames: bytes / (size * size * 3), cpuSeconds });
    });
  });
}

/** utime + stime of a live process from /proc/<pid>/stat, in seconds; null off Linux or once it is gone. */
export function procCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / 100 : null; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/**
 * The vector extensions the int8 kernels depend on (onnxruntime picks its kernels by them), for
 * naming the CPU next to every int8 figure: 'avx512-vnni', 'avx-vnni', 'avx2', 'neon' or 'other'.
 */
export function cpuIsa(): string {
  if (process.arch === 'arm64') return 'neon';
  try {
    const flags = new Set(
      (readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '').trim().split(/\s+/),
    );
    if (flags.has('avx512_vnni')) return 'avx512-vnni';
    if (flags.has('avx_vnni')) return 'avx-vnni';
    if (flags.has('avx512f')) return 'avx512';
    if (flags.has('avx2')) return 'avx2';
  } catch {
    // Not Linux: the model name printed beside it still identifies the CPU.
  }
  return 'other';
}

export function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : String(n);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
