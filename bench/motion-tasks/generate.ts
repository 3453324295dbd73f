/**
 * Generates one set of synthetic motion action-recognition clips:
 *
 *   npx tsx bench/motion-tasks/generate.ts --task updown-growshrink --per-class 8 --seed 1 --out .tmp/motion/train
 *     [--backgrounds kind,kind] [--exclude-backgrounds kind,...] [--shapes s,...] [--exclude-shapes s,...]
 *     [--size WxH] [--fps N] [--duration SEC] [--footage DIR]
 *
 * Writes DIR/clip-NNN.mp4, DIR/labels.csv (for `framewise import`) and DIR/truth.json.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BACKGROUND_KINDS, isBackgroundKind, type BackgroundKind } from './backgrounds.js';
import { isTaskName, TASKS } from './motions.js';
import { SHAPES, type ShapeKind } from './shapes.js';
import { generateSet } from './set.js';

const usage = `Usage: npx tsx bench/motion-tasks/generate.ts --task <${Object.keys(TASKS).join('|')}> --per-class N --seed S --out DIR
  [--backgrounds ${BACKGROUND_KINDS.join(',')}] [--exclude-backgrounds kind,...]
  [--shapes ${SHAPES.join(',')}] [--exclude-shapes shape,...]
  [--size WxH] [--fps N] [--duration SEC] [--footage DIR]`;

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n${usage}\n`);
  process.exit(2);
}

function list<T extends string>(v: string | undefined, ok: (s: string) => s is T, what: string): T[] | undefined {
  if (v === undefined) return undefined;
  const items = v.split(',').map((s) => s.trim());
  for (const s of items) if (!ok(s)) fail(`unknown ${what} "${s}"`);
  return items as T[];
}

function positiveNumber(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(Number.isFinite(n) && n > 0)) fail(`--${name} must be a positive number (got ${v})`);
  return n;
}

const isShape = (s: string): s is ShapeKind => (SHAPES as readonly string[]).includes(s);

let values: Record<string, string | undefined>;
try {
  values = parseArgs({
    options: Object.fromEntries(
      [
        'task',
        'per-class',
        'seed',
        'out',
        'backgrounds',
        'exclude-backgrounds',
        'shapes',
        'exclude-shapes',
        'size',
        'fps',
        'duration',
        'footage',
      ].map((k) => [k, { type: 'string' as const }]),
    ),
  }).values as Record<string, string | undefined>;
} catch (e) {
  fail((e as Error).message);
}

const task = values['task'] ?? fail('--task is required');
if (!isTaskName(task)) fail(`unknown task "${task}"`);
const out = values['out'] ?? fail('--out is required');
const perClass = positiveNumber(values['per-class'], 'per-class') ?? 8;
if (!Number.isInteger(perClass)) fail('--per-class must be an integer');
const seed = Number(values['seed'] ?? 1);
if (!Number.isInteger(seed)) fail('--seed must be an integer');
let size: { width: number; height: number } | undefined;
if (values['size'] !== undefined) {
  const m = /^(\d+)x(\d+)$/.exec(values['size']);
  if (!m) fail('--size must look like 320x240');
  size = { width: Number(m[1]), height: Number(m[2]) };
  // yuv420p needs even sides.
  if (size.width % 2 || size.height % 2) fail('--size needs even width and height');
}
const footageDir = values['footage'];

const t0 = performance.now();
const truth = await generateSet({
  task,
  perClass,
  seed,
  out,
  backgrounds: list<BackgroundKind>(values['backgrounds'], isBackgroundKind, 'background kind'),
  excludeBackgrounds: list<BackgroundKind>(values['exclude-backgrounds'], isBackgroundKind, 'background kind'),
  shapes: list(values['shapes'], isShape, 'shape'),
  excludeShapes: list(values['exclude-shapes'], isShape, 'shape'),
  ...(size ? { size } : {}),
  ...(values['fps'] !== undefined ? { fps: positiveNumber(values['fps'], 'fps')! } : {}),
  ...(values['duration'] !== undefined ? { durationSec: positiveNumber(values['duration'], 'duration')! } : {}),
  ...(footageDir !== undefined ? { footageFiles: readdirSync(footageDir).map((f) => join(footageDir, f)) } : {}),
  log: (line) => process.stdout.write(line + '\n'),
});
process.stdout.write(
  `${truth.clips.length} clips (${truth.classes.join(', ')}) in ${out}; backgrounds ${truth.backgrounds.join(', ')}; ` +
    `shapes ${truth.shapes.join(', ')} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
);
