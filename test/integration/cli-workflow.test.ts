/**
 * The command-line workflow a user follows, on generated video: init → import labelled segments →
 * train → eval → predict (with localization on a longer video whose action intervals are known)
 * → suggest. Classes are plain colour scenes, so a few epochs learn them; what is checked is that
 * the commands fit together and that localization finds the known intervals.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, removeTempDir, makeColorSequence } from '../fixtures/videos.js';
import { parsePredictionsCsv } from '../../src/export/predictions.js';
import { cli } from '../cli/spawn-cli.js';

let dir: string;
let long: string;
beforeAll(async () => {
  dir = await makeTempDir('fw-workflow-');
  const csv: string[] = ['file,start,end,label'];
  const scenes: [string, string][] = [
    ['red', 'red'],
    ['darkred', 'red'],
    ['blue', 'blue'],
    ['navy', 'blue'],
    ['gray', 'background'],
    ['dimgray', 'background'],
  ];
  for (const [i, [color, label]] of scenes.entries()) {
    // Each training video: background, then the coloured scene, then background.
    const f = await makeColorSequence(dir, `train-${i}.mp4`, {
      colors: ['gray', color, 'gray'],
      secondsEach: [1, 2, 1],
      fps: 10,
    });
    csv.push(`${f},1,3,${label}`);
    if (label !== 'background') csv.push(`${f},0,1,background`, `${f},3,4,background`);
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
      segments: 14,
      newVideos: 6,
      newClasses: ['red', 'background', 'blue'],
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
      // Six videos: a held-out one could be background only, and the checkpoint with the best loss
      // on it would be a model that says "background" everywhere. Train on all, keep every epoch.
      '--val-fraction',
      '0',
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
    const t = JSON.parse(train.stdout.slice(train.stdout.indexOf('{'))) as { modelDir: string; history: unknown[] };
    expect(t.modelDir).toMatch(/models[/\\]gru1$/);
    expect(t.history.length).toBeGreaterThan(0);

    const ev = await cli(['eval', project, '--split', 'all', '--json']);
    expect(ev.code, ev.stderr).toBe(0);
    const e = JSON.parse(ev.stdout.slice(ev.stdout.indexOf('{'))) as {
      classification: { top1: number; confusion: number[][] };
      localization: { mAP: number[] };
    };
    expect(e.classification.top1).toBeGreaterThanOrEqual(0.9);
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
    const s = JSON.parse(sug.stdout.slice(sug.stdout.indexOf('['))) as { uncertainty: number }[];
    expect(s.length).toBeLessThanOrEqual(3);
    for (let i = 1; i < s.length; i++) expect(s[i]!.uncertainty).toBeLessThanOrEqual(s[i - 1]!.uncertainty);
  }, 300_000);
});
