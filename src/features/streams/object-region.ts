/** Where on the object stream's grid the moving object changed the frame (object.ts). */
/**
 * Bounding box [x0, x1, y0, y1] of the moving object's changes: the largest 8-connected region of
 * changed pixels and the regions whose centre lies within its size of it (the leading and trailing
 * edges of a moving shape), not far-off small ones (distractors, grain); null when the largest has
 * fewer than `minCount` pixels. `changed` is nonzero where a pixel of the G × G grid changed.
 */
export function objectRegion(
  changed: Int32Array,
  G: number,
  minCount: number,
): [number, number, number, number] | null {
  const label = new Int32Array(G * G).fill(-1);
  const parts: { count: number; sx: number; sy: number; box: [number, number, number, number] }[] = [];
  const stack: number[] = [];
  for (let seed = 0; seed < G * G; seed++) {
    if (!changed[seed] || label[seed]! >= 0) continue;
    const part = { count: 0, sx: 0, sy: 0, box: [G, -1, G, -1] as [number, number, number, number] };
    label[seed] = parts.length;
    stack.push(seed);
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % G;
      const y = (i - x) / G;
      part.count++;
      part.sx += x;
      part.sy += y;
      part.box = [
        Math.min(part.box[0], x),
        Math.max(part.box[1], x),
        Math.min(part.box[2], y),
        Math.max(part.box[3], y),
      ];
      for (let v = Math.max(0, y - 1); v <= Math.min(G - 1, y + 1); v++)
        for (let u = Math.max(0, x - 1); u <= Math.min(G - 1, x + 1); u++) {
          const k = v * G + u;
          if (changed[k] && label[k]! < 0) {
            label[k] = parts.length;
            stack.push(k);
          }
        }
    }
    parts.push(part);
  }
  parts.sort((a, b) => b.count - a.count);
  const main = parts[0];
  if (!main || main.count < minCount) return null;
  const reach = Math.max(4, main.box[1] - main.box[0] + 1, main.box[3] - main.box[2] + 1);
  const box = main.box.slice() as [number, number, number, number];
  for (const p of parts.slice(1)) {
    const cx = p.sx / p.count;
    const cy = p.sy / p.count;
    if (p.count < 3 || cx < main.box[0] - reach || cx > main.box[1] + reach) continue;
    if (cy < main.box[2] - reach || cy > main.box[3] + reach) continue;
    box[0] = Math.min(box[0], p.box[0]);
    box[1] = Math.max(box[1], p.box[1]);
    box[2] = Math.min(box[2], p.box[2]);
    box[3] = Math.max(box[3], p.box[3]);
  }
  return box;
}
