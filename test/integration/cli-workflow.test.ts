/**
 * The command-line workflow a user follows, on generated video: init → import labelled segments →
 * train → eval → predict (with localization on a longer video whose action intervals are known)
 * → suggest. Classes are plain colour scenes, so a few epochs learn them; what is checked is that
 * the commands fit together, that eval scores videos the model never trained on, that localization
 * finds the known intervals and that suggest points at the windows the model is least sure about.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, removeTempDir, makeColorSequence } from '../fixtures/videos.js';
import { parsePredictionsCsv } from '../../src/export/predictions.js';
import { projectModel, withProject } from '../../src/cli/project-context.js';
import { windows } from '../../src/inference/predict.js';
import { projectFeatures } from '../../src/project/training.js';
import { cli } from '../cli/spawn-cli.js';

let dir: string;
let long: string;
/** Training video path → its one labelled class. */
const classOf = new Map<string, string>();
beforeAll(async () => {
  dir = await makeTempDir('fw-workflow-');
  const csv: string[] = ['file,start,end,label'];
  // Three takes per class, each under a slightly different exposure. Every video has one labelled
  // class, so training's split by video (stratified by each video's class) holds out one video of
  // each class for eval. (Flat colours far apart, such as red and firebrick, are not a class a CNN
  // generalises over from two examples; near shades are.)
  const shades: Record<string, string[]> = {
    red: ['red', '0xf00000', '0xe00000'],
    blue: ['blue', '0x0000f0', '0x0000e0'],
    background: ['gray', '0x787878', '0x888888'],
  };
  let i = 0;
  for (const [label, colors] of Object.entries(shades)) {
    for (const color of colors) {
      const name = `train-${i++}-${color}.mp4`;
      if (label === 'background') {
        const f = await makeColorSequence(dir, name, { colors: [color], secondsEach: [4], fps: 10 });
        csv.push(`${f},0,4,background`);
        classOf.set(f, label);
      } else {
        // The scene between unlabelled grey margins: stretches for suggest to offer.
        const f = await makeColorSequence(dir, name, {
          colors: ['gray', color, 'gray'],
          secondsEach: [1, 2, 1],
          fps: 10,
        });
        csv.push(`${f},1,3,${label}`);
        classOf.set(f, label);
      }
    }
  }
  await writeFile(join(dir, 'labels.csv'), csv.join('\n') + '\n');
  // A longer video: red during [2, 5) s and blue during [7, 10) s.
  long = await makeColorSequence(dir, 'long.mp4', {
    colors: ['gray', 'red', 'gray', 'blue', 'gray'],
    secondsEach: [2, 3, 2, 3, 2],
    fps: 10,
  });
}, 120_000);

afterAll(async () => {
  await removeTempDir(dir);
});

describe('CLI workflow', () => {
  it('init → import → train → eval → predict → suggest', async () => {
    const project = join(dir, 'project');
    expect((await cli(['init', project, '--name', 'colours'])).code).toBe(0);
    const imp = await cli(['import', project, join(dir, 'labels.csv'), '--json']);
    expect(imp.code).toBe(0);
    expect(JSON.parse(imp.stdout)).toMatchObject({
      segments: 9,
      newVideos: 9,
      newClasses: ['red', 'blue', 'background'],
    });

    const train = await cli([
      'train',
      project,
      '--head',
      'gru',
      '--hidden',
      '32',
      '--epochs',
      '40',
      // Three videos per class: one of each is held out, and the kept checkpoint is the one with
      // the best loss on them (no early stop).
      '--val-fraction',
      '0.34',
      '--patience',
      '0',
      '--batch',
      '4',
      '--clip-length',
      '4',
      '--seed',
      '3',
      '--name',
      'gru1',
      '--json',
    ]);
    expect(train.code, train.stderr).toBe(0);
    const t = JSON.parse(train.stdout.slice(train.stdout.indexOf('{'))) as {
      modelDir: string;
      history: unknown[];
      trainVideos: string[];
      valVideos: string[];
    };
    expect(t.modelDir).toMatch(/models[/\\]gru1$/);
    expect(t.history.length).toBeGreaterThan(0);

    const project1 = JSON.parse(await readFile(join(project, 'project.json'), 'utf8')) as {
      videos: { id: string; path: string }[];
    };
    const labelOf = (id: string) => classOf.get(project1.videos.find((v) => v.id === id)!.path);
    // Held out: one video of each class, none of them trained on.
    expect(t.valVideos.map(labelOf).sort()).toEqual(['background', 'blue', 'red']);
    expect(t.trainVideos).toHaveLength(6);
    expect(t.trainVideos.filter((id) => t.valVideos.includes(id))).toEqual([]);

    // --split val (also the default): the model's held-out videos only.
    const ev = await cli(['eval', project, '--split', 'val', '--json']);
    expect(ev.code, ev.stderr).toBe(0);
    const e = JSON.parse(ev.stdout.slice(ev.stdout.indexOf('{'))) as {
      split: string;
      videos: number;
      segments: number;
      classification: { top1: number; confusion: number[][] };
      localization: { mAP: number[] };
    };
    expect(e).toMatchObject({ split: 'val', videos: 3, segments: 3 });
    // Every held-out shade is classified as its class.
    expect(e.classification.top1).toBe(1);
    expect(e.classification.confusion).toHaveLength(3);
    expect(e.localization.mAP).toHaveLength(3);

    const csvOut = join(dir, 'pred.csv');
    const pred = await cli(['predict', project, long, '--csv', csvOut, '--save']);
    expect(pred.code, pred.stderr).toBe(0);
    const rows = parsePredictionsCsv(await readFile(csvOut, 'utf8'));
    const find = (label: string) => rows.filter((r) => r.label === label);
    const tIoU = (a: { start: number; end: number }, b: { start: number; end: number }) =>
      Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start)) /
      (Math.max(a.end, b.end) - Math.min(a.start, b.start));
    // The known intervals are found: red [2, 5) and blue [7, 10).
    expect(Math.max(...find('red').map((r) => tIoU(r, { start: 2, end: 5 })))).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...find('blue').map((r) => tIoU(r, { start: 7, end: 10 })))).toBeGreaterThanOrEqual(0.5);

    // --save stored the predictions as pre-labels, with the long video added to the project.
    const saved = JSON.parse(await readFile(join(project, 'project.json'), 'utf8')) as {
      videos: { id: string; path: string }[];
      segments: { videoId: string; source: string }[];
    };
    const longId = saved.videos.find((v) => v.path === long)!.id;
    expect(saved.segments.filter((s) => s.videoId === longId && s.source === 'prediction').length).toBe(rows.length);

    const sug = await cli(['suggest', project, '--limit', '3', '--json']);
    expect(sug.code, sug.stderr).toBe(0);
    const s = JSON.parse(sug.stdout.slice(sug.stdout.indexOf('['))) as {
      videoId: string;
      start: number;
      end: number;
      uncertainty: number;
      margin: number;
      top: { probability: number }[];
    }[];
    // Unlabelled stretches exist (the grey margins, the whole long video), so there are three.
    expect(s).toHaveLength(3);
    for (let i = 1; i < s.length; i++) expect(s[i]!.uncertainty).toBeLessThanOrEqual(s[i - 1]!.uncertainty);
    for (const x of s) expect(x.margin).toBeCloseTo(x.top[0]!.probability - x.top[1]!.probability, 5);

    // The model's own view of every window, computed here: each suggestion is the least certain
    // window left once the labelled ones and those overlapping an earlier suggestion are set aside.
    const scored = await withProject(project, async (store, engine) => {
      const model = await projectModel(store, engine, 'gru1');
      const videoIds = store.project.videos.map((v) => v.id);
      const feats = await projectFeatures(store, { engine, videoIds });
      const out: { videoId: string; start: number; end: number; u: number }[] = [];
      for (const v of feats.values()) {
        for await (const chunk of windows(model, v)) {
          for (const w of chunk) {
            let h = 0;
            for (const p of w.probs) if (p > 0) h -= p * Math.log(p);
            out.push({ videoId: v.videoId, start: w.start, end: w.stop, u: h / Math.log(w.probs.length) });
          }
        }
      }
      const labels = store.project.segments.filter((x) => x.source === 'user');
      return { windows: out, labels };
    });
    const overlaps = (a: { videoId: string; start: number; end: number }, b: typeof a) =>
      a.videoId === b.videoId && a.start < b.end && b.start < a.end;
    const free = scored.windows.filter((w) => !scored.labels.some((l) => overlaps(w, l)));
    for (const x of s) {
      expect(scored.labels.some((l) => overlaps(x, l))).toBe(false);
      const same = free.find((w) => w.videoId === x.videoId && Math.abs(w.start - x.start) < 1e-6);
      expect(same?.u).toBeCloseTo(x.uncertainty, 5);
    }
    const notSuggested = free.filter((w) => !s.some((x) => overlaps(w, x)));
    expect(notSuggested.length).toBeGreaterThan(0);
    const leastSure = Math.min(...s.map((x) => x.uncertainty));
    expect(Math.max(...notSuggested.map((w) => w.u))).toBeLessThanOrEqual(leastSure + 1e-6);
  }, 300_000);
});
