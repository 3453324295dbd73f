/**
 * CIE Lab (D65) of the reduced frames of block-flow.ts: a perceptual space in which a colour's
 * distance means what a person sees, and a* / b* name its hue (red a* > 0, blue b* < 0).
 */
/** sRGB level (0..255) → linear light: a table, the frames are 8-bit and pow() per pixel costs more than the rest. */
const LINEAR = Float32Array.from({ length: 256 }, (_, c) => {
  const x = c / 255;
  return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
});
const lin = (c: number): number => LINEAR[Math.min(255, Math.max(0, Math.round(c)))]!;

const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 / 116) * t + 16 / 116);

/** reduceFrame's channels (luma, (r−g)/4, (b−(r+g)/2)/4) back to RGB, then sRGB → CIE Lab. */
export function reducedToLab(grid: Float32Array, out: Float32Array): Float32Array {
  for (let i = 0; i < grid.length / 3; i++) {
    const y = grid[3 * i]!;
    const u = 4 * grid[3 * i + 1]!;
    const v = 4 * grid[3 * i + 2]!;
    const s = 2 * (y + 0.144 * u - 0.114 * v);
    const r = lin((s + u) / 2);
    const g = lin((s - u) / 2);
    const b = lin(v + s / 2);
    const fx = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
    const fy = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
    const fz = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
    out[3 * i] = 116 * fy - 16;
    out[3 * i + 1] = 500 * (fx - fy);
    out[3 * i + 2] = 200 * (fy - fz);
  }
  return out;
}
