/**
 * The built-in demo project, end to end with the shipped backbone: generated videos → project with
 * classes, labelled and captioned segments → cached features → LSTM and captioner. The model is
 * judged on the two videos the demo leaves unlabelled (never trained on): per segment, and per
 * frame of the localization curves. Then the folder rules (refusal, cancellation leaves nothing
 * behind) and the `framewise demo` command, which resets the demo in place.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { makeTempDir, removeTempDir, childProcesses } from '../fixtures/videos.js';
import { cli } from '../cli/spawn-cli.js';
import { demoNextSteps } from '../../src/cli/commands/demo.js';
import { createFeatureEngine } from '../../src/features/engines/select.js';
import type { FeatureEngine } from '../../src/features/types.js';
import { extractFeatures } from '../../src/features/extract.js';
import { ProjectStore, resolveVideoPath } from '../../src/store/project-store.js';
import { projectFeatureSet } from '../../src/project/video-features.js';
import { loadProjectModel } from '../../src/project/training.js';
import { videoFeatures } from '../../src/project/predict.js';
import { classify, localize } from '../../src/inference/predict.js';
import { loadProjectCaptioner, captionFeatures } from '../../src/project/captioning.js';
import { bleu } from '../../src/captioning/caption-metrics.js';
import {
  createDemoProject,
  demoPlan,
  isDemoProject,
  DEMO_ACTIONS,
  DEMO_CLASS_COLORS,
  DEMO_MARKER,
  DEMO_SETTINGS,
  type DemoProgress,
  type DemoSummary,
} from '../../src/demo/index.js';

let tmp: string;
let demoDir: string;
let engine: FeatureEngine;
let summary: DemoSummary;
const progress: DemoProgress[] = [];
const plans = demoPlan();

beforeAll(async () => {
  tmp = await makeTempDir('fw-demo-');
  demoDir = join(tmp, 'demo');
  engine = await createFeatureEngine();
  summary = await createDemoProject(demoDir, { engine, captioner: true, onProgress: (p) => progress.push(p) });
  console.log(
    `demo: ${JSON.stringify(summary.seconds)}; ${summary.featureFrames} frames; val top-1 ${summary.model?.valTop1}; ` +
      `captioner val BLEU-4 ${summary.captioner?.valBleu4}`,
  );
}, 240_000);

afterAll(async () => {
  await engine?.dispose();
  if (tmp) await removeTempDir(tmp);
});

/** Truth at time t of a planned video. */
const actionAt = (plan: (typeof plans)[number], t: number): string =>
  plan.segments.find((s) => t >= s.start && t < s.end)?.action ?? plan.segments[plan.segments.length - 1]!.action;

describe('demo project', () => {
  it('plans the same content for the same seed', () => {
    expect(demoPlan({ seed: 1 })).toEqual(plans);
    expect(demoPlan({ seed: 2 })).not.toEqual(plans);
    // Every labelled video holds all three actions, each action at each position in some video.
    for (const p of plans) expect(new Set(p.segments.map((s) => s.action)).size).toBe(3);
    for (const pos of [0, 1, 2])
      expect(new Set(plans.filter((p) => p.labelled).map((p) => p.segments[pos]!.action)).size).toBe(3);
  });

  it('creates a valid project: videos, classes, labelled and captioned segments, settings', async () => {
    const store = await ProjectStore.open(demoDir); // validates project.json
    const { project } = store;
    expect(await isDemoProject(demoDir)).toBe(true);
    expect(project.settings).toMatchObject({ fps: DEMO_SETTINGS.fps, clipLength: DEMO_SETTINGS.clipLength });
    expect(project.classes.map((c) => [c.name, c.color])).toEqual(DEMO_ACTIONS.map((a) => [a, DEMO_CLASS_COLORS[a]]));

    expect(project.videos).toHaveLength(plans.length);
    expect((await readdir(join(demoDir, 'videos'))).sort()).toEqual(project.videos.map((v) => basename(v.path)).sort());
    const className = new Map(project.classes.map((c) => [c.id, c.name]));
    for (const [i, plan] of plans.entries()) {
      const v = project.videos[i]!;
      expect(basename(v.path)).toMatch(new RegExp(`^${plan.stem}\\.(mp4|webm)$`));
      expect(v.contentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(v.durationSec).toBeCloseTo(plan.durationSec, 1);
      expect([v.width, v.height]).toEqual([320, 180]);
      const segs = project.segments.filter((s) => s.videoId === v.id).sort((a, b) => a.start - b.start);
      if (!plan.labelled) {
        expect(segs).toEqual([]);
        continue;
      }
      expect(
        segs.map((s) => ({
          action: className.get(s.classId!),
          start: s.start,
          end: s.end,
          captions: s.captions,
          source: s.source,
        })),
      ).toEqual(
        plan.segments.map((s) => ({
          action: s.action,
          start: s.start,
          end: s.end,
          captions: [s.caption],
          source: 'user',
        })),
      );
    }

    expect(summary).toMatchObject({
      dir: demoDir,
      videos: 9,
      labelledVideos: 7,
      classes: [...DEMO_ACTIONS],
      segments: 21,
      captions: 21,
      model: { name: 'demo-lstm', epochs: 20 },
      captioner: { name: 'demo-captioner' },
    });
    expect(summary.unlabelledVideos.map((f) => basename(f))).toEqual(
      project.videos.slice(7).map((v) => basename(v.path)),
    );

    // Progress: every step in order, counts within bounds, each step ending complete.
    const steps = progress.map((p) => p.step).filter((s, i, all) => s !== all[i - 1]);
    expect(steps).toEqual(['videos', 'project', 'features', 'train', 'captioner']);
    for (const p of progress) expect(p.done).toBeLessThanOrEqual(p.total);
    for (const step of steps) {
      const last = progress.filter((p) => p.step === step).at(-1)!;
      expect(last.done, step).toBe(last.total);
    }
  });

  it('caches the features of every video', async () => {
    const store = await ProjectStore.open(demoDir);
    let frames = 0;
    for (const v of store.project.videos) {
      // The demo's videos are inside its folder, so project.json keeps them relative to it.
      expect(v.path).toMatch(/^videos\//);
      const res = await extractFeatures(resolveVideoPath(store.paths, v.path), {
        engine,
        fps: store.project.settings.fps,
        cacheDir: store.paths.features,
        hash: v.contentHash,
        streams: projectFeatureSet(store, engine).streams,
      });
      expect(res.cached, v.path).toBe(true);
      frames += res.header.count;
    }
    expect(frames).toBe(summary.featureFrames);
  });

  it('trains an LSTM that recognises and localizes the actions in the unlabelled videos', async () => {
    const store = await ProjectStore.open(demoDir);
    const model = await loadProjectModel(store, summary.model!.dir, engine);
    let segOk = 0;
    let segN = 0;
    let frameOk = 0;
    let frameN = 0;
    for (const [i, plan] of plans.entries()) {
      if (plan.labelled) continue;
      const feats = await videoFeatures(resolveVideoPath(store.paths, store.project.videos[i]!.path), store, engine);
      for (const s of plan.segments) {
        const top = await classify(model, feats, { range: { start: s.start, end: s.end } });
        segN++;
        if (top[0]!.name === s.action) segOk++;
      }
      const loc = await localize(model, feats);
      for (let f = 0; f < feats.times.length; f++) {
        let best = 0;
        for (let c = 1; c < loc.curves.length; c++) if (loc.curves[c]![f]! > loc.curves[best]![f]!) best = c;
        frameN++;
        if (model.meta.classes[best]!.name === actionAt(plan, feats.times[f]!)) frameOk++;
      }
    }
    console.log(`held-out segments ${segOk}/${segN}, frames ${frameOk}/${frameN}`);
    // Chance is 1/3 for both.
    expect(segN).toBe(6);
    expect(segOk).toBeGreaterThanOrEqual(5);
    expect(frameOk / frameN).toBeGreaterThanOrEqual(0.75);
    expect(summary.model!.valTop1).not.toBeNull();
    expect(summary.model!.valTop1!).toBeGreaterThanOrEqual(2 / 3);
  });

  it('trains a captioner that describes the unlabelled videos', async () => {
    const store = await ProjectStore.open(demoDir);
    const captioner = await loadProjectCaptioner(store, engine);
    const samples: { candidate: string; references: string[] }[] = [];
    for (const [i, plan] of plans.entries()) {
      if (plan.labelled) continue;
      const feats = await videoFeatures(resolveVideoPath(store.paths, store.project.videos[i]!.path), store, engine);
      const out = captionFeatures(captioner, feats, { segments: plan.segments });
      out.forEach((c, j) => samples.push({ candidate: c.text, references: [plan.segments[j]!.caption] }));
    }
    const score = bleu(samples).scores[3]!;
    console.log(`held-out caption BLEU-4 ${score.toFixed(3)}: ${JSON.stringify(samples.map((s) => s.candidate))}`);
    expect(score).toBeGreaterThanOrEqual(0.6);
  });

  it('refuses a folder that is not empty and not a demo, and changes nothing in it', async () => {
    const dir = join(tmp, 'mine');
    await mkdir(dir);
    await writeFile(join(dir, 'notes.txt'), 'my notes');
    await expect(createDemoProject(dir, { engine })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
      message: expect.stringMatching(/not empty and is not a Framewise demo/),
    });
    expect(await readdir(dir)).toEqual(['notes.txt']);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('my notes');
    await expect(createDemoProject(join(dir, 'notes.txt'), { engine })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });

  it('is cancellable, and a cancelled run leaves the folder as it found it', async () => {
    const pre = new AbortController();
    pre.abort();
    await expect(createDemoProject(join(tmp, 'never'), { engine, signal: pre.signal })).rejects.toMatchObject({
      code: 'ABORTED',
    });
    await expect(readdir(join(tmp, 'never'))).rejects.toMatchObject({ code: 'ENOENT' });

    // An empty folder given by the user, cancelled while videos are being generated (ffmpeg
    // running, partial files on disk): empty again, and no ffmpeg left behind.
    const dir = join(tmp, 'cancel');
    await mkdir(dir);
    const ac = new AbortController();
    await expect(
      createDemoProject(dir, {
        engine,
        signal: ac.signal,
        onProgress: (p) => {
          if (p.step === 'videos' && p.done === 1) ac.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    expect(await readdir(dir)).toEqual([]);
    expect(childProcesses('ffmpeg')).toEqual([]);
  }, 60_000);

  it('framewise demo resets an existing demo in place, keeping the user’s own files', async () => {
    const before = (await ProjectStore.open(demoDir)).project.videos.map((v) => v.contentHash);
    await writeFile(join(demoDir, 'my-notes.txt'), 'keep me');
    await writeFile(join(demoDir, 'videos', 'my-own.mp4'), 'not really a video');

    const r = await cli(['demo', demoDir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as DemoSummary & { next: string[] };
    expect(out).toMatchObject({ dir: demoDir, videos: 9, segments: 21, model: { name: 'demo-lstm' }, captioner: null });
    expect(out.next.join('\n')).toMatch(/framewise serve --project .*\n.*framewise predict .*new-01\.\w+/);

    // Regenerated from the same seed: the same bytes, so the same content hashes.
    const store = await ProjectStore.open(demoDir);
    expect(store.project.videos.map((v) => v.contentHash)).toEqual(before);
    expect(await readdir(join(store.paths.root, 'captioners')).catch(() => [])).toEqual([]);
    expect(await readFile(join(demoDir, 'my-notes.txt'), 'utf8')).toBe('keep me');
    expect(await readdir(join(demoDir, 'videos'))).toContain('my-own.mp4');
    expect(await readdir(demoDir)).toContain(DEMO_MARKER);

    // Without a model or captioner, the next steps say how to train them.
    const untrained = demoNextSteps({ ...out, dir: '/x y/demo', model: null, captioner: null }).join('\n');
    expect(untrained).toMatch(/framewise serve --project '\/x y\/demo'/);
    expect(untrained).toMatch(/framewise train '\/x y\/demo'/);
    expect(untrained).toMatch(/framewise train-captioner/);

    // A folder of someone else's files is refused (exit 2).
    const human = await cli(['demo', join(tmp, 'mine'), '--no-train']);
    expect(human.code).toBe(2);
    expect(human.stderr).toMatch(/not empty and is not a Framewise demo/);
  }, 180_000);
});
