import { describe, it, expect } from 'vitest';
import { ObjectStream, OBJECT_DIM, OBJECT_LAYOUT as L } from '../../src/features/streams/object.js';
import { featureSetId, streamsFor } from '../../src/features/streams/streams.js';
import { Rng } from '../../src/util/rng.js';

const W = 224;

function frame(
  bg: (x: number, y: number) => number[],
  inside: (x: number, y: number) => boolean,
  fg: number[],
): Uint8Array {
  const out = new Uint8Array(W * W * 3);
  for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) out.set(inside(x, y) ? fg : bg(x, y), (y * W + x) * 3);
  return out;
}

const grey = (): number[] => [110, 110, 110];
/** A grey value-noise texture scrolled by (ox, oy). */
function texture(seed: number, ox = 0, oy = 0): (x: number, y: number) => number[] {
  const rng = new Rng(seed);
  const cells = Array.from({ length: 64 * 64 }, () => 60 + rng.int(140));
  return (x, y) => {
    const v = cells[(Math.floor((y + oy) / 9) & 63) * 64 + (Math.floor((x + ox) / 9) & 63)]!;
    return [v, v, v];
  };
}
/** Vertical stripes 16 px wide scrolled by ox: a periodic texture. */
const stripes =
  (ox: number) =>
  (x: number): number[] =>
    Math.floor((x + ox) / 16) % 2 ? [200, 200, 200] : [60, 60, 60];

const box = (cx: number, cy: number, half: number) => (x: number, y: number) =>
  Math.abs(x - cx) < half && Math.abs(y - cy) < half;
const disc = (cx: number, cy: number, r: number) => (x: number, y: number) => (x - cx) ** 2 + (y - cy) ** 2 < r * r;

/** The stream's vector after the last of `frames`, one frame per sample. */
function last(frames: Uint8Array[]): Float32Array {
  const s = new ObjectStream(W, W);
  let v: Float32Array = new Float32Array(OBJECT_DIM);
  for (const f of frames) {
    s.push(f);
    v = s.take();
  }
  return v;
}

const red = [220, 30, 30];
const blue = [30, 40, 230];

describe('object stream', () => {
  it("reads a moving box's colour, place and size on a plain background", () => {
    const v = last(Array.from({ length: 6 }, (_, i) => frame(grey, box(60 + 10 * i, 150, 25), red)));
    expect(v[L.fresh]).toBe(1);
    expect(v[L.colour + 1]).toBeGreaterThan(0.4); // a* of red
    expect(Math.abs(v[L.surround + 1]!)).toBeLessThan(0.05); // grey around it
    // The box ends centred at (110, 150) of 224: x ≈ 0, y ≈ 0.34; side 50 px ≈ 0.22 of the frame.
    expect(Math.abs(v[L.geometry + 1]!)).toBeLessThan(0.1);
    expect(v[L.geometry + 2]).toBeGreaterThan(0.25);
    expect(v[L.geometry + 2]).toBeLessThan(0.45);
    expect(v[L.geometry]).toBeGreaterThan(0.17);
    expect(v[L.geometry]).toBeLessThan(0.27);
    expect(v[L.geometry + 6]).toBeGreaterThan(0.85); // a box fills its bounding box
  });

  it('tells a disc from a box by how it fills its bounding box', () => {
    const d = last(Array.from({ length: 6 }, (_, i) => frame(grey, disc(112, 60 + 10 * i, 35), blue)));
    expect(d[L.colour + 2]).toBeLessThan(-0.4); // b* of blue
    expect(d[L.geometry + 6]).toBeGreaterThan(0.65);
    expect(d[L.geometry + 6]).toBeLessThan(0.88);
    expect(d[L.shape]).toBeLessThan(d[L.shape + 4]! - 0.2); // corner emptier than the centre
  });

  it('finds the object on a scrolling noise texture and on scrolling stripes', () => {
    for (const bg of [(i: number) => texture(3, 7 * i, 3 * i), (i: number) => stripes(12 * i)]) {
      const v = last(Array.from({ length: 6 }, (_, i) => frame(bg(i), box(112, 170 - 12 * i, 28), red)));
      expect(v[L.fresh]).toBe(1);
      expect(v[L.colour + 1]).toBeGreaterThan(0.4);
      expect(v[L.geometry + 2]).toBeLessThan(0.1); // ends at y = 110 of 224
    }
  });

  it('keeps to the moving object, not a small far-off distractor, and sees slow growth', () => {
    const green = [30, 200, 40];
    const frames = Array.from({ length: 6 }, (_, i) => {
      const shape = box(60, 60 + 10 * i, 25);
      const flicker = box(180 + (i % 2) * 6, 190, 7);
      return frame(grey, (x, y) => shape(x, y) || flicker(x, y), red).map((v, k) => {
        const p = Math.floor(k / 3);
        return flicker(p % W, Math.floor(p / W)) ? green[k % 3]! : v;
      });
    });
    const v = last(frames);
    expect(v[L.colour + 1]).toBeGreaterThan(0.4); // red, not green (a* < 0)
    expect(v[L.geometry + 1]).toBeLessThan(-0.3); // on the left where the box is
    // A box growing by 1.5 px a side a sample: under a grid pixel between samples.
    const grow = last(Array.from({ length: 6 }, (_, i) => frame(grey, box(112, 112, 30 + 1.5 * i), blue)));
    expect(grow[L.fresh]).toBe(1);
    expect(grow[L.colour + 2]).toBeLessThan(-0.4);
  });

  it('holds the last description while nothing moves, and says nothing before anything did', () => {
    const still = frame(grey, box(100, 100, 20), red);
    expect(Array.from(last([still, still, still, still])).every((x) => x === 0)).toBe(true);
    const frames = Array.from({ length: 5 }, (_, i) => frame(grey, box(60 + 10 * i, 100, 20), red));
    const v = last([...frames, frames[4]!, frames[4]!, frames[4]!, frames[4]!]);
    expect(v[L.present]).toBe(1);
    expect(v[L.fresh]).toBe(0);
    expect(v[L.colour + 1]).toBeGreaterThan(0.4);
  });

  it('is a stream of its own in the feature set id', () => {
    expect(featureSetId('bb', streamsFor(['appearance', 'motion', 'object']))).toBe('bb+motion3+object3');
    expect(streamsFor(['object'])[0]!.dim).toBe(OBJECT_DIM);
  });
});
