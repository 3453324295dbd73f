/**
 * The motion-task generator (bench/motion-tasks): every class's pose function moves the object the
 * way its name says (measured on the rendered shape alone), and the encoded clips decode at the
 * size, rate and length asked for, with labels `framewise import` reads.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKGROUND_KINDS } from '../../bench/motion-tasks/backgrounds.js';
import { buildMotion, CLASSES, type MotionClass } from '../../bench/motion-tasks/motions.js';
import { Rng } from '../../bench/motion-tasks/random.js';
import { defaultFootageFiles, generateSet, type SetTruth } from '../../bench/motion-tasks/set.js';
import { shapeMask, type ShapeKind } from '../../bench/motion-tasks/shapes.js';
import { parseSegmentCsv } from '../../src/store/import-segments.js';
import { getFfmpegPaths } from '../../src/video/ffmpeg-path.js';

const W = 160;
const H = 120;
const SAMPLES = 41;

interface Measure {
  x: number;
  y: number;
  area: number;
  /** Principal-axis angle (mod π), clockwise on screen since y points down. */
  axis: number;
}

function measure(mask: Float32Array): Measure {
  let m = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < mask.length; i++) {
    const a = mask[i]!;
    m += a;
    sx += a * (i % W);
    sy += a * Math.floor(i / W);
  }
  const x = sx / m;
  const y = sy / m;
  let mxx = 0;
  let myy = 0;
  let mxy = 0;
  for (let i = 0; i < mask.length; i++) {
    const a = mask[i]!;
    const dx = (i % W) - x;
    const dy = Math.floor(i / W) - y;
    mxx += a * dx * dx;
    myy += a * dy * dy;
    mxy += a * dx * dy;
  }
  return { x, y, area: m, axis: 0.5 * Math.atan2(2 * mxy, mxx - myy) };
}

/** The rendered object at SAMPLES evenly spaced times of one random clip of the class. */
function track(cls: MotionClass, seed: number, shape: ShapeKind): Measure[] {
  const motion = buildMotion(cls, new Rng(seed), { width: W, height: H, durationSec: 3 });
  return Array.from({ length: SAMPLES }, (_, i) => {
    const pose = motion.pose(i / (SAMPLES - 1));
    // The whole object stays in the frame (its unit disc, so at any angle).
    expect(pose.x - pose.size / 2).toBeGreaterThanOrEqual(-0.5);
    expect(pose.x + pose.size / 2).toBeLessThanOrEqual(W + 0.5);
    expect(pose.y - pose.size / 2).toBeGreaterThanOrEqual(-0.5);
    expect(pose.y + pose.size / 2).toBeLessThanOrEqual(H + 0.5);
    return measure(shapeMask(shape, pose, W, H));
  });
}

/** Total rotation of the principal axis, unwrapping the mod-π jumps between samples. */
function turned(ms: Measure[]): number {
  let total = 0;
  for (let i = 1; i < ms.length; i++) {
    let d = ms[i]!.axis - ms[i - 1]!.axis;
    while (d > Math.PI / 2) d -= Math.PI;
    while (d <= -Math.PI / 2) d += Math.PI;
    total += d;
  }
  return total;
}

/** First sample index at which `value` has covered `frac` of its total change. */
function reached(ms: Measure[], value: (m: Measure) => number, frac: number): number {
  const v0 = value(ms[0]!);
  const total = value(ms[ms.length - 1]!) - v0;
  return ms.findIndex((m) => (value(m) - v0) / total >= frac);
}

const first = (ms: Measure[]): Measure => ms[0]!;
const last = (ms: Measure[]): Measure => ms[ms.length - 1]!;
const SEEDS = [1, 2, 3, 4, 5, 6];

describe('motion classes (pose functions, rendered without background)', () => {
  it.each(['up', 'down', 'left', 'right'] as const)(
    '%s moves the centroid that way, by at least a quarter of the frame',
    (cls) => {
      for (const seed of SEEDS) {
        const ms = track(cls, seed, 'star');
        const dx = last(ms).x - first(ms).x;
        const dy = last(ms).y - first(ms).y;
        const [along, across, dim] = cls === 'left' || cls === 'right' ? [dx, dy, W] : [dy, dx, H];
        const sign = cls === 'up' || cls === 'left' ? -1 : 1;
        expect(sign * along).toBeGreaterThan(0.25 * dim);
        expect(Math.abs(across)).toBeLessThan(0.2 * Math.abs(along));
        expect(last(ms).area / first(ms).area).toBeCloseTo(1, 1);
      }
    },
  );

  it.each(['grow', 'shrink'] as const)('%s changes the area by ≥ 1.6² with the centroid nearly still', (cls) => {
    for (const seed of SEEDS) {
      const ms = track(cls, seed, 'disc');
      const ratio = last(ms).area / first(ms).area;
      if (cls === 'grow') expect(ratio).toBeGreaterThan(2.4);
      else expect(ratio).toBeLessThan(1 / 2.4);
      expect(Math.hypot(last(ms).x - first(ms).x, last(ms).y - first(ms).y)).toBeLessThan(0.06 * H);
    }
  });

  it.each(['rotate-cw', 'rotate-ccw'] as const)('%s turns the bar by ≥ 60° that way', (cls) => {
    for (const seed of SEEDS) {
      const deg = (turned(track(cls, seed, 'bar')) * 180) / Math.PI;
      // Clockwise on screen = increasing angle with y pointing down.
      if (cls === 'rotate-cw') expect(deg).toBeGreaterThan(55);
      else expect(deg).toBeLessThan(-55);
    }
  });

  it.each([
    ['left-then-up', true],
    ['up-then-left', false],
  ] as const)('%s finishes one move before the other starts', (cls, leftFirst) => {
    for (const seed of SEEDS) {
      const ms = track(cls, seed, 'box');
      expect(last(ms).x).toBeLessThan(first(ms).x - 0.25 * W);
      expect(last(ms).y).toBeLessThan(first(ms).y - 0.25 * H);
      const xDone = reached(ms, (m) => m.x, 0.99);
      const yDone = reached(ms, (m) => m.y, 0.99);
      const xStart = reached(ms, (m) => m.x, 0.01);
      const yStart = reached(ms, (m) => m.y, 0.01);
      if (leftFirst) expect(xDone).toBeLessThanOrEqual(yStart);
      else expect(yDone).toBeLessThanOrEqual(xStart);
    }
  });

  it.each([
    ['grow-then-shrink', true],
    ['shrink-then-grow', false],
  ] as const)('%s returns to its first size through the other extreme', (cls, growFirst) => {
    for (const seed of SEEDS) {
      const areas = track(cls, seed, 'disc').map((m) => m.area);
      const ends = Math.max(areas[0]!, areas[areas.length - 1]!);
      expect(areas[areas.length - 1]! / areas[0]!).toBeCloseTo(1, 1);
      if (growFirst) expect(Math.max(...areas)).toBeGreaterThan(2.5 * ends);
      else expect(Math.min(...areas)).toBeLessThan(Math.min(areas[0]!, areas[areas.length - 1]!) / 2.5);
    }
  });
});

function probe(file: string): { width: number; height: number; frames: number; duration: number; fps: string } {
  const { ffprobe } = getFfmpegPaths();
  const r = spawnSync(
    ffprobe,
    [
      ...['-v', 'error', '-count_frames', '-select_streams', 'v:0'],
      ...['-show_entries', 'stream=width,height,nb_read_frames,r_frame_rate:format=duration', '-of', 'json', file],
    ],
    { encoding: 'utf8' },
  );
  expect(r.status, r.stderr).toBe(0);
  const j = JSON.parse(r.stdout) as {
    streams: { width: number; height: number; nb_read_frames: string; r_frame_rate: string }[];
    format: { duration: string };
  };
  const s = j.streams[0]!;
  return {
    width: s.width,
    height: s.height,
    frames: Number(s.nb_read_frames),
    duration: Number(j.format.duration),
    fps: s.r_frame_rate,
  };
}

describe('generated sets', () => {
  const root = mkdtempSync(join(tmpdir(), 'motion-tasks-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function checkSet(dir: string, truth: SetTruth, size: { width: number; height: number }, fps: number): void {
    for (const clip of truth.clips) {
      const p = probe(join(dir, clip.file));
      expect({ width: p.width, height: p.height, fps: p.fps }).toEqual({ ...size, fps: `${fps}/1` });
      expect(p.frames).toBe(clip.frames);
      expect(Math.abs(p.duration - clip.durationSec)).toBeLessThan(1.5 / fps);
    }
    const rows = parseSegmentCsv(readFileSync(join(dir, 'labels.csv'), 'utf8'));
    expect(rows.map((r) => [r.video, r.label])).toEqual(truth.clips.map((c) => [c.file, c.label]));
    for (const r of rows) expect(r.end!).toBeLessThanOrEqual(truth.clips.find((c) => c.file === r.video)!.durationSec);
    const saved = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as SetTruth;
    expect(saved.labels).toEqual(Object.fromEntries(truth.clips.map((c) => [c.file, c.label])));
  }

  it('renders one decodable clip per class, over every background kind, at the requested size, rate and duration', async () => {
    const dir = join(root, 'all');
    const size = { width: 96, height: 72 };
    const truth = await generateSet({ task: 'all', perClass: 1, seed: 7, out: dir, size, fps: 25, durationSec: 1 });
    expect(truth.clips.map((c) => c.label).sort()).toEqual([...CLASSES].sort());
    // 12 clips cycle through the 9 kinds (8 without footage: scripts/fetch-footage.sh fetches it).
    const kinds = BACKGROUND_KINDS.filter((k) => k !== 'footage' || defaultFootageFiles().length > 0);
    expect(new Set(truth.clips.map((c) => c.background['kind']))).toEqual(new Set(kinds));
    expect(truth.clips.every((c) => c.frames === 25)).toBe(true);
    checkSet(dir, truth, size, 25);
  });

  it('renders exactly the clips of a plan, each in its named colour, with its caption', async () => {
    const dir = join(root, 'plan');
    const size = { width: 64, height: 48 };
    const plan = [
      { label: 'up', shape: 'box', colour: 'red', caption: 'a red box rises' },
      { label: 'shrink', shape: 'disc', colour: 'blue', caption: 'a blue disc shrinks' },
      { label: 'left', shape: 'triangle', colour: 'green', caption: 'a green triangle moves left' },
    ] as const;
    const truth = await generateSet({
      task: 'directions',
      perClass: 5,
      seed: 3,
      out: dir,
      size,
      fps: 24,
      durationSec: 0.5,
      plan,
    });
    expect(truth.clips).toHaveLength(3);
    const hueOf = ([r, g, b]: readonly number[]): number => {
      const mx = Math.max(r!, g!, b!);
      const d = mx - Math.min(r!, g!, b!);
      const h = mx === r ? ((g! - b!) / d) % 6 : mx === g ? (b! - r!) / d + 2 : (r! - g!) / d + 4;
      return (h * 60 + 360) % 360;
    };
    const centre = { red: 0, blue: 225, green: 120 };
    for (const want of plan) {
      const clip = truth.clips.find((c) => c.caption === want.caption)!;
      expect([clip.label, clip.shape, clip.colourName]).toEqual([want.label, want.shape, want.colour]);
      const dh = Math.abs(((hueOf(clip.color) - centre[want.colour] + 540) % 360) - 180);
      expect(dh).toBeLessThanOrEqual(13);
    }
    checkSet(dir, truth, size, 24);
    const saved = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as SetTruth;
    expect(saved.clips.map((c) => c.caption).sort()).toEqual(plan.map((p) => p.caption).sort());
  });

  it('is reproducible from its seed', async () => {
    const opts = { task: 'directions', perClass: 1, seed: 11, size: { width: 64, height: 48 }, fps: 24 } as const;
    const a = await generateSet({ ...opts, out: join(root, 'seed-a'), durationSec: 0.5 });
    const b = await generateSet({ ...opts, out: join(root, 'seed-b'), durationSec: 0.5 });
    expect(b.clips).toEqual(a.clips);
    expect(readFileSync(join(root, 'seed-b', 'clip-000.mp4'))).toEqual(
      readFileSync(join(root, 'seed-a', 'clip-000.mp4')),
    );
  });
});
