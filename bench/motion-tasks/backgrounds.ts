/**
 * Backgrounds, from trivially static to moving by themselves (panning, scrolling, distractors, real
 * footage), so that "something moves" is never enough to tell a class: only how the foreground
 * object moves is.
 */
import { decodeFrames, probeDuration } from './ffmpeg.js';
import { drawShape, SHAPES, type Pose, type ShapeKind } from './shapes.js';
import { chance, pick, randomColor, uniform, type Rgb, type Rng } from './random.js';

export const BACKGROUND_KINDS = [
  'solid',
  'linear-gradient',
  'radial-gradient',
  'noise',
  'panning-noise',
  'stripes',
  'checker',
  'distractors',
  'footage',
] as const;
export type BackgroundKind = (typeof BACKGROUND_KINDS)[number];

export function isBackgroundKind(s: string): s is BackgroundKind {
  return (BACKGROUND_KINDS as readonly string[]).includes(s);
}

export interface BackgroundScene {
  width: number;
  height: number;
  fps: number;
  frames: number;
}

export interface Background {
  kind: BackgroundKind;
  params: Record<string, number | string>;
  /** Writes frame `index` (RGB24, width×height) into `out`. */
  render(index: number, out: Uint8Array): void;
}

/** Real videos to take background frames from, with their durations. */
export interface FootageLibrary {
  files: { file: string; durationSec: number }[];
}

export async function loadFootage(files: string[]): Promise<FootageLibrary> {
  return { files: await Promise.all(files.map(async (file) => ({ file, durationSec: await probeDuration(file) }))) };
}

function mix(a: Rgb, b: Rgb, t: number, out: Uint8Array, o: number): void {
  out[o] = a[0] + (b[0] - a[0]) * t;
  out[o + 1] = a[1] + (b[1] - a[1]) * t;
  out[o + 2] = a[2] + (b[2] - a[2]) * t;
}

function fill(scene: BackgroundScene, value: (x: number, y: number) => number, a: Rgb, b: Rgb): Uint8Array {
  const { width, height } = scene;
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) mix(a, b, value(x, y), out, (y * width + x) * 3);
  return out;
}

const still = (kind: BackgroundKind, frame: Uint8Array, params: Background['params']): Background => ({
  kind,
  params,
  render: (_i, out) => out.set(frame),
});

/** Value noise in [0, 1]: random values on a grid of `cell`-pixel cells, smoothly interpolated, summed over octaves. */
export function valueNoise(rng: Rng, width: number, height: number, cell: number, octaves: number): Float32Array {
  const out = new Float32Array(width * height);
  let amp = 1;
  let total = 0;
  for (let o = 0; o < octaves; o++, cell /= 2, amp /= 2) {
    const c = Math.max(2, cell);
    const gw = Math.ceil(width / c) + 2;
    const gh = Math.ceil(height / c) + 2;
    const grid = Float32Array.from({ length: gw * gh }, () => rng.next());
    for (let y = 0; y < height; y++) {
      const gy = y / c;
      const iy = Math.floor(gy);
      const fy = gy - iy;
      const sy = fy * fy * (3 - 2 * fy);
      for (let x = 0; x < width; x++) {
        const gx = x / c;
        const ix = Math.floor(gx);
        const fx = gx - ix;
        const sx = fx * fx * (3 - 2 * fx);
        const g = (i: number, j: number): number => grid[j * gw + i]!;
        const top = g(ix, iy) + (g(ix + 1, iy) - g(ix, iy)) * sx;
        const bottom = g(ix, iy + 1) + (g(ix + 1, iy + 1) - g(ix, iy + 1)) * sx;
        out[y * width + x]! += amp * (top + (bottom - top) * sy);
      }
    }
    total += amp;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= total;
  return out;
}

function twoColors(rng: Rng): [Rgb, Rgb] {
  return [randomColor(rng), randomColor(rng)];
}

function solid(rng: Rng, scene: BackgroundScene): Background {
  const c = randomColor(rng);
  return still(
    'solid',
    fill(scene, () => 0, c, c),
    { color: c.join(' ') },
  );
}

function linearGradient(rng: Rng, scene: BackgroundScene): Background {
  const [a, b] = twoColors(rng);
  const angle = rng.next() * 2 * Math.PI;
  const dx = Math.cos(angle);
  const dy = Math.sin(angle);
  const half = (Math.abs(dx) * scene.width + Math.abs(dy) * scene.height) / 2;
  const value = (x: number, y: number): number =>
    ((x - scene.width / 2) * dx + (y - scene.height / 2) * dy + half) / (2 * half);
  return still('linear-gradient', fill(scene, value, a, b), { angleDeg: (angle * 180) / Math.PI });
}

function radialGradient(rng: Rng, scene: BackgroundScene): Background {
  const [a, b] = twoColors(rng);
  const cx = rng.next() * scene.width;
  const cy = rng.next() * scene.height;
  const radius = uniform(rng, 0.4, 1.2) * Math.max(scene.width, scene.height);
  const value = (x: number, y: number): number => Math.min(1, Math.hypot(x - cx, y - cy) / radius);
  return still('radial-gradient', fill(scene, value, a, b), { cx, cy, radius });
}

function noise(rng: Rng, scene: BackgroundScene): Background {
  const [a, b] = twoColors(rng);
  const cell = uniform(rng, 4, 64);
  const octaves = 1 + rng.int(3);
  const field = valueNoise(rng, scene.width, scene.height, cell, octaves);
  return still(
    'noise',
    fill(scene, (x, y) => field[y * scene.width + x]!, a, b),
    { cell, octaves },
  );
}

/** A noise texture larger than the frame, seen through a window that slides at constant velocity. */
function panningNoise(rng: Rng, scene: BackgroundScene): Background {
  const [a, b] = twoColors(rng);
  const cell = uniform(rng, 6, 64);
  const octaves = 1 + rng.int(3);
  const speed = uniform(rng, 8, 60);
  const dir = rng.next() * 2 * Math.PI;
  const vx = (speed * Math.cos(dir)) / scene.fps;
  const vy = (speed * Math.sin(dir)) / scene.fps;
  const spanX = Math.ceil(Math.abs(vx) * scene.frames) + 2;
  const spanY = Math.ceil(Math.abs(vy) * scene.frames) + 2;
  const tw = scene.width + spanX;
  const th = scene.height + spanY;
  const tex = valueNoise(rng, tw, th, cell, octaves);
  // Start at the end the window moves away from, so it never leaves the texture.
  const ox = vx < 0 ? spanX - 1 : 0;
  const oy = vy < 0 ? spanY - 1 : 0;
  return {
    kind: 'panning-noise',
    params: { cell, octaves, speedPxPerSec: speed, directionDeg: (dir * 180) / Math.PI },
    render(i, out) {
      const sx = ox + vx * i;
      const sy = oy + vy * i;
      const ix = Math.floor(sx);
      const iy = Math.floor(sy);
      const fx = sx - ix;
      const fy = sy - iy;
      for (let y = 0; y < scene.height; y++) {
        const row0 = (y + iy) * tw + ix;
        const row1 = row0 + tw;
        for (let x = 0; x < scene.width; x++) {
          const top = tex[row0 + x]! + (tex[row0 + x + 1]! - tex[row0 + x]!) * fx;
          const bottom = tex[row1 + x]! + (tex[row1 + x + 1]! - tex[row1 + x]!) * fx;
          mix(a, b, top + (bottom - top) * fy, out, (y * scene.width + x) * 3);
        }
      }
    },
  };
}

function stripes(rng: Rng, scene: BackgroundScene): Background {
  const [a, b] = twoColors(rng);
  const angle = rng.next() * Math.PI;
  const period = uniform(rng, 8, 48);
  const speed = uniform(rng, 10, 60) * (chance(rng, 0.5) ? 1 : -1);
  // 1 = a soft sine grating, up to ~8 = hard-edged bars.
  const sharpness = uniform(rng, 1, 8);
  const dx = Math.cos(angle);
  const dy = Math.sin(angle);
  return {
    kind: 'stripes',
    params: { angleDeg: (angle * 180) / Math.PI, period, speedPxPerSec: speed, sharpness },
    render(i, out) {
      const shift = (speed * i) / scene.fps;
      for (let y = 0; y < scene.height; y++)
        for (let x = 0; x < scene.width; x++) {
          const s = Math.cos((2 * Math.PI * (x * dx + y * dy - shift)) / period);
          mix(a, b, Math.min(1, Math.max(0, 0.5 + 0.5 * s * sharpness)), out, (y * scene.width + x) * 3);
        }
    },
  };
}

function checker(rng: Rng, scene: BackgroundScene): Background {
  const [a, b] = twoColors(rng);
  const cell = uniform(rng, 8, 40);
  const speed = uniform(rng, 10, 60);
  const dir = rng.next() * 2 * Math.PI;
  const vx = speed * Math.cos(dir);
  const vy = speed * Math.sin(dir);
  return {
    kind: 'checker',
    params: { cell, speedPxPerSec: speed, directionDeg: (dir * 180) / Math.PI },
    render(i, out) {
      const t = i / scene.fps;
      for (let y = 0; y < scene.height; y++) {
        const cy = Math.floor((y - vy * t) / cell);
        for (let x = 0; x < scene.width; x++)
          mix(a, b, (Math.floor((x - vx * t) / cell) + cy) & 1, out, (y * scene.width + x) * 3);
      }
    },
  };
}

/** A static backdrop with a few small shapes that jitter in place or drift across (wrapping at the edges). */
function distractors(rng: Rng, scene: BackgroundScene): Background {
  const base = pick(rng, [solid, linearGradient, radialGradient, noise])(rng, scene);
  const short = Math.min(scene.width, scene.height);
  const n = 2 + rng.int(4);
  const items = Array.from({ length: n }, () => {
    const shape: ShapeKind = pick(rng, SHAPES);
    const size = uniform(rng, 0.04, 0.09) * short;
    const x0 = rng.next() * scene.width;
    const y0 = rng.next() * scene.height;
    const jitter = chance(rng, 0.5);
    const speed = uniform(rng, 10, 60) / scene.fps;
    const dir = rng.next() * 2 * Math.PI;
    const spin = uniform(rng, -3, 3) / scene.fps;
    const poses: Pose[] = [];
    for (let i = 0; i < scene.frames; i++) {
      const wrap = (v: number, m: number): number => (((v % m) + m) % m) - size / 2;
      poses.push(
        jitter
          ? { x: x0 + rng.normal() * 3, y: y0 + rng.normal() * 3, size, angle: rng.normal() * 0.3 }
          : {
              x: wrap(x0 + Math.cos(dir) * speed * i, scene.width + size),
              y: wrap(y0 + Math.sin(dir) * speed * i, scene.height + size),
              size,
              angle: spin * i,
            },
      );
    }
    return { shape, poses, style: { color: randomColor(rng), edge: 1, texture: 0, textureCells: 1, textureSeed: 0 } };
  });
  return {
    kind: 'distractors',
    params: { base: base.kind, count: n },
    render(i, out) {
      base.render(i, out);
      for (const d of items) drawShape(out, scene.width, scene.height, d.shape, d.poses[i]!, d.style);
    },
  };
}

async function footage(rng: Rng, scene: BackgroundScene, library: FootageLibrary | null): Promise<Background> {
  if (!library || library.files.length === 0)
    throw new Error('the footage background needs videos: run scripts/fetch-footage.sh or pass --footage DIR');
  const { file, durationSec } = pick(rng, library.files);
  const offsetSec = rng.next() * Math.max(0, durationSec - 0.3);
  const hflip = chance(rng, 0.5);
  const frames = await decodeFrames(file, { ...scene, count: scene.frames, offsetSec, hflip });
  return {
    kind: 'footage',
    params: { file: file.split('/').pop() ?? file, offsetSec, hflip: String(hflip) },
    render: (i, out) => out.set(frames[i % frames.length]!),
  };
}

export function makeBackground(
  kind: BackgroundKind,
  rng: Rng,
  scene: BackgroundScene,
  library: FootageLibrary | null,
): Promise<Background> {
  switch (kind) {
    case 'solid':
      return Promise.resolve(solid(rng, scene));
    case 'linear-gradient':
      return Promise.resolve(linearGradient(rng, scene));
    case 'radial-gradient':
      return Promise.resolve(radialGradient(rng, scene));
    case 'noise':
      return Promise.resolve(noise(rng, scene));
    case 'panning-noise':
      return Promise.resolve(panningNoise(rng, scene));
    case 'stripes':
      return Promise.resolve(stripes(rng, scene));
    case 'checker':
      return Promise.resolve(checker(rng, scene));
    case 'distractors':
      return Promise.resolve(distractors(rng, scene));
    case 'footage':
      return footage(rng, scene, library);
  }
}
