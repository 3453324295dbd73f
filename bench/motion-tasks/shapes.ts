/**
 * Foreground shapes as signed distance functions in a unit frame (every shape fits inside the unit
 * disc), and their rasterisation at a pose. A distance function gives soft, anti-aliased edges and
 * exact rotation and scaling at any size, which is what the motion classes vary.
 */
import type { Rgb } from './random.js';

export const SHAPES = ['box', 'disc', 'triangle', 'cross', 'ring', 'bar', 'L-shape', 'star'] as const;
export type ShapeKind = (typeof SHAPES)[number];

/**
 * Shapes whose rotation direction can be seen from frame to frame: no rotational symmetry (the bar's
 * 180° is far more than it turns between two feature frames). Rotation tasks draw only from these,
 * for every class, so the shape itself never tells the class.
 */
export const ASYMMETRIC_SHAPES: readonly ShapeKind[] = ['triangle', 'cross', 'bar', 'L-shape'];

/** Where the object is: centre in pixels, size = diameter of its unit disc in pixels, angle in radians (clockwise on screen). */
export interface Pose {
  x: number;
  y: number;
  size: number;
  angle: number;
}

export interface ShapeStyle {
  color: Rgb;
  /** Width of the soft edge in pixels (≥ 0.75 keeps it anti-aliased). */
  edge: number;
  /** Amplitude (0–255) of a blocky texture that moves with the object; 0 for a flat colour. */
  texture: number;
  /** Texture cells across the unit disc. */
  textureCells: number;
  /** Seeds the texture's cell values. */
  textureSeed: number;
}

type Vec = readonly [number, number];

function sdBox(u: number, v: number, cx: number, cy: number, hx: number, hy: number): number {
  const dx = Math.abs(u - cx) - hx;
  const dy = Math.abs(v - cy) - hy;
  const ox = Math.max(dx, 0);
  const oy = Math.max(dy, 0);
  return Math.hypot(ox, oy) + Math.min(Math.max(dx, dy), 0);
}

/** Exact signed distance to a simple polygon (after Inigo Quilez). */
function sdPolygon(u: number, v: number, pts: readonly Vec[]): number {
  let d = Infinity;
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [ax, ay] = pts[i]!;
    const [bx, by] = pts[j]!;
    const ex = bx - ax;
    const ey = by - ay;
    const wx = u - ax;
    const wy = v - ay;
    const t = Math.min(1, Math.max(0, (wx * ex + wy * ey) / (ex * ex + ey * ey)));
    d = Math.min(d, (wx - ex * t) ** 2 + (wy - ey * t) ** 2);
    const c1 = v >= ay;
    const c2 = v < by;
    const c3 = ex * wy > ey * wx;
    if ((c1 && c2 && c3) || (!c1 && !c2 && !c3)) inside = !inside;
  }
  return (inside ? -1 : 1) * Math.sqrt(d);
}

// Irregular on purpose: an equilateral triangle would repeat itself every 120°.
const TRIANGLE: Vec[] = [
  [-0.15, -0.95],
  [0.8, 0.55],
  [-0.75, 0.6],
];

const STAR: Vec[] = Array.from({ length: 10 }, (_, i) => {
  const r = i % 2 === 0 ? 0.98 : 0.42;
  const a = -Math.PI / 2 + (i * Math.PI) / 5;
  return [r * Math.cos(a), r * Math.sin(a)] as const;
});

/** Signed distance (unit-disc units, negative inside) of a point in the shape's own frame. */
export function shapeDistance(shape: ShapeKind, u: number, v: number): number {
  switch (shape) {
    case 'box':
      return sdBox(u, v, 0, 0, 0.68, 0.68);
    case 'disc':
      return Math.hypot(u, v) - 0.85;
    case 'ring':
      return Math.abs(Math.hypot(u, v) - 0.72) - 0.2;
    case 'triangle':
      return sdPolygon(u, v, TRIANGLE);
    case 'cross':
      // A Latin cross (long lower arm): mirror-symmetric but not rotation-symmetric.
      return Math.min(sdBox(u, v, 0, 0.05, 0.16, 0.93), sdBox(u, v, 0, -0.4, 0.62, 0.16));
    case 'bar':
      return sdBox(u, v, 0, 0, 0.95, 0.24);
    case 'L-shape':
      return Math.min(sdBox(u, v, -0.3, -0.05, 0.22, 0.8), sdBox(u, v, 0.04, 0.55, 0.56, 0.2));
    case 'star':
      return sdPolygon(u, v, STAR);
  }
}

function hash2(x: number, y: number, seed: number): number {
  let h = Math.imul(x, 0x27d4eb2d) ^ Math.imul(y, 0x165667b1) ^ Math.imul(seed, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h ^= h >>> 13;
  return ((h >>> 0) % 1024) / 1023;
}

/**
 * Calls `visit(index, alpha, u, v)` for every pixel of a width×height frame the shape covers at
 * `pose`, with alpha in (0, 1] and (u, v) the pixel centre in the shape's own unit frame.
 */
function forEachCovered(
  shape: ShapeKind,
  pose: Pose,
  width: number,
  height: number,
  edge: number,
  visit: (index: number, alpha: number, u: number, v: number) => void,
): void {
  const r = pose.size / 2;
  if (!(r > 0)) return;
  const reach = r + edge;
  const x0 = Math.max(0, Math.floor(pose.x - reach));
  const x1 = Math.min(width - 1, Math.ceil(pose.x + reach));
  const y0 = Math.max(0, Math.floor(pose.y - reach));
  const y1 = Math.min(height - 1, Math.ceil(pose.y + reach));
  const c = Math.cos(pose.angle);
  const s = Math.sin(pose.angle);
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - pose.y;
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - pose.x;
      // Inverse rotation: screen offset → the shape's own frame.
      const u = (c * dx + s * dy) / r;
      const v = (-s * dx + c * dy) / r;
      const alpha = Math.min(1, Math.max(0, 0.5 - (shapeDistance(shape, u, v) * r) / edge));
      if (alpha > 0) visit(y * width + x, alpha, u, v);
    }
  }
}

/** Composites the shape over an RGB24 frame in place. */
export function drawShape(
  frame: Uint8Array,
  width: number,
  height: number,
  shape: ShapeKind,
  pose: Pose,
  style: ShapeStyle,
): void {
  const [cr, cg, cb] = style.color;
  const cells = style.textureCells;
  forEachCovered(shape, pose, width, height, Math.max(0.75, style.edge), (i, a, u, v) => {
    const n =
      style.texture > 0
        ? (hash2(Math.floor((u + 1) * cells), Math.floor((v + 1) * cells), style.textureSeed) - 0.5) * style.texture
        : 0;
    const o = i * 3;
    frame[o] = Math.round(frame[o]! * (1 - a) + Math.min(255, Math.max(0, cr + n)) * a);
    frame[o + 1] = Math.round(frame[o + 1]! * (1 - a) + Math.min(255, Math.max(0, cg + n)) * a);
    frame[o + 2] = Math.round(frame[o + 2]! * (1 - a) + Math.min(255, Math.max(0, cb + n)) * a);
  });
}

/** Coverage (0–1 per pixel) of the shape alone: what the tests measure centroids, areas and angles on. */
export function shapeMask(shape: ShapeKind, pose: Pose, width: number, height: number, edge = 1): Float32Array {
  const mask = new Float32Array(width * height);
  forEachCovered(shape, pose, width, height, edge, (i, a) => void (mask[i] = a));
  return mask;
}
