/**
 * The motion stream: per sampled frame, where and which way things moved since the previous one.
 *
 * Pooled CNN vectors cannot tell "rises" from "falls"; this stream can, in a few dozen numbers.
 * Frames arrive at a higher rate than the CNN samples (`substeps` frames per sample), so fast motion
 * stays within the block search and slow motion adds up. For each step between two frames:
 *  1. block flow on a small grid (block-flow.ts);
 *  2. the camera / background motion is the median block vector (most of a frame is background):
 *     it is reported as is and subtracted, so a pan or a scrolling texture does not read as the
 *     object moving;
 *  3. what is left is the foreground's motion: summarised translation-free (mean residual, expansion
 *     about the moving region's centre for grow/shrink, rotation about it for clockwise / counter-
 *     clockwise), located (centre of the moving region) and on a 4×4 grid of cells (which way each
 *     part of the frame moves).
 * Values are displacements per sample interval as fractions of the frame side, compressed by a
 * signed square root so slow and fast versions of one action look alike.
 */
import {
  blockFlow,
  DEFAULT_FLOW_GRID,
  FLOW_CHANNELS,
  gradientFlow,
  halveFrame,
  reduceFrame,
  type BlockFlow,
  type FlowGrid,
} from './block-flow.js';

/** Cells per side of the pooled motion grid. */
const CELLS = 4;

/** Layout of one motion vector; its length is MOTION_DIM. */
export const MOTION_LAYOUT = {
  /** Camera / background motion: translation (dx, dy), zoom, rotation. */
  global: 0,
  /** Foreground: mean motion on screen (dx, dy), expansion, rotation (clockwise positive, y down). */
  foreground: 4,
  /** Centre of the moving region (x, y in -1..1) and how much moved (log scale). */
  where: 8,
  /** Per cell, row-major: mean foreground motion (dx, dy). */
  cellMotion: 11,
  /** Per cell: how much moved there (log scale). */
  cellEnergy: 11 + CELLS * CELLS * 2,
} as const;

export const MOTION_DIM = MOTION_LAYOUT.cellEnergy + CELLS * CELLS;

/** A block counts as moving on its own when its residual exceeds this many grid pixels. */
const MOVING = 0.1;

const signedSqrt = (v: number): number => Math.sign(v) * Math.sqrt(Math.abs(v));

/** Motion of one video, frame by frame; `take()` closes a sample interval. */
export class MotionStream {
  private prev: Float32Array | null = null;
  private next: Float32Array;
  /** The current frame on the fine grid (twice the block-matching grid), and the one that ended the previous sample interval. */
  private fine: Float32Array;
  private sampleStart: Float32Array | null = null;
  /** Short-step flow summed over the current interval. */
  private short: BlockFlow | null = null;

  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly grid: FlowGrid = DEFAULT_FLOW_GRID,
  ) {
    this.next = new Float32Array(grid.size * grid.size * FLOW_CHANNELS);
    this.fine = new Float32Array(4 * grid.size * grid.size * FLOW_CHANNELS);
  }

  /** Adds a decoded frame (width × height × 3 RGB bytes). */
  push(rgb: Uint8Array): void {
    reduceFrame(rgb, this.width, this.height, 2 * this.grid.size, this.fine);
    halveFrame(this.fine, 2 * this.grid.size, this.next);
    if (this.prev) this.addShortStep(blockFlow(this.prev, this.next, this.grid));
    const spare = this.prev ?? new Float32Array(this.next.length);
    this.prev = this.next;
    this.next = spare;
  }

  /**
   * Short steps see fast motion within the search; slow motion (a shape growing by a fraction of a
   * grid pixel a step) is below what block matching resolves, so each sample interval also gets a
   * gradient (Lucas–Kanade) flow from its first frame to its last on a finer grid, and each block
   * keeps whichever measure fits its speed.
   */
  private addShortStep(flow: BlockFlow): void {
    if (!this.short) this.short = { blocks: flow.blocks, dx: flow.dx, dy: flow.dy, confidence: flow.confidence };
    else
      for (let b = 0; b < flow.dx.length; b++) {
        this.short.dx[b]! += flow.dx[b]!;
        this.short.dy[b]! += flow.dy[b]!;
        this.short.confidence[b] = Math.max(this.short.confidence[b]!, flow.confidence[b]!);
      }
  }

  private intervalFlow(): BlockFlow | null {
    const short = this.short;
    const size = 2 * this.grid.size;
    const slow = this.sampleStart ? gradientFlow(this.sampleStart, this.fine, size, 2 * this.grid.block) : null;
    this.sampleStart ??= new Float32Array(this.fine.length);
    this.sampleStart.set(this.fine);
    this.short = null;
    if (!slow) return short;
    for (let b = 0; b < slow.dx.length; b++) {
      // Gradient flow is in fine-grid pixels and holds up to about one of them.
      slow.dx[b]! *= 0.5;
      slow.dy[b]! *= 0.5;
      if (!short) continue;
      const fast = Math.hypot(short.dx[b]!, short.dy[b]!) > 0.75;
      if (slow.confidence[b]! > 0 && !fast) continue;
      slow.dx[b] = short.dx[b]!;
      slow.dy[b] = short.dy[b]!;
      slow.confidence[b] = short.confidence[b]!;
    }
    return slow;
  }

  /** The motion since the last take() as a MOTION_DIM vector; starts the next interval. */
  take(out: Float32Array = new Float32Array(MOTION_DIM)): Float32Array {
    out.fill(0);
    const flow = this.intervalFlow();
    if (flow) describeInterval(flow, this.grid.size, out);
    return out;
  }
}

/** Writes the MOTION_LAYOUT vector of one sample interval's block flow into `out` (zeros where nothing moved). */
function describeInterval(flow: BlockFlow, gridSize: number, out: Float32Array): void {
  const L = MOTION_LAYOUT;
  const { blocks, dx, dy, confidence } = flow;
  const n = blocks * blocks;
  const half = (blocks - 1) / 2;
  const bg = fitBackground(flow);
  // Displacements in grid pixels become fractions of the frame side.
  const s = 1 / gridSize;
  const put = (i: number, v: number): void => void (out[i] = signedSqrt(v * s));
  put(L.global, bg[0]!);
  put(L.global + 1, bg[3]!);
  put(L.global + 2, (half * (bg[1]! + bg[5]!)) / 2);
  put(L.global + 3, (half * (bg[4]! - bg[2]!)) / 2);

  // Foreground: blocks whose motion differs from the background's, weighted by their evidence.
  let w = 0;
  let mx = 0;
  let my = 0;
  let px = 0;
  let py = 0;
  const rx = new Float32Array(n);
  const ry = new Float32Array(n);
  const rw = new Float32Array(n);
  for (let b = 0; b < n; b++) {
    const x = (b % blocks) - half;
    const y = Math.floor(b / blocks) - half;
    rx[b] = dx[b]! - (bg[0]! + bg[1]! * x + bg[2]! * y);
    ry[b] = dy[b]! - (bg[3]! + bg[4]! * x + bg[5]! * y);
    if (Math.hypot(rx[b]!, ry[b]!) < MOVING || confidence[b]! <= 0) continue;
    const wb = confidence[b]!;
    rw[b] = wb;
    w += wb;
    // Translation in screen space (as the user sees "it moves up"), shape change relative to the
    // background: a tracking shot still shows a runner's legs moving.
    mx += wb * dx[b]!;
    my += wb * dy[b]!;
    px += wb * x;
    py += wb * y;
  }
  if (w <= 0) return;
  const cx = px / w;
  const cy = py / w;
  // Expansion and rotation about the moving region's centre: the radial and tangential parts of
  // each moving block's residual. Unit vectors keep far blocks from dominating.
  let div = 0;
  let curl = 0;
  const perCell = blocks / CELLS;
  const cellMotion = new Float64Array(2 * CELLS * CELLS);
  const cellWeight = new Float64Array(CELLS * CELLS);
  for (let b = 0; b < n; b++) {
    const wb = rw[b]!;
    if (wb <= 0) continue;
    const ux = (b % blocks) - half - cx;
    const uy = Math.floor(b / blocks) - half - cy;
    const r = Math.hypot(ux, uy);
    if (r > 0.5) {
      div += (wb * (rx[b]! * ux + ry[b]! * uy)) / r;
      curl += (wb * (ux * ry[b]! - uy * rx[b]!)) / r;
    }
    const cell = Math.floor(Math.floor(b / blocks) / perCell) * CELLS + Math.floor((b % blocks) / perCell);
    cellMotion[2 * cell]! += (rx[b]! * wb) / (wb + EVIDENCE);
    cellMotion[2 * cell + 1]! += (ry[b]! * wb) / (wb + EVIDENCE);
    cellWeight[cell]! += wb / EVIDENCE;
  }
  put(L.foreground, mx / w);
  put(L.foreground + 1, my / w);
  put(L.foreground + 2, div / w);
  put(L.foreground + 3, curl / w);
  out[L.where] = (w * cx) / half / w;
  out[L.where + 1] = (w * cy) / half / w;
  out[L.where + 2] = Math.log1p(w / EVIDENCE);
  for (let c = 0; c < CELLS * CELLS; c++) {
    put(L.cellMotion + 2 * c, cellMotion[2 * c]!);
    put(L.cellMotion + 2 * c + 1, cellMotion[2 * c + 1]!);
    out[L.cellEnergy + c] = Math.log1p(cellWeight[c]!);
  }
}

/** Confidence (per pixel) of a clearly textured block: blocks above it vote on the background. */
const EVIDENCE = 4;

/**
 * The background's motion as an affine field [a0, a1, a2, b0, b1, b2]: dx = a0 + a1·x + a2·y,
 * dy = b0 + b1·x + b2·y (block units, origin at the frame centre), which covers a pan, a zoom and a
 * roll of the camera or of a textured background. Fitted to the distinctive blocks by iteratively
 * reweighted least squares, so a foreground object is an outlier. When few blocks are distinctive
 * (a plain backdrop behind the object) nothing says the background moves: the field is zero.
 */
export function fitBackground(flow: BlockFlow): Float64Array {
  const { blocks, dx, dy, confidence } = flow;
  const n = blocks * blocks;
  const half = (blocks - 1) / 2;
  const model = new Float64Array(6);
  const voters: number[] = [];
  for (let b = 0; b < n; b++) if (confidence[b]! >= EVIDENCE) voters.push(b);
  if (voters.length < 0.4 * n) return model;
  model[0] = median(voters.map((b) => dx[b]!));
  model[3] = median(voters.map((b) => dy[b]!));
  const TUKEY = 1.5;
  for (let iter = 0; iter < 3; iter++) {
    // Normal equations of [1, x, y] for both components, Tukey-weighted by the current residual.
    const m = new Float64Array(9);
    const vx = new Float64Array(3);
    const vy = new Float64Array(3);
    let used = 0;
    for (const b of voters) {
      const x = (b % blocks) - half;
      const y = Math.floor(b / blocks) - half;
      const ex = dx[b]! - (model[0]! + model[1]! * x + model[2]! * y);
      const ey = dy[b]! - (model[3]! + model[4]! * x + model[5]! * y);
      const e = Math.hypot(ex, ey) / TUKEY;
      if (e >= 1) continue;
      const w = Math.min(confidence[b]!, 4 * EVIDENCE) * (1 - e * e) ** 2;
      const f = [1, x, y];
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) m[i * 3 + j]! += w * f[i]! * f[j]!;
        vx[i]! += w * f[i]! * dx[b]!;
        vy[i]! += w * f[i]! * dy[b]!;
      }
      used++;
    }
    if (used < 0.3 * n) break;
    const ax = solve3(m, vx);
    const ay = solve3(m, vy);
    if (!ax || !ay) break;
    model.set(ax, 0);
    model.set(ay, 3);
  }
  return model;
}

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  const k = values.length;
  return k % 2 ? values[(k - 1) >> 1]! : 0.5 * (values[k / 2 - 1]! + values[k / 2]!);
}

/** Solves the symmetric 3×3 system m·a = v by Cramer's rule; null when (near) singular. */
function solve3(m: Float64Array, v: Float64Array): number[] | null {
  const det = (a: number[]): number =>
    a[0]! * (a[4]! * a[8]! - a[5]! * a[7]!) -
    a[1]! * (a[3]! * a[8]! - a[5]! * a[6]!) +
    a[2]! * (a[3]! * a[7]! - a[4]! * a[6]!);
  const base = Array.from(m);
  const d = det(base);
  if (Math.abs(d) < 1e-9 * Math.max(1, Math.abs(base[0]!)) ** 3) return null;
  return [0, 1, 2].map((col) => {
    const a = base.slice();
    for (let r = 0; r < 3; r++) a[r * 3 + col] = v[r]!;
    return det(a) / d;
  });
}
