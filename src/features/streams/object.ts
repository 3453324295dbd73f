/**
 * The object stream: per sampled frame, what the moving foreground object looks like — its colour
 * in CIE Lab next to its surround's, its size, place, aspect and a coarse shape.
 *
 * A pooled CNN vector of the whole frame hardly says which colour a small object has on a coloured,
 * textured background (docs/captioning-model.md: a classifier on it reads the colour at chance).
 * Here the object is found where the frame changed since three samples ago, after compensating a
 * scrolling or panned background by the shift that best re-aligns the frame. Every changed pixel
 * holds the object either now or then; the one of the two colours that is rarer in the surround
 * (the frame outside the changed region) is the object's. The object's region now is then the
 * pixels near the changed region that have that colour. When nothing moved the last description
 * is held, so an object at rest at the start or end of a clip keeps its colour.
 */
import { FLOW_CHANNELS, reduceFrame } from './block-flow.js';
import { reducedToLab } from './colour-lab.js';
import { objectRegion } from './object-region.js';

/** Side of the grid the object is measured on. */
const G = 64;

/** Layout of one object vector; its length is OBJECT_DIM. */
export const OBJECT_LAYOUT = {
  /** Object colour: L/100, a/100, b/100 (CIE Lab, D65). */
  colour: 0,
  /** Surround colour, same scale. */
  surround: 3,
  /** Colour difference object − surround (ΔE/100); 1 when an object was ever found, 1 when found in this sample. */
  contrast: 6,
  present: 7,
  fresh: 8,
  /** sqrt(area fraction), centre (x, y in -1..1), bounding box width and height (fractions), log aspect w/h, fill ratio. */
  geometry: 9,
  /** Share of each ninth of the bounding box (3×3, row-major) the object fills. */
  shape: 16,
} as const;

export const OBJECT_DIM = OBJECT_LAYOUT.shape + 9;

/** Samples between the frames compared: slow growth needs more than one sample interval to show. */
const LAG = 3;
/** ΔE below which a pixel counts as unchanged (on box-averaged 64-grid pixels codec noise stays well under it). */
const CHANGED = 14;
/** Fewest changed pixels that describe an object (a 3×3 patch on the 64 grid). */
const MIN_CHANGED = 9;
/**
 * A background shift is searched for only when changes are spread over more than this share of the
 * frame's 8×8 cells: a moving object changes one compact region, and on a plain background the
 * object's own motion would otherwise be taken for the background's.
 */
const SCROLLING = 0.5;
const CELL = 8;

export class ObjectStream {
  private readonly fine = new Float32Array(G * G * FLOW_CHANNELS);
  /** Lab frames of the last LAG + 1 samples, oldest first. */
  private history: Float32Array[] = [];
  private last: Uint8Array | null = null;
  private held = new Float32Array(OBJECT_DIM);

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {}

  /** Only sampled frames are measured: keep the latest, take() reads it before the caller reuses it. */
  push(rgb: Uint8Array): void {
    this.last = rgb;
  }

  take(out: Float32Array = new Float32Array(OBJECT_DIM)): Float32Array {
    out.fill(0);
    if (!this.last) return out;
    reduceFrame(this.last, this.width, this.height, G, this.fine);
    const lab = this.history.length > LAG ? this.history.shift()! : new Float32Array(G * G * 3);
    reducedToLab(this.fine, lab);
    this.history.push(lab);
    const found = this.history.length > LAG ? describeObject(this.history[0]!, lab, out) : false;
    if (found) {
      out[OBJECT_LAYOUT.fresh] = 1;
      this.held.set(out);
      this.held[OBJECT_LAYOUT.fresh] = 0;
    } else out.set(this.held);
    return out;
  }
}

const deltaE = (a: Float32Array, i: number, b: Float32Array | number[], j: number): number => {
  // Math.hypot is several times slower than this in V8, and this is the inner loop of the stream.
  const d0 = a[3 * i]! - b[3 * j]!;
  const d1 = a[3 * i + 1]! - b[3 * j + 1]!;
  const d2 = a[3 * i + 2]! - b[3 * j + 2]!;
  return Math.sqrt(d0 * d0 + d1 * d1 + d2 * d2);
};

/**
 * ΔE of pixel `i` of `now` (by default the one at (x, y)) from the closest of the 3×3 pixels
 * around (x, y) in `then`: a background re-aligned to the nearest grid pixel, or scrolling by less
 * than one, leaves sub-pixel residue on every texture edge; the object's colour differs from all
 * the background around it.
 */
function changedFrom(then: Float32Array, now: Float32Array, x: number, y: number, i = y * G + x): number {
  let best = Infinity;
  for (let v = Math.max(0, y - 1); v <= Math.min(G - 1, y + 1); v++)
    for (let u = Math.max(0, x - 1); u <= Math.min(G - 1, x + 1); u++)
      best = Math.min(best, deltaE(now, i, then, v * G + u));
  return best;
}

/** Mean (truncated) ΔE over the overlap when `now` is compared with `then` shifted by (sx, sy) on a grid of side n. */
function shiftCost(then: Float32Array, now: Float32Array, n: number, sx: number, sy: number): number {
  let sum = 0;
  let count = 0;
  for (let y = Math.max(0, sy); y < Math.min(n, n + sy); y++)
    for (let x = Math.max(0, sx); x < Math.min(n, n + sx); x++) {
      // Truncated: a saturated object on a grey texture must not outweigh the texture.
      sum += Math.min(2 * CHANGED, deltaE(now, y * n + x, then, (y - sy) * n + (x - sx)));
      count++;
    }
  return count > 0 ? sum / count : Infinity;
}

/** 2×2 means of a Lab grid of side n. */
function halve(lab: Float32Array, n: number): Float32Array {
  const h = n >> 1;
  const out = new Float32Array(h * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < h; x++)
      for (let c = 0; c < 3; c++) {
        const i = (2 * y * n + 2 * x) * 3 + c;
        out[(y * h + x) * 3 + c] = 0.25 * (lab[i]! + lab[i + 3]! + lab[i + 3 * n]! + lab[i + 3 * n + 3]!);
      }
  return out;
}

/**
 * The background's shift from `then` to `now` in grid pixels: the best of ±16 pixels searched on a
 * 16-grid, refined by ±2 on the 32-grid and ±1 on the full one (a pyramid: a fifth of the cost of
 * refining on the full grid alone). A periodic texture may align at a wrong period, which for
 * differencing is as good as the right one.
 */
function backgroundShift(then: Float32Array, now: Float32Array): [number, number] {
  const then32 = halve(then, G);
  const now32 = halve(now, G);
  const levels: [Float32Array, Float32Array, number, number][] = [
    [halve(then32, G / 2), halve(now32, G / 2), G / 4, 4],
    [then32, now32, G / 2, 2],
    [then, now, G, 1],
  ];
  let best: [number, number] = [0, 0];
  for (const [a, b, n, radius] of levels) {
    const [cx, cy] = n === G / 4 ? [0, 0] : [2 * best[0], 2 * best[1]];
    let bestCost = Infinity;
    for (let sy = cy - radius; sy <= cy + radius; sy++)
      for (let sx = cx - radius; sx <= cx + radius; sx++) {
        const c = shiftCost(a, b, n, sx, sy) + 1e-3 * (sx * sx + sy * sy);
        if (c < bestCost) [bestCost, best] = [c, [sx, sy]];
      }
  }
  return best;
}

/** Lab histogram bin: L in 5 bins, a and b in 8 each over ±100. */
const bin = (lab: Float32Array | number[], i: number): number => {
  const q = (v: number, lo: number, hi: number, k: number): number =>
    Math.min(k - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * k)));
  return (q(lab[3 * i]!, 0, 100, 5) * 8 + q(lab[3 * i + 1]!, -100, 100, 8)) * 8 + q(lab[3 * i + 2]!, -100, 100, 8);
};

/** Writes the OBJECT_LAYOUT description of the moving object into `out`; false when nothing moved. */
function describeObject(then: Float32Array, now: Float32Array, out: Float32Array): boolean {
  const n = G * G;
  let changedAtZero = 0;
  const changedCells = new Uint16Array((G / CELL) ** 2);
  for (let i = 0; i < n; i++) {
    if (deltaE(now, i, then, i) <= CHANGED) continue;
    changedAtZero++;
    const x = i % G;
    changedCells[Math.floor((i - x) / G / CELL) * (G / CELL) + Math.floor(x / CELL)]! += 1;
  }
  if (changedAtZero < MIN_CHANGED) return false;
  const scrolling = changedCells.filter((c) => c >= 2).length / changedCells.length > SCROLLING;
  const [sx, sy] = scrolling ? backgroundShift(then, now) : [0, 0];
  // Changed pixels: 1 + the index of the colour each had before, 0 where unchanged or off the
  // overlap. On a still background pixels are compared one to one (a shape growing by less than a
  // pixel still shows), on a re-aligned one with a pixel's tolerance.
  const before = new Int32Array(n);
  for (let y = Math.max(0, sy); y < Math.min(G, G + sy); y++)
    for (let x = Math.max(0, sx); x < Math.min(G, G + sx); x++) {
      const i = y * G + x;
      const j = (y - sy) * G + (x - sx);
      const d = scrolling ? changedFrom(then, now, x - sx, y - sy, i) : deltaE(now, i, then, j);
      if (d > CHANGED) before[i] = j + 1;
    }
  const box = objectRegion(before, G, MIN_CHANGED);
  if (!box) return false;
  const pad = 2;
  const x0 = Math.max(0, box[0] - pad);
  const x1 = Math.min(G - 1, box[1] + pad);
  const y0 = Math.max(0, box[2] - pad);
  const y1 = Math.min(G - 1, box[3] + pad);
  const inBox = (i: number): boolean => {
    const x = i % G;
    const y = (i - x) / G;
    return x >= x0 && x <= x1 && y >= y0 && y <= y1;
  };
  // Surround: the frame outside that region.
  const hist = new Float32Array(5 * 8 * 8);
  const surround = [0, 0, 0];
  let outside = 0;
  for (let i = 0; i < n; i++) {
    if (inBox(i)) continue;
    hist[bin(now, i)]! += 1;
    for (let c = 0; c < 3; c++) surround[c]! += now[3 * i + c]!;
    outside++;
  }
  if (outside > 0) for (let c = 0; c < 3; c++) surround[c]! /= outside;
  else for (let c = 0; c < 3; c++) surround[c] = median(Array.from({ length: n }, (_, i) => now[3 * i + c]!));
  // Per changed pixel, the member of (now, then) rarer in the surround is the object.
  const picked: number[][] = [[], [], []];
  for (let i = 0; i < n; i++) {
    const j = before[i]! - 1;
    if (j < 0 || !inBox(i)) continue;
    const useNow = hist[bin(now, i)]! <= hist[bin(then, j)]!;
    const src = useNow ? now : then;
    const k = useNow ? i : j;
    for (let c = 0; c < 3; c++) picked[c]!.push(src[3 * k + c]!);
  }
  if (picked[0]!.length < MIN_CHANGED) return false;
  const colour = picked.map(median);
  const contrast = Math.hypot(colour[0]! - surround[0]!, colour[1]! - surround[1]!, colour[2]! - surround[2]!);
  // The object now: pixels in the region (grown by a quarter) closer to its colour than half its contrast.
  const gx = Math.ceil(0.25 * (x1 - x0 + 1));
  const gy = Math.ceil(0.25 * (y1 - y0 + 1));
  const near = Math.min(25, Math.max(8, 0.5 * contrast));
  const member = new Uint8Array(n);
  let area = 0;
  let mx = 0;
  let my = 0;
  let bx0 = G;
  let bx1 = -1;
  let by0 = G;
  let by1 = -1;
  for (let y = Math.max(0, y0 - gy); y <= Math.min(G - 1, y1 + gy); y++)
    for (let x = Math.max(0, x0 - gx); x <= Math.min(G - 1, x1 + gx); x++) {
      const i = y * G + x;
      if (deltaE(now, i, colour, 0) > near) continue;
      member[i] = 1;
      area++;
      mx += x;
      my += y;
      [bx0, bx1, by0, by1] = [Math.min(bx0, x), Math.max(bx1, x), Math.min(by0, y), Math.max(by1, y)];
    }
  const L = OBJECT_LAYOUT;
  for (let c = 0; c < 3; c++) {
    out[L.colour + c] = colour[c]! / 100;
    out[L.surround + c] = surround[c]! / 100;
  }
  out[L.contrast] = contrast / 100;
  out[L.present] = 1;
  if (area === 0) return true;
  const w = bx1 - bx0 + 1;
  const h = by1 - by0 + 1;
  out[L.geometry] = Math.sqrt(area / n);
  out[L.geometry + 1] = (2 * (mx / area + 0.5)) / G - 1;
  out[L.geometry + 2] = (2 * (my / area + 0.5)) / G - 1;
  out[L.geometry + 3] = w / G;
  out[L.geometry + 4] = h / G;
  out[L.geometry + 5] = Math.log(w / h);
  out[L.geometry + 6] = area / (w * h);
  // Fill of each ninth of the bounding box: a box fills all, a disc leaves its corners, a cross its
  // corners only, a triangle its top corners.
  const cells = new Float32Array(9);
  const total = new Float32Array(9);
  for (let y = by0; y <= by1; y++)
    for (let x = bx0; x <= bx1; x++) {
      const c = Math.min(2, Math.floor((3 * (y - by0)) / h)) * 3 + Math.min(2, Math.floor((3 * (x - bx0)) / w));
      total[c]! += 1;
      cells[c]! += member[y * G + x]!;
    }
  for (let c = 0; c < 9; c++) out[L.shape + c] = total[c]! > 0 ? cells[c]! / total[c]! : 0;
  return true;
}

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  const k = s.length;
  return k % 2 ? s[(k - 1) >> 1]! : 0.5 * (s[k / 2 - 1]! + s[k / 2]!);
}
