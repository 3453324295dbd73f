/**
 * Trains and evaluates through the real CLI on generated motion tasks, and reports top-1 on unseen
 * clips per task × feature streams × head:
 *
 *   npm run bench:motion -- [--tasks updown-growshrink,order] [--streams "default;appearance;appearance,motion"]
 *     [--heads lstm,gru,mean] [--per-class 8] [--seed 1] [--epochs 40] [--patience N]
 *     [--heldout-variant none|backgrounds|shapes|both] [--work .tmp/motion-tasks]
 *
 * Per task: a train set (seed S) and a test set (seed S + 1000, by default drawn only from background
 * kinds and shapes the train set never used), then `framewise init` (with `--streams` only when a
 * combination is given), `add`, `import`, `train --head H --name H`, `predict --model H --json`.
 * Prints a markdown table and writes bench/motion-tasks/results.json.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BackgroundKind } from './backgrounds.js';
import { cli, cliError, ensureBuilt, parseJson, REPO } from './cli.js';
import { isTaskName, TASKS, type TaskName } from './motions.js';
import { defaultFootageFiles, generateSet, taskShapes, type SetTruth } from './set.js';
import type { ShapeKind } from './shapes.js';

const HEADS = ['lstm', 'gru', 'mean'] as const;
type Head = (typeof HEADS)[number];

const VARIANTS = ['none', 'backgrounds', 'shapes', 'both'] as const;
type Variant = (typeof VARIANTS)[number];

/** What the test set may use and the train set may not, per held-out variant. */
const HELDOUT_BACKGROUNDS: readonly BackgroundKind[] = ['footage', 'checker', 'radial-gradient'];
const HELDOUT_SHAPES: readonly ShapeKind[] = ['L-shape', 'star', 'ring'];

const log = (s: string): void => void process.stdout.write(s + '\n');

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: 'updown-growshrink,directions,rotation,order' },
    streams: { type: 'string' },
    heads: { type: 'string', default: HEADS.join(',') },
    'per-class': { type: 'string', default: '8' },
    seed: { type: 'string', default: '1' },
    epochs: { type: 'string', default: '40' },
    patience: { type: 'string' },
    'heldout-variant': { type: 'string', default: 'both' },
    work: { type: 'string', default: join(REPO, '.tmp', 'motion-tasks') },
  },
});

const tasks = values.tasks.split(',').map((t) => (isTaskName(t) ? t : fail(`unknown task "${t}"`)));
const heads = values.heads.split(',').map((h) => (HEADS.find((x) => x === h) ?? fail(`unknown head "${h}"`)) as Head);
// null (or "default" in the list) = the CLI's default streams: no --streams flag at all, which works
// before the flag exists.
const streamCombos: (string | null)[] =
  values.streams === undefined
    ? [null]
    : values.streams
        .split(';')
        .map((s) => s.trim())
        .filter((s) => s !== '')
        .map((s) => (s === 'default' ? null : s));
const perClass = Number(values['per-class']);
const seed = Number(values.seed);
const epochs = Number(values.epochs);
if (![perClass, seed, epochs].every(Number.isInteger) || perClass < 2 || epochs < 1)
  fail('--per-class (≥ 2), --seed and --epochs (≥ 1) must be integers');
// Passed on only when given: the CLI's early stopping (patience 5 on a validation split of a few
// videos) usually ends these runs within a few epochs; --patience 0 trains all --epochs.
const patience = values.patience === undefined ? undefined : Number(values.patience);
if (patience !== undefined && !(Number.isInteger(patience) && patience >= 0)) fail('--patience must be an integer ≥ 0');
const variant = (VARIANTS.find((v) => v === values['heldout-variant']) ??
  fail(`--heldout-variant must be one of ${VARIANTS.join(', ')}`)) as Variant;
const work = resolve(values.work);

async function ensureSet(task: TaskName, which: 'train' | 'test'): Promise<{ dir: string; truth: SetTruth }> {
  const setSeed = which === 'train' ? seed : seed + 1000;
  const dir = join(work, 'sets', `${task}-${which}-seed${setSeed}-n${perClass}-heldout-${variant}`);
  const truthFile = join(dir, 'truth.json');
  if (existsSync(truthFile)) return { dir, truth: JSON.parse(await readFile(truthFile, 'utf8')) as SetTruth };
  const heldBg = variant === 'backgrounds' || variant === 'both';
  const heldShape = variant === 'shapes' || variant === 'both';
  // Test sets draw only from what training never saw; with footage missing, the other held-out kinds remain.
  const bgs = HELDOUT_BACKGROUNDS.filter((k) => k !== 'footage' || defaultFootageFiles().length > 0);
  let shapesHeld = taskShapes(task).filter((s) => HELDOUT_SHAPES.includes(s));
  // Rotation tasks only use asymmetric shapes: hold out one of them when none of the usual ones fit.
  if (shapesHeld.length === 0) shapesHeld = taskShapes(task).slice(-1);
  const t0 = performance.now();
  await rm(dir, { recursive: true, force: true });
  const truth = await generateSet({
    task,
    perClass,
    seed: setSeed,
    out: dir,
    ...(heldBg ? (which === 'train' ? { excludeBackgrounds: bgs } : { backgrounds: bgs }) : {}),
    ...(heldShape ? (which === 'train' ? { excludeShapes: shapesHeld } : { shapes: shapesHeld }) : {}),
  });
  log(
    `  ${which}: ${truth.clips.length} clips, backgrounds ${truth.backgrounds.join(',')}; shapes ${truth.shapes.join(',')} ` +
      `(${((performance.now() - t0) / 1000).toFixed(0)} s)`,
  );
  return { dir, truth };
}

interface TrainJson {
  bestEpoch: number;
  history: { epoch: number; acc: number; valAcc: number | null }[];
  validation: { top1: number } | null;
  seconds: number;
}

interface PredictJson {
  videos: {
    video: string;
    segments: { start: number; end: number; label: string; score: number }[];
    curves: { times: number[]; classes: { label: string; probabilities: number[] }[] };
  }[];
}

/**
 * The whole-clip class: predict --json carries no `top` list, so it is the class whose per-frame
 * probability curve has the highest mean over the clip (what `classify` averages, up to smoothing);
 * the best-scoring segment when a video has no curves.
 */
function clipClass(v: PredictJson['videos'][number]): string | null {
  let best: string | null = null;
  let bestMean = -Infinity;
  for (const c of v.curves.classes) {
    if (c.probabilities.length === 0) continue;
    const mean = c.probabilities.reduce((a, b) => a + b, 0) / c.probabilities.length;
    if (mean > bestMean) [best, bestMean] = [c.label, mean];
  }
  if (best !== null) return best;
  return [...v.segments].sort((a, b) => b.score - a.score)[0]?.label ?? null;
}

interface Result {
  task: TaskName;
  streams: string;
  head: Head;
  ok: boolean;
  error?: string;
  trainAcc?: number;
  valTop1?: number | null;
  testTop1?: number;
  testCorrect?: number;
  testTotal?: number;
  /** rows = truth, columns = predicted, in the task's class order */
  confusion?: number[][];
  bestEpoch?: number;
  epochsRun?: number;
  trainSeconds?: number;
  predictSeconds?: number;
}

async function runCombo(
  task: TaskName,
  streams: string | null,
  train: { dir: string; truth: SetTruth },
  test: { dir: string; truth: SetTruth },
): Promise<Result[]> {
  const label = streams ?? 'default';
  const project = join(work, 'projects', task, label.replace(/[^a-z0-9]+/gi, '+'));
  const failAll = (error: string): Result[] => {
    log(`    ${label}: ${error}`);
    return heads.map((head) => ({ task, streams: label, head, ok: false, error }));
  };
  await rm(project, { recursive: true, force: true });
  const init = await cli(['init', project, '--name', `${task} ${label}`, ...(streams ? ['--streams', streams] : [])]);
  if (init.code !== 0) return failAll(cliError(init, 'init'));
  const videos = train.truth.clips.map((c) => join(train.dir, c.file));
  const add = await cli(['add', project, ...videos]);
  if (add.code !== 0) return failAll(cliError(add, 'add'));
  const imp = await cli(['import', project, join(train.dir, 'labels.csv')]);
  if (imp.code !== 0) return failAll(cliError(imp, 'import'));

  const classes = TASKS[task] as readonly string[];
  const testFiles = test.truth.clips.map((c) => join(test.dir, c.file));
  const results: Result[] = [];
  for (const head of heads) {
    const base = { task, streams: label, head };
    const tr = await cli([
      ...['train', project, '--head', head, '--epochs', String(epochs), '--name', head, '--json'],
      ...(patience !== undefined ? ['--patience', String(patience)] : []),
    ]);
    if (tr.code !== 0) {
      results.push({ ...base, ok: false, error: cliError(tr, 'train') });
      log(`    ${label} ${head}: ${results[results.length - 1]!.error}`);
      continue;
    }
    const t = parseJson<TrainJson>(tr.stdout);
    const best = t.history.find((h) => h.epoch === t.bestEpoch) ?? t.history[t.history.length - 1];
    const pr = await cli(['predict', project, ...testFiles, '--model', head, '--json']);
    if (pr.code !== 0) {
      results.push({ ...base, ok: false, error: cliError(pr, 'predict') });
      log(`    ${label} ${head}: ${results[results.length - 1]!.error}`);
      continue;
    }
    const confusion = classes.map(() => classes.map(() => 0));
    let correct = 0;
    for (const v of parseJson<PredictJson>(pr.stdout).videos) {
      const truth = test.truth.labels[basename(v.video)];
      const guess = clipClass(v);
      if (truth === undefined) throw new Error(`predict returned a video not in the test set: ${v.video}`);
      const gi = guess === null ? -1 : classes.indexOf(guess);
      if (gi >= 0) confusion[classes.indexOf(truth)]![gi]!++;
      if (guess === truth) correct++;
    }
    const r: Result = {
      ...base,
      ok: true,
      trainAcc: best?.acc ?? 0,
      valTop1: t.validation?.top1 ?? null,
      testTop1: correct / testFiles.length,
      testCorrect: correct,
      testTotal: testFiles.length,
      confusion,
      bestEpoch: t.bestEpoch,
      epochsRun: t.history.length,
      trainSeconds: tr.seconds,
      predictSeconds: pr.seconds,
    };
    results.push(r);
    log(
      `    ${label} ${head}: test top-1 ${r.testTop1!.toFixed(3)} (${correct}/${testFiles.length}), ` +
        `train acc ${r.trainAcc!.toFixed(3)}, val ${r.valTop1?.toFixed(3) ?? '-'}, ` +
        `${r.epochsRun} epochs (${tr.seconds.toFixed(0)} s + predict ${pr.seconds.toFixed(0)} s)`,
    );
  }
  return results;
}

const pct = (x: number | null | undefined): string => (x === undefined || x === null ? '–' : x.toFixed(2));

function table(results: Result[]): string {
  const rows = [
    '| task (chance) | streams | head | test top-1 | train acc (best epoch) | val top-1 | epochs run |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const chance = `${r.task} (${(1 / TASKS[r.task].length).toFixed(2)})`;
    rows.push(
      r.ok
        ? `| ${chance} | ${r.streams} | ${r.head} | ${pct(r.testTop1)} (${r.testCorrect}/${r.testTotal}) | ${pct(r.trainAcc)} | ${pct(r.valTop1)} | ${r.epochsRun} |`
        : `| ${chance} | ${r.streams} | ${r.head} | failed: ${r.error?.replace(/\|/g, '\\|') ?? ''} | | | |`,
    );
  }
  return rows.join('\n');
}

const started = performance.now();
const cpu = cpus()[0]?.model ?? 'unknown CPU';
log(
  `motion tasks: ${tasks.join(', ')}; streams ${streamCombos.map((s) => s ?? 'default').join(' | ')}; heads ${heads.join(', ')}; ` +
    `${perClass}/class, seed ${seed}, ${epochs} epochs, patience ${patience ?? 'CLI default'}, held-out variant ${variant}; ${cpus().length} × ${cpu}`,
);
ensureBuilt(log);
const results: Result[] = [];
const sets: Record<string, Record<'train' | 'test', { backgrounds: string[]; shapes: string[]; dir: string }>> = {};
for (const task of tasks) {
  log(`\n== ${task} (${TASKS[task].join(', ')})`);
  const train = await ensureSet(task, 'train');
  const test = await ensureSet(task, 'test');
  const used = (s: { dir: string; truth: SetTruth }) => ({
    dir: s.dir,
    backgrounds: s.truth.backgrounds,
    shapes: s.truth.shapes,
  });
  sets[task] = { train: used(train), test: used(test) };
  for (const streams of streamCombos) results.push(...(await runCombo(task, streams, train, test)));
}
const seconds = (performance.now() - started) / 1000;
log(`\n${table(results)}\n\n${(seconds / 60).toFixed(1)} min`);

await writeFile(
  join(REPO, 'bench', 'motion-tasks', 'results.json'),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: { cpu, cores: cpus().length, node: process.version },
      options: { tasks, streams: streamCombos, heads, perClass, seed, epochs, patience, heldoutVariant: variant },
      sets,
      seconds,
      results,
    },
    null,
    2,
  ) + '\n',
);
log('written: bench/motion-tasks/results.json');
