/**
 * Coarse optical flow by block matching on small frames: the building block of the motion stream.
 *
 * Frames are reduced to a G×G grid of three channels (luma and two chroma differences), so a red
 * object on a green background of the same brightness still moves. Each B×B block of the new frame
 * is searched within ±R pixels of the old one (sum of absolute differences); the best offset is
 * refined to a fraction of a pixel with a parabola through its neighbours. A block whose best match
 * is not clearly better than "no motion" (flat colour, static background, compression noise) keeps
 * a zero vector and zero confidence: only blocks that carry evidence of motion vote.
 */

/** Channels per grid pixel: luma, red − green, blue − (red + green)/2, chroma weighted at 1/2. */
export const FLOW_CHANNELS = 3;

export interface FlowGrid {
  /** Grid side in pixels (the reduced frame is size × size). */
  size: number;
  /** Block side in grid pixels; size / block blocks per side. */
  block: number;
  /** Search radius in grid pixels. */
  radius: number;
}

export const DEFAULT_FLOW_GRID: FlowGrid = { size: 32, block: 4, radius: 4 };

/**
 * Reduces an RGB frame (width × height × 3 bytes) to `size × size × 3` by box averaging, in one
 * pass over every other row of pixels. Chroma is stored at half weight, so a plain sum of absolute differences
 * over the three channels is the matching cost.
 */
export function reduceFrame(
  rgb: Uint8Array,
  width: number,
  height: number,
  size: number,
  out?: Float32Array,
): Float32Array {
  const g = out ?? new Float32Array(size * size * FLOW_CHANNELS);
  g.fill(0);
  const { column, inverseCount } = reduction(width, height, size);
  for (let y = 0; y < height; y += ROW_STEP) {
    const gy = Math.min(size - 1, Math.floor((y * size) / height));
    const row = gy * size * FLOW_CHANNELS;
    let o = y * width * 3;
    for (let x = 0; x < width; x++, o += 3) {
      const r = rgb[o]!;
      const gr = rgb[o + 1]!;
      const b = rgb[o + 2]!;
      const c = row + column[x]!;
      g[c]! += 0.299 * r + 0.587 * gr + 0.114 * b;
      g[c + 1]! += 0.25 * (r - gr);
      g[c + 2]! += 0.25 * (b - 0.5 * (r + gr));
    }
  }
  for (let i = 0; i < size * size; i++) {
    const k = inverseCount[i]!;
    g[i * 3]! *= k;
    g[i * 3 + 1]! *= k;
    g[i * 3 + 2]! *= k;
  }
  return g;
}

/**
 * Every other source row is enough for cells of 7×7 pixels and halves the cost (the frames are
 * already scaled down by ffmpeg, so this adds no aliasing that matters to a 32-pixel grid).
 */
const ROW_STEP = 2;

/** Column → grid offset, and 1 / pixels per cell, for one frame size (the same for every frame). */
function reduction(width: number, height: number, size: number): { column: Int32Array; inverseCount: Float32Array } {
  const key = `${width}x${height}/${size}`;
  const known = reductions.get(key);
  if (known) return known;
  const column = new Int32Array(width);
  for (let x = 0; x < width; x++) column[x] = Math.min(size - 1, Math.floor((x * size) / width)) * FLOW_CHANNELS;
  const counts = new Float32Array(size * size);
  for (let y = 0; y < height; y += ROW_STEP)
    for (let x = 0; x < width; x++)
      counts[Math.min(size - 1, Math.floor((y * size) / height)) * size + column[x]! / FLOW_CHANNELS]! += 1;
  const made = { column, inverseCount: counts.map((c) => 1 / c) };
  reductions.set(key, made);
  return made;
}
const reductions = new Map<string, { column: Int32Array; inverseCount: Float32Array }>();

export interface BlockFlow {
  /** Blocks per side (size / block). */
  blocks: number;
  /** Per block (row-major): displacement in grid pixels from the old frame to the new one. */
  dx: Float32Array;
  dy: Float32Array;
  /**
   * Per block: how distinctive its best match is (how much the cost rises around it, per pixel).
   * 0 for a flat block or a poor match, whose vector means nothing; high for corners and texture,
   * still or moving.
   */
  confidence: Float32Array;
}

/**
 * Mean absolute difference per pixel and channel below which a block is "no motion": codec noise
 * and slow lighting changes stay under it, an edge moving by a pixel does not.
 */
const NOISE_FLOOR = 1.5;

/** Block matching from `prev` to `next` (both from reduceFrame with the same grid). */
export function blockFlow(prev: Float32Array, next: Float32Array, grid: FlowGrid = DEFAULT_FLOW_GRID): BlockFlow {
  const { size, block, radius } = grid;
  const blocks = Math.floor(size / block);
  const dx = new Float32Array(blocks * blocks);
  const dy = new Float32Array(blocks * blocks);
  const confidence = new Float32Array(blocks * blocks);
  const side = 2 * radius + 1;
  const sad = new Float32Array(side * side);
  const pixels = block * block * FLOW_CHANNELS;

  const rowLen = block * FLOW_CHANNELS;
  /** Matching cost of the block at (x0, y0) displaced by (ox, oy), cached in `sad`; Infinity off the frame. */
  const cost = (x0: number, y0: number, ox: number, oy: number): number => {
    const i = (oy + radius) * side + (ox + radius);
    if (sad[i]! >= 0) return sad[i]!;
    // The block at (x0, y0) in `next` came from (x0 - ox, y0 - oy) in `prev` if it moved by (ox, oy).
    const sx = x0 - ox;
    const sy = y0 - oy;
    if (sx < 0 || sy < 0 || sx + block > size || sy + block > size) return (sad[i] = Infinity);
    let s = 0;
    for (let y = 0; y < block; y++) {
      const a = ((y0 + y) * size + x0) * FLOW_CHANNELS;
      const p = ((sy + y) * size + sx) * FLOW_CHANNELS;
      for (let k = 0; k < rowLen; k++) s += Math.abs(next[a + k]! - prev[p + k]!);
    }
    return (sad[i] = s);
  };
  for (let by = 0; by < blocks; by++) {
    for (let bx = 0; bx < blocks; bx++) {
      const x0 = bx * block;
      const y0 = by * block;
      sad.fill(-1);
      let best = Infinity;
      let bestI = -1;
      const consider = (ox: number, oy: number): void => {
        const s = cost(x0, y0, ox, oy);
        const i = (oy + radius) * side + (ox + radius);
        // Ties go to the smaller displacement: flat regions match everywhere and must read as still.
        if (s < best - 1e-3 || (Math.abs(s - best) <= 1e-3 && ox * ox + oy * oy < offsetNorm(bestI, side, radius))) {
          best = s;
          bestI = i;
        }
      };
      // Every other offset first, then the neighbours of the best: a third of a full search.
      for (let oy = -radius; oy <= radius; oy += 2) for (let ox = -radius; ox <= radius; ox += 2) consider(ox, oy);
      consider(0, 0);
      if (bestI >= 0) {
        const cx = (bestI % side) - radius;
        const cy = Math.floor(bestI / side) - radius;
        for (let oy = Math.max(-radius, cy - 1); oy <= Math.min(radius, cy + 1); oy++)
          for (let ox = Math.max(-radius, cx - 1); ox <= Math.min(radius, cx + 1); ox++) consider(ox, oy);
      }
      const b = by * blocks + bx;
      if (bestI < 0) continue;
      const bx0 = (bestI % side) - radius;
      const by0 = Math.floor(bestI / side) - radius;
      // How sharply the cost rises around the best offset: a flat block matches every offset alike
      // and says nothing; an edge rises across itself only; a corner or texture everywhere.
      let rise = 0;
      let around = 0;
      let mean = 0;
      let valid = 0;
      for (let i = 0; i < sad.length; i++) {
        if (sad[i]! < 0 || sad[i] === Infinity) continue;
        mean += sad[i]!;
        valid++;
      }
      mean /= valid;
      for (let oy = Math.max(-radius, by0 - 1); oy <= Math.min(radius, by0 + 1); oy++) {
        for (let ox = Math.max(-radius, bx0 - 1); ox <= Math.min(radius, bx0 + 1); ox++) {
          const v = cost(x0, y0, ox, oy);
          if ((ox === bx0 && oy === by0) || v === Infinity) continue;
          rise += v - best;
          around++;
        }
      }
      // A best match that explains little of the block (new content entering the frame, an
      // occlusion) is no evidence either.
      confidence[b] = around > 0 && best <= 0.5 * mean ? rise / around / pixels : 0;
      const zero = sad[radius * side + radius]!;
      // Still when "no motion" is within codec noise of the best match.
      if ((zero - best) / pixels < NOISE_FLOOR / 4 || zero / pixels < NOISE_FLOOR) continue;
      dx[b] = bx0 + subPixel(sad, bestI, 1, bx0 > -radius && bx0 < radius);
      dy[b] = by0 + subPixel(sad, bestI, side, by0 > -radius && by0 < radius);
    }
  }
  return { blocks, dx, dy, confidence };
}

function offsetNorm(i: number, side: number, radius: number): number {
  if (i < 0) return Infinity;
  const ox = (i % side) - radius;
  const oy = Math.floor(i / side) - radius;
  return ox * ox + oy * oy;
}

/** Vertex of the parabola through the best cost and its two neighbours along one axis, in (-0.5, 0.5). */
function subPixel(sad: Float32Array, i: number, stride: number, inside: boolean): number {
  if (!inside) return 0;
  const l = sad[i - stride]!;
  const c = sad[i]!;
  const r = sad[i + stride]!;
  const denom = l - 2 * c + r;
  if (!(denom > 1e-6) || !Number.isFinite(l) || !Number.isFinite(r)) return 0;
  return Math.max(-0.5, Math.min(0.5, (0.5 * (l - r)) / denom));
}

/**
 * Lucas–Kanade flow per block from `prev` to `next` (reduced frames of one grid): sub-pixel motion
 * from brightness gradients, exact where block matching reads zero (a shape growing by a tenth of a
 * pixel a step). Valid for displacements up to about a pixel. On an edge only the motion across it
 * is defined; a small ridge gives that normal motion instead of noise along the edge.
 */
export function gradientFlow(prev: Float32Array, next: Float32Array, size: number, block: number): BlockFlow {
  const blocks = Math.floor(size / block);
  const dx = new Float32Array(blocks * blocks);
  const dy = new Float32Array(blocks * blocks);
  const confidence = new Float32Array(blocks * blocks);
  const at = (img: Float32Array, x: number, y: number, c: number): number => img[(y * size + x) * FLOW_CHANNELS + c]!;
  for (let by = 0; by < blocks; by++) {
    for (let bx = 0; bx < blocks; bx++) {
      let xx = 0;
      let xy = 0;
      let yy = 0;
      let xt = 0;
      let yt = 0;
      let tt = 0;
      for (let y = Math.max(1, by * block); y < Math.min(size - 1, (by + 1) * block); y++) {
        for (let x = Math.max(1, bx * block); x < Math.min(size - 1, (bx + 1) * block); x++) {
          for (let c = 0; c < FLOW_CHANNELS; c++) {
            const gx =
              0.25 * (at(prev, x + 1, y, c) - at(prev, x - 1, y, c) + at(next, x + 1, y, c) - at(next, x - 1, y, c));
            const gy =
              0.25 * (at(prev, x, y + 1, c) - at(prev, x, y - 1, c) + at(next, x, y + 1, c) - at(next, x, y - 1, c));
            const gt = at(next, x, y, c) - at(prev, x, y, c);
            xx += gx * gx;
            xy += gx * gy;
            yy += gy * gy;
            xt += gx * gt;
            yt += gy * gt;
            tt += gt * gt;
          }
        }
      }
      const b = by * blocks + bx;
      const n = block * block * FLOW_CHANNELS;
      // Nothing changed beyond codec noise: still (and no evidence either way).
      if (tt / n < NOISE_FLOOR * NOISE_FLOOR * 0.25) continue;
      const trace = xx + yy;
      const ridge = 0.01 * trace + 1e-3;
      const a = xx + ridge;
      const d = yy + ridge;
      const det = a * d - xy * xy;
      if (!(det > 0)) continue;
      const u = -(d * xt - xy * yt) / det;
      const v = -(a * yt - xy * xt) / det;
      dx[b] = u;
      dy[b] = v;
      // The stronger eigenvalue of the gradient matrix: how much edge the block has, per pixel.
      const lambda = 0.5 * (trace + Math.sqrt((xx - yy) ** 2 + 4 * xy * xy));
      confidence[b] = Math.sqrt(lambda / n);
    }
  }
  return { blocks, dx, dy, confidence };
}

/** Halves a reduced frame (2×2 means): the coarse grid for block matching from the fine one. */
export function halveFrame(fine: Float32Array, size: number, out?: Float32Array): Float32Array {
  const half = size >> 1;
  const g = out ?? new Float32Array(half * half * FLOW_CHANNELS);
  for (let y = 0; y < half; y++)
    for (let x = 0; x < half; x++)
      for (let c = 0; c < FLOW_CHANNELS; c++) {
        const i = (2 * y * size + 2 * x) * FLOW_CHANNELS + c;
        const j = i + size * FLOW_CHANNELS;
        g[(y * half + x) * FLOW_CHANNELS + c] =
          0.25 * (fine[i]! + fine[i + FLOW_CHANNELS]! + fine[j]! + fine[j + FLOW_CHANNELS]!);
      }
  return g;
}
