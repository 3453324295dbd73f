/**
 * The built-in demo project: generated videos of three actions, labelled and captioned, with
 * features extracted and (optionally) an LSTM and a captioner trained — the whole loop, without
 * the user's own data, in well under a minute on two cores.
 *
 * The folder must be new, empty, or an earlier demo (recognised by its marker file, and reset);
 * anything else is refused before a single file is written. If creation fails or is cancelled,
 * what it wrote is removed again, so the folder is left as it was found.
 */
import { availableParallelism } from 'node:os';
import { mkdir, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { FramewiseError, toFramewiseError } from '../errors.js';
import type { FeatureEngine } from '../features/types.js';
import { extractProjectVideoFeatures } from '../project/video-features.js';
import { ProjectStore, newId, PROJECT_FILE, PROJECT_FOLDERS } from '../store/project-store.js';
import type { ProjectClass, ProjectVideo, Segment } from '../store/schema.js';
import { describeVideo } from '../store/video-entry.js';
import { trainProjectModel } from '../project/training.js';
import type { TrainConfig } from '../training/train.js';
import { trainProjectCaptioner } from '../project/captioning.js';
import type { CaptionerTrainConfig } from '../captioning/train-captioner.js';
import { DEMO_ACTIONS, DEMO_CLASS_COLORS, demoPlan, type DemoVideoPlan } from './plan.js';
import { renderDemoVideo } from './render.js';

/** The file that marks a folder as a Framewise demo (so creating the demo again may reset it). */
export const DEMO_MARKER = 'framewise-demo.json';
export const DEMO_MODEL_NAME = 'demo-lstm';
export const DEMO_CAPTIONER_NAME = 'demo-captioner';

/** Project settings of the demo: 4 feature frames a second, 2-second clips (segments are 3–4 s). */
export const DEMO_SETTINGS = { fps: 4, clipLength: 8 } as const;

/** A small LSTM: about 2 s of training on two cores, and accurate on the held-out videos. */
export const DEMO_TRAIN_CONFIG: Partial<TrainConfig> = {
  head: { kind: 'recurrent', cell: 'lstm', hidden: 64 },
  epochs: 20,
  batchSize: 4,
  lr: 3e-3,
  patience: 0,
  seed: 7,
};

export const DEMO_CAPTIONER_CONFIG: CaptionerTrainConfig = {
  model: { cell: 'lstm', embedDim: 32, encoderHidden: 64, decoderHidden: 64 },
  steps: 8,
  epochs: 40,
  batchSize: 4,
  lr: 5e-3,
  bleuEvery: 0,
  seed: 2,
};

export type DemoStep = 'videos' | 'project' | 'features' | 'train' | 'captioner';

export interface DemoProgress {
  step: DemoStep;
  done: number;
  total: number;
  message: string;
}

export interface CreateDemoOptions {
  /** The feature engine (its backbone becomes the project's). */
  engine: FeatureEngine;
  /** Train the LSTM (default true). */
  train?: boolean;
  /** Train a captioner too (default false). */
  captioner?: boolean;
  /** Seed of the generated content (default 1). */
  seed?: number;
  /** Project name (default "Framewise demo"). */
  name?: string;
  signal?: AbortSignal;
  onProgress?: (p: DemoProgress) => void;
}

export interface DemoSummary {
  dir: string;
  projectFile: string;
  videosDir: string;
  /** All videos; the labelled ones are the training data. */
  videos: number;
  labelledVideos: number;
  /** Videos left unlabelled, to try predictions on (absolute paths). */
  unlabelledVideos: string[];
  classes: string[];
  segments: number;
  captions: number;
  featureFrames: number;
  featureBackend: string;
  model: {
    name: string;
    dir: string;
    epochs: number;
    trainVideos: number;
    valVideos: number;
    /** Top-1 on the validation videos (never trained on); null when none were held out. */
    valTop1: number | null;
  } | null;
  captioner: { name: string; dir: string; epochs: number; valBleu4: number | null } | null;
  seconds: { videos: number; project: number; features: number; train: number; captioner: number; total: number };
}

interface DemoMarker {
  format: 'framewise-demo';
  version: 1;
  seed: number;
  /** Video file stems this demo generates under videos/. */
  videos: string[];
  createdAt: string;
}

/** OS clutter that does not make a folder "not empty". */
const IGNORABLE = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);
/** What a demo writes at the top of its folder besides the marker and videos/. */
const DEMO_ENTRIES = [
  PROJECT_FILE,
  `${PROJECT_FILE}.bak`,
  `${PROJECT_FILE}.lock`,
  PROJECT_FOLDERS.backups,
  PROJECT_FOLDERS.features,
  PROJECT_FOLDERS.models,
  PROJECT_FOLDERS.captioners,
];

function aborted(): FramewiseError {
  return new FramewiseError('ABORTED', 'Creating the demo project was cancelled.');
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw aborted();
}

async function readMarker(dir: string): Promise<DemoMarker | null> {
  try {
    const data = JSON.parse(await readFile(join(dir, DEMO_MARKER), 'utf8')) as Partial<DemoMarker>;
    if (data.format !== 'framewise-demo' || !Array.isArray(data.videos)) return null;
    return data as DemoMarker;
  } catch {
    return null;
  }
}

/** True when `dir` holds a Framewise demo (created by {@link createDemoProject}). */
export async function isDemoProject(dir: string): Promise<boolean> {
  return (await readMarker(resolve(dir))) !== null;
}

async function isSelfLink(file: string): Promise<boolean> {
  try {
    if ((await stat(file)).size > 4096) return false;
    const link = JSON.parse(await readFile(file, 'utf8')) as { format?: unknown; project?: unknown };
    return link.format === 'framewise-project-link' && (link.project === '.' || link.project === './');
  } catch {
    return false;
  }
}

/** Removes what a demo wrote in `dir` (never anything else), the marker last. */
async function removeDemoFiles(dir: string, stems: string[]): Promise<void> {
  for (const e of DEMO_ENTRIES) await rm(join(dir, e), { recursive: true, force: true });
  const videosDir = join(dir, 'videos');
  const names = await readdir(videosDir).catch(() => [] as string[]);
  const ours = new Set(stems);
  for (const n of names) {
    const stem = n.replace(/^\./, '').replace(/(\.partial)?\.(mp4|webm)$/, '');
    if (ours.has(stem) && n !== stem) await rm(join(videosDir, n), { force: true });
  }
  await rmdir(videosDir).catch(() => undefined); // only when empty: the user's own files stay
  // The project's link file (<name>.framewise, pointing at "."), whatever the project was named.
  for (const n of await readdir(dir).catch(() => [] as string[])) {
    if (n.endsWith('.framewise') && (await isSelfLink(join(dir, n)))) await rm(join(dir, n), { force: true });
  }
  await rm(join(dir, DEMO_MARKER), { force: true });
}

/**
 * Makes `dir` ready for a demo: creates it, accepts it empty, or resets an earlier demo in it.
 * Returns whether the folder itself was created (then a failed run removes it again).
 */
async function prepareDir(dir: string): Promise<{ created: boolean }> {
  const st = await stat(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw new FramewiseError('FILE_UNREADABLE', `Cannot use ${dir} for the demo: ${e.message}`);
  });
  if (!st) {
    await mkdir(dir, { recursive: true });
    return { created: true };
  }
  if (!st.isDirectory())
    throw new FramewiseError(
      'BAD_ARGUMENT',
      `${dir} is a file, not a folder; choose a new or empty folder for the demo.`,
    );
  const entries = (await readdir(dir)).filter((n) => !IGNORABLE.has(n));
  if (entries.length === 0) return { created: false };
  const marker = await readMarker(dir);
  if (!marker) {
    throw new FramewiseError(
      'BAD_ARGUMENT',
      `${dir} is not empty and is not a Framewise demo, so the demo was not created there (nothing was changed). ` +
        'Choose a new or empty folder.',
      { details: { dir, entries: entries.slice(0, 10) } },
    );
  }
  await removeDemoFiles(dir, marker.videos);
  return { created: false };
}

/** Runs `task` over `items`, `limit` at a time; the first failure stops the others (via `signal`). */
async function pool<T>(
  items: T[],
  limit: number,
  signal: AbortSignal | undefined,
  task: (item: T, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const inner = new AbortController();
  const onAbort = (): void => inner.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let next = 0;
  let firstError: unknown = null;
  const worker = async (): Promise<void> => {
    while (next < items.length && firstError === null && !inner.signal.aborted) {
      const item = items[next++]!;
      try {
        await task(item, inner.signal);
      } catch (e) {
        firstError ??= e;
        inner.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) throw aborted();
  if (firstError !== null) throw firstError;
}

/**
 * Creates the demo project in `dir`: generates the videos (videos/), creates the project with its
 * classes, labelled and captioned segments, extracts the features, and trains an LSTM (and a
 * captioner if asked). Progress goes to `onProgress`; `signal` cancels (ABORTED) and undoes it.
 */
export async function createDemoProject(dir: string, options: CreateDemoOptions): Promise<DemoSummary> {
  const t0 = performance.now();
  const root = resolve(dir);
  const { engine, signal } = options;
  const seed = options.seed ?? 1;
  const report = (p: DemoProgress): void => options.onProgress?.(p);
  checkAbort(signal);

  const plans = demoPlan({ seed });
  const { created } = await prepareDir(root);
  const marker: DemoMarker = {
    format: 'framewise-demo',
    version: 1,
    seed,
    videos: plans.map((p) => p.stem),
    createdAt: new Date().toISOString(),
  };
  const seconds = { videos: 0, project: 0, features: 0, train: 0, captioner: 0, total: 0 };
  try {
    // The marker first: a run that is interrupted hard (power cut) still leaves a folder that the
    // next run recognises as a demo and resets.
    await writeFile(join(root, DEMO_MARKER), JSON.stringify(marker, null, 2) + '\n');

    // 1. Videos.
    let t = performance.now();
    const videosDir = join(root, 'videos');
    await mkdir(videosDir, { recursive: true });
    const files = new Map<DemoVideoPlan, string>();
    let rendered = 0;
    report({ step: 'videos', done: 0, total: plans.length, message: `Generating ${plans.length} demo videos` });
    await pool(plans, Math.min(2, availableParallelism()), signal, async (plan, s) => {
      files.set(plan, await renderDemoVideo(plan, videosDir, s));
      rendered++;
      report({ step: 'videos', done: rendered, total: plans.length, message: `Generated ${plan.stem}` });
    });
    seconds.videos = (performance.now() - t) / 1000;

    // 2. The project: videos (probed and hashed), classes, segments with captions.
    t = performance.now();
    checkAbort(signal);
    const store = await ProjectStore.create(root, options.name ?? 'Framewise demo');
    const videos: ProjectVideo[] = [];
    for (const [i, plan] of plans.entries()) {
      report({ step: 'project', done: i, total: plans.length, message: `Adding ${basename(files.get(plan)!)}` });
      checkAbort(signal);
      videos.push(await describeVideo(files.get(plan)!));
    }
    const classes: ProjectClass[] = DEMO_ACTIONS.map((name) => ({
      id: newId('cls'),
      name,
      color: DEMO_CLASS_COLORS[name],
    }));
    const classId = new Map(DEMO_ACTIONS.map((a, i) => [a, classes[i]!.id]));
    const segments: Segment[] = plans.flatMap((plan, i) =>
      plan.labelled
        ? plan.segments.map((s) => ({
            id: newId('seg'),
            videoId: videos[i]!.id,
            start: s.start,
            end: s.end,
            classId: classId.get(s.action)!,
            captions: [s.caption],
            source: 'user' as const,
          }))
        : [],
    );
    checkAbort(signal);
    await store.update((p) => {
      p.settings.backboneId = engine.backboneId;
      p.settings.fps = DEMO_SETTINGS.fps;
      p.settings.clipLength = DEMO_SETTINGS.clipLength;
      p.videos.push(...videos);
      p.classes.push(...classes);
      p.segments.push(...segments);
    });
    report({ step: 'project', done: plans.length, total: plans.length, message: `Project created in ${root}` });
    seconds.project = (performance.now() - t) / 1000;

    // 3. Features of every video (the unlabelled ones too, so predicting on them is instant).
    t = performance.now();
    const expected = videos.map((v) => Math.max(1, Math.round((v.durationSec ?? 0) * DEMO_SETTINGS.fps)));
    const framesTotal = expected.reduce((a, b) => a + b, 0);
    let framesBefore = 0;
    let featureFrames = 0;
    for (const [i, v] of videos.entries()) {
      checkAbort(signal);
      const name = basename(v.path);
      const res = await extractProjectVideoFeatures(store, v, {
        engine,
        fps: DEMO_SETTINGS.fps,
        signal,
        onProgress: (p) => {
          if (p.phase === 'extracting')
            report({
              step: 'features',
              done: Math.min(framesTotal, framesBefore + p.framesDone),
              total: framesTotal,
              message: `Features of ${name} (${i + 1}/${videos.length})`,
            });
        },
      });
      featureFrames += res.header.count;
      framesBefore += expected[i]!;
    }
    report({
      step: 'features',
      done: framesTotal,
      total: framesTotal,
      message: `${featureFrames} feature frames from ${videos.length} videos (${engine.backend})`,
    });
    seconds.features = (performance.now() - t) / 1000;

    // 4. The LSTM.
    let model: DemoSummary['model'] = null;
    if (options.train !== false) {
      t = performance.now();
      checkAbort(signal);
      const epochs = DEMO_TRAIN_CONFIG.epochs ?? 20;
      report({ step: 'train', done: 0, total: epochs, message: 'Training an LSTM' });
      const res = await trainProjectModel(store, {
        engine,
        name: DEMO_MODEL_NAME,
        config: DEMO_TRAIN_CONFIG,
        signal,
        onProgress: (p) => {
          if (p.type !== 'epoch') return;
          report({
            step: 'train',
            done: p.epoch + 1,
            total: p.epochs,
            message:
              `Epoch ${p.epoch + 1}/${p.epochs}: loss ${p.loss.toFixed(3)}` +
              (p.valAcc !== null ? `, validation accuracy ${(p.valAcc * 100).toFixed(0)}%` : ''),
          });
        },
      });
      model = {
        name: DEMO_MODEL_NAME,
        dir: res.modelDir,
        epochs: res.history.length,
        trainVideos: res.trainVideos.length,
        valVideos: res.valVideos.length,
        valTop1: res.validation?.top1 ?? null,
      };
      seconds.train = (performance.now() - t) / 1000;
    }

    // 5. The captioner.
    let captioner: DemoSummary['captioner'] = null;
    if (options.captioner) {
      t = performance.now();
      checkAbort(signal);
      const epochs = DEMO_CAPTIONER_CONFIG.epochs ?? 40;
      report({ step: 'captioner', done: 0, total: epochs, message: 'Training a captioner' });
      const res = await trainProjectCaptioner(store, {
        engine,
        name: DEMO_CAPTIONER_NAME,
        config: DEMO_CAPTIONER_CONFIG,
        signal,
        onProgress: (p) =>
          report({
            step: 'captioner',
            done: p.epoch + 1,
            total: p.epochs,
            message: `Epoch ${p.epoch + 1}/${p.epochs}: loss ${p.loss.toFixed(3)}`,
          }),
      });
      captioner = {
        name: DEMO_CAPTIONER_NAME,
        dir: res.dir,
        epochs: res.history.length,
        valBleu4: res.valScores?.bleu4 ?? null,
      };
      seconds.captioner = (performance.now() - t) / 1000;
    }

    seconds.total = (performance.now() - t0) / 1000;
    return {
      dir: root,
      projectFile: store.paths.file,
      videosDir,
      videos: videos.length,
      labelledVideos: plans.filter((p) => p.labelled).length,
      unlabelledVideos: plans.filter((p) => !p.labelled).map((p) => files.get(p)!),
      classes: classes.map((c) => c.name),
      segments: segments.length,
      captions: segments.reduce((n, s) => n + s.captions.length, 0),
      featureFrames,
      featureBackend: engine.backend,
      model,
      captioner,
      seconds,
    };
  } catch (e) {
    await removeDemoFiles(root, marker.videos).catch(() => undefined);
    if (created) await rmdir(root).catch(() => undefined);
    throw signal?.aborted ? aborted() : toFramewiseError(e);
  }
}
