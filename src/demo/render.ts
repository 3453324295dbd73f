/**
 * Renders a planned demo video with ffmpeg's lavfi sources: each segment is a background computed
 * with `geq` at 16×9 and scaled up (a sky gradient changing colour, or a blinking colour), with a sun
 * and a line of hills drawn once as sprites and overlaid, so a ten-second clip takes a fraction of a
 * second to make. Output is H.264 in MP4 where the ffmpeg in
 * use has an H.264 encoder (plays in Electron and every browser), else VP9/VP8 in WebM, else MPEG-4.
 */
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FramewiseError } from '../errors.js';
import { getFfmpegPaths } from '../video/ffmpeg-path.js';
import { fileArg, lastStderrLines, runProcess } from '../video/process.js';
import type { DemoSegmentPlan, DemoVideoPlan, FlashLook, SkyLook } from './plan.js';

/** Size and rate of the generated videos. */
export const DEMO_VIDEO = { width: 320, height: 180, fps: 10 } as const;
/** Backgrounds are computed at this size and scaled up: smooth gradients for next to no work. */
const BACKDROP = { width: 16, height: 9 };
/** The hills strip at the bottom of a sky, as a fraction of the height. */
const HILLS_STRIP = 0.3;

interface Encoder {
  name: string;
  ext: 'mp4' | 'webm';
  args: string[];
}

const ENCODERS: Encoder[] = [
  {
    name: 'libx264',
    ext: 'mp4',
    args: ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-g', '20'],
  },
  { name: 'libopenh264', ext: 'mp4', args: ['-c:v', 'libopenh264', '-b:v', '1M', '-pix_fmt', 'yuv420p', '-g', '20'] },
  {
    name: 'libvpx-vp9',
    ext: 'webm',
    args: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '0', '-crf', '32'],
  },
  { name: 'libvpx', ext: 'webm', args: ['-c:v', 'libvpx', '-b:v', '1M', '-g', '20'] },
  { name: 'mpeg4', ext: 'mp4', args: ['-c:v', 'mpeg4', '-q:v', '3', '-g', '20'] },
];

const encoderCache = new Map<string, Promise<Encoder>>();

/** The best encoder this ffmpeg has (asked once per ffmpeg binary). */
export function pickEncoder(ffmpeg: string, signal?: AbortSignal): Promise<Encoder> {
  let found = encoderCache.get(ffmpeg);
  if (!found) {
    found = runProcess(ffmpeg, ['-hide_banner', '-encoders'], {
      signal,
      purpose: 'listing the encoders of ffmpeg',
      maxStdoutBytes: 4 << 20,
    }).then((res) => {
      const names = new Set(
        res.stdout
          .toString('utf8')
          .split('\n')
          .map((l) => l.trim().split(/\s+/)[1])
          .filter((n): n is string => n !== undefined),
      );
      // mpeg4 is built into every ffmpeg; use it even when the listing could not be read.
      return ENCODERS.find((e) => names.has(e.name)) ?? ENCODERS[ENCODERS.length - 1]!;
    });
    found.catch(() => encoderCache.delete(ffmpeg));
    encoderCache.set(ffmpeg, found);
  }
  return found;
}

const num = (x: number): string => String(Math.round(x * 10000) / 10000);

/** Piecewise-linear interpolation of `values` (evenly spaced on [0, 1]) at the expression `p`. */
function lerpExpr(values: number[], p: string): string {
  const n = values.length - 1;
  if (n === 0) return num(values[0]!);
  let expr = '';
  for (let i = 0; i < n; i++) {
    const a = values[i]!;
    const b = values[i + 1]!;
    const piece = `${num(a)}+(${num(b - a)})*(${p}-${num(i / n)})*${n}`;
    expr = i === n - 1 ? expr + piece + ')'.repeat(n - 1) : `${expr}if(lt(${p},${num((i + 1) / n)}),${piece},`;
  }
  return expr;
}

const clip255 = (e: string): string => `clip(${e},0,255)`;

/** A looped still RGBA sprite drawn once with geq, for overlaying. */
function sprite(w: number, h: number, rgba: [string, string, string, string], label: string): string {
  const [r, g, b, a] = rgba;
  return (
    `color=c=black:s=${w}x${h}:r=${DEMO_VIDEO.fps}:d=${num(1 / DEMO_VIDEO.fps)},format=rgba,` +
    `geq=r='${r}':g='${g}':b='${b}':a='${a}',loop=loop=-1:size=1[${label}]`
  );
}

/** A full-frame background whose colour channels are geq expressions of T, X, Y, W, H. */
function backdrop(duration: number, rgb: [string, string, string], label: string): string {
  const [r, g, b] = rgb.map(clip255);
  return (
    `color=c=black:s=${BACKDROP.width}x${BACKDROP.height}:r=${DEMO_VIDEO.fps}:d=${num(duration)},format=gbrp,` +
    `geq=r='${r}':g='${g}':b='${b}',scale=${DEMO_VIDEO.width}:${DEMO_VIDEO.height}:flags=bicubic[${label}]`
  );
}

/** A sky that changes colour through the keyframes, a sun rising or sinking, hills in front. */
function skyGraph(look: SkyLook, duration: number, label: string): string {
  const { width: W, height: H } = DEMO_VIDEO;
  const p = `clip(T/${num(duration)},0,1)`;
  const sky = (k: 0 | 1 | 2): string =>
    `(${lerpExpr(
      look.keyframes.map((c) => c[k]),
      p,
    )})*(0.6+0.4*Y/H)`;
  const bg = backdrop(duration, [sky(0), sky(1), sky(2)], `${label}bg`);

  const { sun, hills } = look;
  const radius = sun.radius * H;
  const half = Math.ceil(radius * 3.5);
  const d = `hypot(X-${half},Y-${half})`;
  const alpha = `if(lt(${d},${num(radius)}),255,110*max(0,1-(${d}-${num(radius)})/${num(half - radius)}))`;
  const [sr, sg, sb] = sun.color.map(String) as [string, string, string];
  const sunSprite = sprite(2 * half, 2 * half, [sr, sg, sb, alpha], `${label}sun`);
  const y0 = hills.top + 0.14;
  const y1 = 0.22;
  const q = `min(t/${num(duration)},1)`;
  const sunY = sun.rising ? `${num(y0)}-${num(y0 - y1)}*${q}` : `${num(y1)}+${num(y0 - y1)}*${q}`;

  const stripH = Math.round(HILLS_STRIP * H);
  const line = `${num((hills.top - (1 - HILLS_STRIP)) * H)}+${num(0.04 * H)}*sin(6.2832*(${num(hills.cycles)}*X/W+${num(hills.phase)}))`;
  const hillSprite = sprite(W, stripH, ['16', '20', '26', `255*gt(Y,${line})`], `${label}hill`);

  return (
    `${bg};${sunSprite};${hillSprite};` +
    `[${label}bg][${label}sun]overlay=x='W*${num(sun.x)}-w/2':y='H*(${sunY})-h/2':eval=frame:shortest=1[${label}a];` +
    `[${label}a][${label}hill]overlay=x=0:y=H-h:shortest=1,format=yuv420p[${label}]`
  );
}

/** A colour blinking on and off (on for the first half of each period), darker towards the edges. */
function flashGraph(look: FlashLook, duration: number, label: string): string {
  const on = `lt(mod(T,${num(look.period)}),${num(look.period / 2)})`;
  const vignette = '(1-0.6*hypot(X/W-0.5,Y/H-0.5))';
  const channel = (k: 0 | 1 | 2): string => `if(${on},${look.on[k]},${look.off[k]})*${vignette}`;
  return `${backdrop(duration, [channel(0), channel(1), channel(2)], `${label}bg`)};[${label}bg]format=yuv420p[${label}]`;
}

function segmentGraph(seg: DemoSegmentPlan, label: string): string {
  const duration = seg.end - seg.start;
  return seg.look.kind === 'sky' ? skyGraph(seg.look, duration, label) : flashGraph(seg.look, duration, label);
}

/** The lavfi graph of one video: its segments drawn one after the other, output pad [out0]. */
export function videoGraph(plan: DemoVideoPlan): string {
  const parts = plan.segments.map((s, i) => segmentGraph(s, `s${i}`));
  const inputs = plan.segments.map((_, i) => `[s${i}]`).join('');
  return `${parts.join(';')};${inputs}concat=n=${plan.segments.length}:v=1:a=0,format=yuv420p[out0]`;
}

/** Renders `plan` into `dir`; returns the file's path. Written under a temporary name, then renamed. */
export async function renderDemoVideo(plan: DemoVideoPlan, dir: string, signal?: AbortSignal): Promise<string> {
  const { ffmpeg } = getFfmpegPaths();
  const encoder = await pickEncoder(ffmpeg, signal);
  const file = join(dir, `${plan.stem}.${encoder.ext}`);
  const partial = join(dir, `.${plan.stem}.partial.${encoder.ext}`);
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    videoGraph(plan),
    '-an',
    ...encoder.args,
    // Same inputs → same bytes: no encoder/version strings or timestamps in the file.
    '-fflags',
    '+bitexact',
    '-flags:v',
    '+bitexact',
    '-map_metadata',
    '-1',
    ...(encoder.ext === 'mp4' ? ['-movflags', '+faststart'] : []),
    '-f',
    encoder.ext,
    fileArg(partial),
  ];
  try {
    const res = await runProcess(ffmpeg, args, { signal, purpose: `generating the demo video ${plan.stem}` });
    if (res.code !== 0) {
      throw new FramewiseError(
        'INTERNAL',
        `ffmpeg could not generate the demo video ${plan.stem} with ${encoder.name}: ${
          lastStderrLines(res.stderrTail, partial) || `exit code ${String(res.code)}`
        }`,
      );
    }
    await rename(partial, file);
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  }
  return file;
}
