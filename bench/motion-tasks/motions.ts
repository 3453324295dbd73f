/**
 * The motion classes: each draws its random parameters once per clip and returns the object's pose
 * as a function of normalised clip time u ∈ [0, 1].
 *
 * Paired classes are built as exact time reversals in distribution (up/down, grow/shrink, cw/ccw, and
 * the order pairs), so the frames of a clip, taken as an unordered set, carry no hint of the class:
 * only their order does. Keep that property when adding a class, or a frame-average model can solve
 * the task without seeing motion.
 */
import type { Pose } from './shapes.js';
import { chance, pick, uniform, type Rng } from './random.js';

export const CLASSES = [
  'up',
  'down',
  'left',
  'right',
  'grow',
  'shrink',
  'rotate-cw',
  'rotate-ccw',
  'left-then-up',
  'up-then-left',
  'grow-then-shrink',
  'shrink-then-grow',
] as const;
export type MotionClass = (typeof CLASSES)[number];

export const TASKS = {
  'updown-growshrink': ['up', 'down', 'grow', 'shrink'],
  directions: ['up', 'down', 'left', 'right'],
  rotation: ['rotate-cw', 'rotate-ccw', 'grow', 'shrink'],
  order: ['left-then-up', 'up-then-left', 'grow-then-shrink', 'shrink-then-grow'],
  all: CLASSES,
} as const satisfies Record<string, readonly MotionClass[]>;
export type TaskName = keyof typeof TASKS;

export function isTaskName(s: string): s is TaskName {
  return Object.hasOwn(TASKS, s);
}

/** Classes that only make sense for shapes without rotational symmetry. */
export function needsAsymmetricShape(cls: MotionClass): boolean {
  return cls === 'rotate-cw' || cls === 'rotate-ccw';
}

export interface Scene {
  width: number;
  height: number;
  durationSec: number;
}

export interface Motion {
  pose(u: number): Pose;
  /** What was drawn, for truth.json. */
  params: Record<string, number | string>;
}

const EASINGS = ['linear', 'smooth', 'ease-in', 'ease-out'] as const;
type Easing = (typeof EASINGS)[number];

// The set is closed under time reversal (ease-in ↔ ease-out), which keeps paired classes mirror images.
function ease(kind: Easing, p: number): number {
  switch (kind) {
    case 'linear':
      return p;
    case 'smooth':
      return p * p * (3 - 2 * p);
    case 'ease-in':
      return p * p;
    case 'ease-out':
      return 1 - (1 - p) * (1 - p);
  }
}

interface Phase {
  from: number;
  to: number;
  easing: Easing;
}

function progress(phase: Phase, u: number): number {
  if (u <= phase.from) return 0;
  if (u >= phase.to) return 1;
  return ease(phase.easing, (u - phase.from) / (phase.to - phase.from));
}

/** One motion inside the clip, with an optional still lead-in and lead-out drawn independently (so reversal-symmetric). */
function singlePhase(rng: Rng): Phase {
  const leadIn = chance(rng, 0.6) ? uniform(rng, 0, 0.25) : 0;
  const leadOut = chance(rng, 0.6) ? uniform(rng, 0, 0.25) : 0;
  return { from: leadIn, to: 1 - leadOut, easing: pick(rng, EASINGS) };
}

/**
 * Two motions back to back. The still time at the clip's ends (q1) and the pause between the
 * motions (q2) are i.i.d., so in "A then B" vs "B then A" the object spends equally long, in
 * distribution, in each still state.
 */
function twoPhases(rng: Rng): [Phase, Phase] {
  const q1 = uniform(rng, 0, 0.2);
  const q2 = uniform(rng, 0, 0.2);
  const leadIn = q1 * rng.next();
  const moving = 1 - q1 - q2;
  const first = moving * uniform(rng, 0.4, 0.6);
  return [
    { from: leadIn, to: leadIn + first, easing: pick(rng, EASINGS) },
    { from: leadIn + first + q2, to: leadIn + moving + q2, easing: pick(rng, EASINGS) },
  ];
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** Travel in pixels along an axis of length `dim` for a phase: speed × time, at least 30 % of the axis, never off-frame. */
function travel(rng: Rng, scene: Scene, phase: Phase, dim: number, radius: number): number {
  const avail = dim - 2 * radius;
  const speed = uniform(rng, 0.15, 0.8) * dim;
  return clamp(speed * (phase.to - phase.from) * scene.durationSec, Math.min(0.3 * dim, avail), avail);
}

/** A start coordinate such that moving `dist` in direction `sign` stays inside [radius, dim - radius]. */
function startFor(rng: Rng, dim: number, radius: number, dist: number, sign: number): number {
  return sign < 0 ? uniform(rng, radius + dist, dim - radius) : uniform(rng, radius, dim - radius - dist);
}

function translate(rng: Rng, scene: Scene, dir: 'up' | 'down' | 'left' | 'right'): Motion {
  const short = Math.min(scene.width, scene.height);
  const size = uniform(rng, 0.12, 0.35) * short;
  const r = size / 2 + 1;
  const horizontal = dir === 'left' || dir === 'right';
  const [dim, other] = horizontal ? [scene.width, scene.height] : [scene.height, scene.width];
  const sign = dir === 'up' || dir === 'left' ? -1 : 1;
  const phase = singlePhase(rng);
  const dist = travel(rng, scene, phase, dim, r);
  const a0 = startFor(rng, dim, r, dist, sign);
  const b0 = uniform(rng, r, other - r);
  // A little sideways drift so the path is not a perfect line; far less than the travel itself.
  const b1 = clamp(b0 + uniform(rng, -0.15, 0.15) * dist, r, other - r);
  const angle = rng.next() * 2 * Math.PI;
  return {
    pose: (u) => {
      const p = progress(phase, u);
      const a = a0 + sign * dist * p;
      const b = b0 + (b1 - b0) * p;
      return horizontal ? { x: a, y: b, size, angle } : { x: b, y: a, size, angle };
    },
    params: { size, travel: dist, from: phase.from, to: phase.to, easing: phase.easing },
  };
}

function sizes(rng: Rng, short: number): { small: number; big: number } {
  const big = uniform(rng, 0.24, 0.42) * short;
  return { small: big / uniform(rng, 1.6, 2.6), big };
}

/** A fixed centre (plus a slight drift in a random direction) where an object of `size` fits. */
function anchor(rng: Rng, scene: Scene, size: number): { x: (p: number) => number; y: (p: number) => number } {
  const r = size / 2 + 1;
  const short = Math.min(scene.width, scene.height);
  const x0 = uniform(rng, r, scene.width - r);
  const y0 = uniform(rng, r, scene.height - r);
  const x1 = clamp(x0 + uniform(rng, -0.04, 0.04) * short, r, scene.width - r);
  const y1 = clamp(y0 + uniform(rng, -0.04, 0.04) * short, r, scene.height - r);
  return { x: (p) => x0 + (x1 - x0) * p, y: (p) => y0 + (y1 - y0) * p };
}

// Geometric interpolation: an object approaching at constant speed grows by a constant ratio per second.
const lerpSize = (a: number, b: number, p: number): number => a * Math.pow(b / a, p);

function scale(rng: Rng, scene: Scene, dir: 'grow' | 'shrink'): Motion {
  const { small, big } = sizes(rng, Math.min(scene.width, scene.height));
  const [s0, s1] = dir === 'grow' ? [small, big] : [big, small];
  const phase = singlePhase(rng);
  const at = anchor(rng, scene, big);
  const angle = rng.next() * 2 * Math.PI;
  return {
    pose: (u) => {
      const p = progress(phase, u);
      return { x: at.x(u), y: at.y(u), size: lerpSize(s0, s1, p), angle };
    },
    params: { small, big, from: phase.from, to: phase.to, easing: phase.easing },
  };
}

function rotate(rng: Rng, scene: Scene, dir: 'rotate-cw' | 'rotate-ccw'): Motion {
  const size = uniform(rng, 0.2, 0.38) * Math.min(scene.width, scene.height);
  const phase = singlePhase(rng);
  const degPerSec = uniform(rng, 60, 240);
  const turn = (Math.max(60, degPerSec * (phase.to - phase.from) * scene.durationSec) * Math.PI) / 180;
  const sign = dir === 'rotate-cw' ? 1 : -1;
  const at = anchor(rng, scene, size);
  const angle0 = rng.next() * 2 * Math.PI;
  return {
    pose: (u) => ({ x: at.x(u), y: at.y(u), size, angle: angle0 + sign * turn * progress(phase, u) }),
    params: { size, turnDeg: (turn * 180) / Math.PI, from: phase.from, to: phase.to, easing: phase.easing },
  };
}

function leftAndUp(rng: Rng, scene: Scene, leftFirst: boolean): Motion {
  const size = uniform(rng, 0.12, 0.3) * Math.min(scene.width, scene.height);
  const r = size / 2 + 1;
  const phases = twoPhases(rng);
  const [hPhase, vPhase] = leftFirst ? phases : [phases[1], phases[0]];
  const dx = travel(rng, scene, hPhase, scene.width, r);
  const dy = travel(rng, scene, vPhase, scene.height, r);
  const x0 = startFor(rng, scene.width, r, dx, -1);
  const y0 = startFor(rng, scene.height, r, dy, -1);
  const angle = rng.next() * 2 * Math.PI;
  return {
    pose: (u) => ({ x: x0 - dx * progress(hPhase, u), y: y0 - dy * progress(vPhase, u), size, angle }),
    params: { size, dx, dy, ...phaseParams(phases) },
  };
}

function growAndShrink(rng: Rng, scene: Scene, growFirst: boolean): Motion {
  const { small, big } = sizes(rng, Math.min(scene.width, scene.height));
  const [ends, middle] = growFirst ? [small, big] : [big, small];
  const phases = twoPhases(rng);
  const at = anchor(rng, scene, big);
  const angle = rng.next() * 2 * Math.PI;
  return {
    pose: (u) => {
      const p = u < phases[1].from ? progress(phases[0], u) : 1 - progress(phases[1], u);
      return { x: at.x(u), y: at.y(u), size: lerpSize(ends, middle, p), angle };
    },
    params: { small, big, ...phaseParams(phases) },
  };
}

function phaseParams([a, b]: [Phase, Phase]): Record<string, number | string> {
  return { from1: a.from, to1: a.to, easing1: a.easing, from2: b.from, to2: b.to, easing2: b.easing };
}

export function buildMotion(cls: MotionClass, rng: Rng, scene: Scene): Motion {
  switch (cls) {
    case 'up':
    case 'down':
    case 'left':
    case 'right':
      return translate(rng, scene, cls);
    case 'grow':
    case 'shrink':
      return scale(rng, scene, cls);
    case 'rotate-cw':
    case 'rotate-ccw':
      return rotate(rng, scene, cls);
    case 'left-then-up':
    case 'up-then-left':
      return leftAndUp(rng, scene, cls === 'left-then-up');
    case 'grow-then-shrink':
    case 'shrink-then-grow':
      return growAndShrink(rng, scene, cls === 'grow-then-shrink');
  }
}
