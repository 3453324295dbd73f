/**
 * One generated set: per clip a random frame size, rate, duration, background, shape, colour and
 * motion of its class, rendered frame by frame and encoded with ffmpeg; then labels.csv (what
 * `framewise import` reads) and truth.json (the answers and everything that was drawn).
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BACKGROUND_KINDS,
  loadFootage,
  makeBackground,
  type Background,
  type BackgroundKind,
  type FootageLibrary,
} from './backgrounds.js';
import { openEncoder } from './ffmpeg.js';
import { buildMotion, needsAsymmetricShape, TASKS, type Motion, type MotionClass, type TaskName } from './motions.js';
import {
  balanced,
  chance,
  luma,
  namedColor,
  pick,
  randomColor,
  Rng,
  uniform,
  type ColourName,
  type Rgb,
} from './random.js';
import { ASYMMETRIC_SHAPES, drawShape, SHAPES, type ShapeKind, type ShapeStyle } from './shapes.js';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** One clip asked for by name (captioning sets): its motion, shape and, optionally, a named colour. */
export interface ClipPlan {
  label: MotionClass;
  shape: ShapeKind;
  colour?: ColourName;
  /** Written to truth.json with the clip (the set's reference caption). */
  caption?: string;
}

export interface GenerateOptions {
  task: TaskName;
  /**
   * Exactly these clips, in this order before shuffling, instead of `perClass` clips of each of the
   * task's classes with balanced shapes (the backgrounds are still cycled evenly).
   */
  plan?: readonly ClipPlan[];
  perClass: number;
  seed: number;
  out: string;
  /** Background kinds to draw from (default all); `excludeBackgrounds` then removes some. */
  backgrounds?: readonly BackgroundKind[];
  excludeBackgrounds?: readonly BackgroundKind[];
  shapes?: readonly ShapeKind[];
  excludeShapes?: readonly ShapeKind[];
  /** Fixed instead of random per clip (tests use tiny clips). */
  size?: { width: number; height: number };
  fps?: number;
  durationSec?: number;
  /** Videos for the footage background; default every video in $FRAMEWISE_FOOTAGE_DIR or .tmp/footage. */
  footageFiles?: string[];
  log?: (line: string) => void;
}

export interface ClipTruth {
  file: string;
  label: MotionClass;
  width: number;
  height: number;
  fps: number;
  frames: number;
  durationSec: number;
  shape: ShapeKind;
  color: Rgb;
  colourName?: ColourName;
  caption?: string;
  edge: number;
  texture: number;
  grain: number;
  background: Record<string, number | string>;
  motion: Record<string, number | string>;
}

export interface SetTruth {
  task: TaskName;
  seed: number;
  perClass: number;
  classes: readonly MotionClass[];
  backgrounds: BackgroundKind[];
  shapes: ShapeKind[];
  /** file → class */
  labels: Record<string, MotionClass>;
  clips: ClipTruth[];
}

export function defaultFootageFiles(): string[] {
  const dir = process.env['FRAMEWISE_FOOTAGE_DIR'] || join(REPO_ROOT, '.tmp', 'footage');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(mp4|avi|ogv|mkv|webm|mov)$/i.test(f))
    .sort()
    .map((f) => join(dir, f));
}

function without<T>(all: readonly T[], keep: readonly T[] | undefined, drop: readonly T[] | undefined): T[] {
  return all.filter((x) => (keep ? keep.includes(x) : true) && !(drop ?? []).includes(x));
}

/** Shapes for a task: the same set for every class, so the shape never gives the class away. */
export function taskShapes(task: TaskName, keep?: readonly ShapeKind[], drop?: readonly ShapeKind[]): ShapeKind[] {
  const asym = TASKS[task].some(needsAsymmetricShape);
  return without(asym ? ASYMMETRIC_SHAPES : SHAPES, keep, drop);
}

function randomScene(rng: Rng, opts: GenerateOptions): { width: number; height: number; fps: number; frames: number } {
  let width: number;
  let height: number;
  if (opts.size) ({ width, height } = opts.size);
  else {
    const aspect = pick(rng, [4 / 3, 16 / 9, 3 / 2, 5 / 4, 1]);
    width = 2 * Math.round(uniform(rng, aspect === 1 ? 240 : 256, aspect === 1 ? 320 : 400) / 2);
    height = 2 * Math.round(width / aspect / 2);
  }
  const fps = opts.fps ?? pick(rng, [24, 25, 30]);
  const durationSec = opts.durationSec ?? uniform(rng, 2.5, 5);
  return { width, height, fps, frames: Math.max(2, Math.round(durationSec * fps)) };
}

/**
 * A colour that stands out from the background where the object goes: its luma differs from the
 * mean there by at least 60 (of 255), or by 30 with a clearly different hue; else black or white,
 * whichever is further. The hue test keeps mid-grey backgrounds from always getting dark objects.
 */
function contrastingColor(
  rng: Rng,
  bg: Background,
  motion: Motion,
  w: number,
  h: number,
  frames: number,
  named?: ColourName,
): Rgb | null {
  const buf = new Uint8Array(w * h * 3);
  let [sr, sg, sb, n] = [0, 0, 0, 0];
  for (const u of [0, 0.5, 1]) {
    bg.render(Math.round(u * (frames - 1)), buf);
    const p = motion.pose(u);
    const r = p.size / 2;
    for (let y = Math.max(0, Math.floor(p.y - r)); y < Math.min(h, Math.ceil(p.y + r)); y++)
      for (let x = Math.max(0, Math.floor(p.x - r)); x < Math.min(w, Math.ceil(p.x + r)); x++) {
        const o = (y * w + x) * 3;
        sr += buf[o]!;
        sg += buf[o + 1]!;
        sb += buf[o + 2]!;
        n++;
      }
  }
  const mean: Rgb = n > 0 ? [sr / n, sg / n, sb / n] : [128, 128, 128];
  const bgLuma = luma(mean);
  const distance = (c: Rgb): number => Math.hypot(c[0] - mean[0], c[1] - mean[1], c[2] - mean[2]);
  for (let tries = 0; tries < 100; tries++) {
    const c = named ? namedColor(rng, named) : randomColor(rng, { minS: 0.2, minV: 0.15 });
    const dl = Math.abs(luma(c) - bgLuma);
    if (dl >= 60 || (dl >= 30 && distance(c) >= 160)) return c;
  }
  // A named colour must stay that colour (the caption says it): the caller draws another background.
  if (named) return null;
  return bgLuma > 127 ? [0, 0, 0] : [255, 255, 255];
}

function addGrain(frame: Uint8Array, amplitude: number, seed: number): void {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < frame.length; i++) {
    // xorshift32: grain needs speed, not quality.
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const v = Math.round(frame[i]! + ((s >>> 0) / 4294967296 - 0.5) * 2 * amplitude);
    frame[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
}

async function renderClip(
  file: string,
  { label, shape, colour }: ClipPlan,
  kind: BackgroundKind,
  rng: Rng,
  opts: GenerateOptions,
  footage: FootageLibrary | null,
): Promise<Omit<ClipTruth, 'file'>> {
  const scene = randomScene(rng, opts);
  const { width, height, fps, frames } = scene;
  const durationSec = frames / fps;
  // Separate streams: changing how one part draws its numbers leaves the others' draws alone.
  const motion = buildMotion(label, rng.fork(), { width, height, durationSec });
  let bg = await makeBackground(kind, rng.fork(), scene, footage);
  let styleRng = rng.fork();
  let color = contrastingColor(styleRng, bg, motion, width, height, frames, colour);
  // A green disc on a green field is no "green disc" to anyone: another background of the kind.
  for (let retry = 0; color === null; retry++) {
    if (retry === 20) throw new Error(`no ${kind} background lets a ${colour} object stand out`);
    bg = await makeBackground(kind, rng.fork(), scene, footage);
    styleRng = rng.fork();
    color = contrastingColor(styleRng, bg, motion, width, height, frames, colour);
  }
  const style: ShapeStyle = {
    color,
    edge: chance(styleRng, 0.5) ? uniform(styleRng, 0.75, 1.2) : uniform(styleRng, 1.5, 4),
    texture: chance(styleRng, 0.4) ? uniform(styleRng, 10, 40) : 0,
    textureCells: 3 + styleRng.int(8),
    textureSeed: styleRng.int(1 << 30),
  };
  const grain = chance(styleRng, 0.3) ? uniform(styleRng, 2, 8) : 0;
  const grainSeed = styleRng.int(1 << 30);
  const writer = openEncoder(file, width, height, fps);
  const buf = new Uint8Array(width * height * 3);
  try {
    for (let i = 0; i < frames; i++) {
      bg.render(i, buf);
      drawShape(buf, width, height, shape, motion.pose(i / (frames - 1)), style);
      if (grain > 0) addGrain(buf, grain, grainSeed + i);
      await writer.write(buf);
    }
  } finally {
    await writer.close();
  }
  return {
    label,
    width,
    height,
    fps,
    frames,
    durationSec,
    shape,
    color: style.color,
    ...(colour ? { colourName: colour } : {}),
    edge: style.edge,
    texture: style.texture,
    grain,
    background: { kind, ...bg.params },
    motion: motion.params,
  };
}

export async function generateSet(opts: GenerateOptions): Promise<SetTruth> {
  const log = opts.log ?? (() => undefined);
  const classes = TASKS[opts.task];
  const footageFiles = opts.footageFiles ?? defaultFootageFiles();
  let kinds = without(BACKGROUND_KINDS, opts.backgrounds, opts.excludeBackgrounds);
  if (kinds.includes('footage') && footageFiles.length === 0) {
    if (opts.backgrounds?.includes('footage'))
      throw new Error('--backgrounds asks for footage but no videos were found: run scripts/fetch-footage.sh');
    log('no footage videos found (scripts/fetch-footage.sh fetches them): the footage background is left out');
    kinds = kinds.filter((k) => k !== 'footage');
  }
  if (kinds.length === 0) throw new Error('no background kinds left to draw from');
  const shapes = taskShapes(opts.task, opts.shapes, opts.excludeShapes);
  if (shapes.length === 0) throw new Error(`no shapes left for task ${opts.task}`);
  const footage = kinds.includes('footage') ? await loadFootage(footageFiles) : null;

  const rng = new Rng(opts.seed);
  // Round-robin over the classes through reshuffled cycles of the kinds: every kind and shape is used
  // about equally often overall and within each class, so neither hints at the class (and a
  // small set still covers every kind).
  // Draw order (kinds, then shapes, then one fork per clip) is the one sets were made with before
  // plans existed, so a seed still gives the same clips.
  const labels = opts.plan ? [] : Array.from({ length: opts.perClass }, () => classes).flat();
  const count = opts.plan ? opts.plan.length : labels.length;
  const bgs = balanced(rng, kinds, count);
  let plans: ClipPlan[];
  if (opts.plan) {
    const bad = opts.plan.find((p) => !shapes.includes(p.shape));
    if (bad) throw new Error(`the plan asks for shape ${bad.shape}, which this set leaves out`);
    plans = [...opts.plan];
  } else {
    const shs = balanced(rng, shapes, count);
    plans = labels.map((label, i) => ({ label, shape: shs[i]! }));
  }
  const jobs = plans.map((plan, i) => ({ plan, kind: bgs[i]!, rng: rng.fork() }));
  // Shuffled so neither file names nor order say anything about the class.
  rng.shuffle(jobs);
  await mkdir(opts.out, { recursive: true });
  const clips: ClipTruth[] = [];
  for (const [i, job] of jobs.entries()) {
    const file = `clip-${String(i).padStart(3, '0')}.mp4`;
    const clip = await renderClip(join(opts.out, file), job.plan, job.kind, job.rng, opts, footage);
    clips.push({ file, ...clip, ...(job.plan.caption !== undefined ? { caption: job.plan.caption } : {}) });
    log(
      `${file}  ${clip.width}x${clip.height}@${clip.fps} ${clip.durationSec.toFixed(2)} s  ${job.kind}/${job.plan.shape}`,
    );
  }

  // Floored to the millisecond so a segment never ends after the video does.
  const end = (c: ClipTruth): string => (Math.floor(c.durationSec * 1000) / 1000).toFixed(3);
  const csv = ['file,start,end,label', ...clips.map((c) => `${c.file},0,${end(c)},${c.label}`)].join('\n') + '\n';
  await writeFile(join(opts.out, 'labels.csv'), csv);
  const truth: SetTruth = {
    task: opts.task,
    seed: opts.seed,
    perClass: opts.perClass,
    classes,
    backgrounds: kinds,
    shapes,
    labels: Object.fromEntries(clips.map((c) => [c.file, c.label])),
    clips,
  };
  await writeFile(join(opts.out, 'truth.json'), JSON.stringify(truth, null, 2) + '\n');
  return truth;
}
