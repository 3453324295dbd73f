/**
 * Compositional captioning through the real CLI: clips of "a <colour> <shape> <verb>" from the
 * motion-task generator, trained on some combinations and tested on combinations never seen whole
 * (caption-combos.ts), scored per slot:
 *
 *   npm run bench:captions -- [--colours red,green,blue,yellow] [--shapes box,disc,triangle,cross]
 *     [--verbs rises,falls,grows,shrinks] [--train-per-combo 1] [--test-per-combo 2] [--seed 1]
 *     [--sets dev,heldout] [--beam 5] [--no-repeat N] [--label NAME] [--work .tmp/caption-tasks]
 *     [--streams appearance,motion,object] (default: the project default)
 *     [--train "--epochs 60 …" | --configs "base=;attn=--attention;…"]
 *
 * Sets: train (seed S, every background kind but the held-out ones), dev (seed S + 500, unseen
 * combinations on the training kinds — for choosing settings) and heldout (seed S + 1000, unseen
 * combinations on the background kinds training never had — report only, never tune on it).
 * Steps: `framewise init` (default streams), `add`, `import-captions` (MSVD JSON), `train-captioner
 * --json` once per configuration (same project and features), `caption --format json --window 30
 * --model <config>` on the test clips. Prints a table and writes
 * <work>/results-<label>.json.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateCaptions } from '../../src/captioning/caption-metrics.js';
import type { BackgroundKind } from './backgrounds.js';
import { captionOf, isVerb, plansFor, scoreSlots, splitCombos, CAPTION_SHAPES, type Combo } from './caption-combos.js';
import { cli, cliError, ensureBuilt, parseJson, REPO } from './cli.js';
import { isColourName } from './random.js';
import { defaultFootageFiles, generateSet, type SetTruth } from './set.js';
import type { ShapeKind } from './shapes.js';

const HELDOUT_BACKGROUNDS: readonly BackgroundKind[] = ['radial-gradient', 'checker', 'footage'];
const log = (s: string): void => void process.stdout.write(s + '\n');

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    colours: { type: 'string', default: 'red,green,blue,yellow' },
    shapes: { type: 'string', default: 'box,disc,triangle,cross' },
    verbs: { type: 'string', default: 'rises,falls,grows,shrinks' },
    'train-per-combo': { type: 'string', default: '1' },
    'test-per-combo': { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    sets: { type: 'string', default: 'dev,heldout' },
    beam: { type: 'string', default: '5' },
    train: { type: 'string', default: '' },
    configs: { type: 'string' },
    'no-repeat': { type: 'string' },
    label: { type: 'string', default: 'default' },
    streams: { type: 'string' },
    work: { type: 'string', default: join(REPO, '.tmp', 'caption-tasks') },
  },
});

const words = (v: string): string[] => v.split(',').map((s) => s.trim());
const colours = words(values.colours).map((c) => (isColourName(c) ? c : fail(`unknown colour "${c}"`)));
const shapes = words(values.shapes).map((s) =>
  CAPTION_SHAPES.includes(s as ShapeKind) ? (s as ShapeKind) : fail(`unknown shape "${s}"`),
);
const verbs = words(values.verbs).map((v) => (isVerb(v) ? v : fail(`unknown verb "${v}"`)));
const trainPer = Number(values['train-per-combo']);
const testPer = Number(values['test-per-combo']);
const seed = Number(values.seed);
const beam = Number(values.beam);
if (![trainPer, testPer, seed, beam].every(Number.isInteger) || trainPer < 1 || testPer < 1 || beam < 1)
  fail('--train-per-combo, --test-per-combo, --beam (≥ 1) and --seed must be integers');
const setNames = words(values.sets).map((s): 'dev' | 'heldout' =>
  s === 'dev' || s === 'heldout' ? s : fail(`unknown set "${s}"`),
);
const argv = (v: string): string[] => v.split(/\s+/).filter(Boolean);
// "name=args;name=args": several train-captioner settings on the same project and features.
const configs = (values.configs ?? `default=${values.train}`).split(';').map((c) => {
  const at = c.indexOf('=');
  const name = (at < 0 ? c : c.slice(0, at)).trim();
  if (!/^[a-z0-9_+-]+$/i.test(name)) fail(`config name "${name}" must be letters, digits, _ + -`);
  return { name, args: at < 0 ? [] : argv(c.slice(at + 1)) };
});
const noRepeat = values['no-repeat'];
const work = resolve(values.work);
const { train: trainCombos, test: testCombos } = splitCombos(colours, shapes, verbs);

type SetName = 'train' | 'dev' | 'heldout';
// Without fetched footage the other held-out kinds remain.
const heldoutKinds = HELDOUT_BACKGROUNDS.filter((k) => k !== 'footage' || defaultFootageFiles().length > 0);

async function ensureSet(which: SetName): Promise<{ dir: string; truth: SetTruth }> {
  const setSeed = seed + { train: 0, dev: 500, heldout: 1000 }[which];
  // v2: a named colour that cannot stand out draws another background (it used to keep the colour).
  const key = `v2_${colours.join('-')}_${shapes.join('-')}_${verbs.join('-')}_${which}-seed${setSeed}-n${which === 'train' ? trainPer : testPer}`;
  const dir = join(work, 'sets', key);
  const truthFile = join(dir, 'truth.json');
  if (existsSync(truthFile)) return { dir, truth: JSON.parse(await readFile(truthFile, 'utf8')) as SetTruth };
  const t0 = performance.now();
  await rm(dir, { recursive: true, force: true });
  const truth = await generateSet({
    // With a plan the task only chooses the shape pool: one without rotation, so every shape is allowed.
    task: 'updown-growshrink',
    perClass: 1,
    seed: setSeed,
    out: dir,
    plan: plansFor(which === 'train' ? trainCombos : testCombos, which === 'train' ? trainPer : testPer),
    ...(which === 'heldout' ? { backgrounds: heldoutKinds } : { excludeBackgrounds: HELDOUT_BACKGROUNDS }),
  });
  log(
    `  ${which}: ${truth.clips.length} clips, backgrounds ${truth.backgrounds.join(',')} ` +
      `(${((performance.now() - t0) / 1000).toFixed(0)} s)`,
  );
  return { dir, truth };
}

function comboOf(truth: SetTruth, file: string): Combo {
  const clip = truth.clips.find((c) => c.file === file);
  const combo = [...trainCombos, ...testCombos].find((c) => clip && captionOf(c) === clip.caption);
  if (!combo) throw new Error(`no caption for ${file} in its truth.json`);
  return combo;
}

interface CaptionJson {
  videos?: { video: string; captions: { text: string }[] }[];
  video?: string;
  captions?: { text: string }[];
}

interface SetResult {
  set: SetName;
  clips: number;
  colour: number;
  shape: number;
  verb: number;
  full: number;
  stutters: number;
  bleu4: number;
  ciderD: number;
  rougeL: number;
  meteor: number;
  seconds: number;
  samples: { file: string; truth: string; caption: string }[];
}

async function scoreSet(
  project: string,
  set: { dir: string; truth: SetTruth },
  which: SetName,
  model: string,
): Promise<SetResult> {
  const files = set.truth.clips.map((c) => join(set.dir, c.file));
  const r = await cli([
    ...['caption', project, ...files, '--format', 'json', '--window', '30', '--beam', String(beam), '--model', model],
    ...(noRepeat !== undefined ? ['--no-repeat', noRepeat] : []),
  ]);
  if (r.code !== 0) throw new Error(cliError(r, 'caption'));
  const out = parseJson<CaptionJson>(r.stdout);
  const videos = out.videos ?? [{ video: out.video!, captions: out.captions! }];
  const samples = videos.map((v) => {
    const file = basename(v.video);
    return { file, truth: captionOf(comboOf(set.truth, file)), caption: v.captions[0]?.text ?? '' };
  });
  const slots = samples.map((s) => scoreSlots(s.caption, comboOf(set.truth, s.file), { colours, shapes, verbs }));
  const rate = (k: 'colour' | 'shape' | 'verb' | 'full'): number => slots.filter((x) => x[k]).length / slots.length;
  const scores = evaluateCaptions(samples.map((s) => ({ candidate: s.caption, references: [s.truth] })));
  return {
    set: which,
    clips: samples.length,
    colour: rate('colour'),
    shape: rate('shape'),
    verb: rate('verb'),
    full: rate('full'),
    stutters: slots.filter((x) => x.stutter).length,
    bleu4: scores.bleu4,
    ciderD: scores.ciderD,
    rougeL: scores.rougeL,
    meteor: scores.meteor,
    seconds: r.seconds,
    samples,
  };
}

const started = performance.now();
const cpu = cpus()[0]?.model ?? 'unknown CPU';
log(
  `caption combos: ${colours.length} colours × ${shapes.length} shapes × ${verbs.length} verbs; ` +
    `${trainCombos.length} train / ${testCombos.length} test combinations; ${trainPer}/${testPer} clips per combination; ` +
    `seed ${seed}; ${configs.length} configuration(s); beam ${beam}; ${cpus().length} × ${cpu}`,
);
ensureBuilt(log);
const train = await ensureSet('train');
const tests: { name: SetName; set: { dir: string; truth: SetTruth } }[] = [];
for (const name of setNames) tests.push({ name, set: await ensureSet(name) });

const project = join(work, 'projects', values.label.replace(/[^a-z0-9]+/gi, '+'));
await rm(project, { recursive: true, force: true });
for (const [what, args] of [
  [
    'init',
    [
      'init',
      project,
      '--name',
      `caption combos ${values.label}`,
      ...(values.streams ? ['--streams', values.streams] : []),
    ],
  ],
  ['add', ['add', project, ...train.truth.clips.map((c) => join(train.dir, c.file))]],
] as const) {
  const r = await cli([...args]);
  if (r.code !== 0) fail(cliError(r, what));
}
await mkdir(project, { recursive: true });
const msvd = Object.fromEntries(train.truth.clips.map((c) => [c.file.replace(/\.mp4$/, ''), [c.caption!]]));
const captionsFile = join(project, 'captions-msvd.json');
await writeFile(captionsFile, JSON.stringify(msvd, null, 2) + '\n');
const imp = await cli(['import-captions', project, captionsFile]);
if (imp.code !== 0) fail(cliError(imp, 'import-captions'));
interface ConfigResult {
  config: string;
  trainArgs: string[];
  epochs: number;
  valBleu4: number | null;
  trainSeconds: number;
  results: SetResult[];
}

// One project (features extracted once) for every configuration: each trains its own captioner.
const runs: ConfigResult[] = [];
for (const { name: config, args } of configs) {
  const tr = await cli(['train-captioner', project, ...args, '--name', config, '--json']);
  if (tr.code !== 0) {
    log(`  ${config}: ${cliError(tr, 'train-captioner')}`);
    continue;
  }
  const trained = parseJson<{ history: { epoch: number }[]; valScores: { bleu4: number } | null }>(tr.stdout);
  log(
    `  ${config} (${args.join(' ') || 'defaults'}): ${trained.history.length} epochs, ` +
      `val BLEU-4 ${trained.valScores?.bleu4.toFixed(3) ?? '–'} (${tr.seconds.toFixed(0)} s)`,
  );
  const results: SetResult[] = [];
  for (const { name, set } of tests) {
    const res = await scoreSet(project, set, name, config);
    results.push(res);
    for (const s of res.samples.slice(0, 4)) log(`    ${name} ${s.file}: "${s.caption}"  (truth "${s.truth}")`);
  }
  runs.push({
    config,
    trainArgs: args,
    epochs: trained.history.length,
    valBleu4: trained.valScores?.bleu4 ?? null,
    trainSeconds: tr.seconds,
    results,
  });
}
const f = (x: number): string => x.toFixed(2);
log(
  [
    '',
    '| config | set | clips | colour | shape | verb | all 3 right | BLEU-4 | METEOR (exact+stem) | CIDEr-D | ROUGE-L | stutters |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...runs.flatMap((run) =>
      run.results.map(
        (r) =>
          `| ${run.config} | ${r.set} | ${r.clips} | ${f(r.colour)} | ${f(r.shape)} | ${f(r.verb)} | ${f(r.full)} | ${r.bleu4.toFixed(3)} | ${r.meteor.toFixed(3)} | ${r.ciderD.toFixed(2)} | ${f(r.rougeL)} | ${r.stutters} |`,
      ),
    ),
    '',
    `${((performance.now() - started) / 60000).toFixed(1)} min`,
  ].join('\n'),
);
const resultFile = join(work, `results-${values.label.replace(/[^a-z0-9]+/gi, '+')}.json`);
await writeFile(
  resultFile,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: { cpu, cores: cpus().length, node: process.version },
      options: { colours, shapes, verbs, trainPer, testPer, seed, beam, noRepeat },
      combos: { train: trainCombos.map(captionOf), test: testCombos.map(captionOf) },
      runs,
    },
    null,
    2,
  ) + '\n',
);
log(`written: ${resultFile}`);
