/**
 * The contract's newer methods through the real core (real ffmpeg, CNN, training): predict and
 * captioning as jobs with results, models.list, every export kind to a chosen path and as bytes,
 * playable proxies for a file the player cannot play, and save conflicts between two editors.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FramewiseError } from '../../src/errors.js';
import { createCoreServices, type CoreServices } from '../../src/services/core-services.js';
import type { ApiEvent, JobResult, ProjectSnapshot } from '../../src/services/contract.js';
import { parsePredictionsCsv, parsePredictionsJson } from '../../src/export/predictions.js';
import { parseSrt, parseWebVtt } from '../../src/export/subtitles.js';
import { probe } from '../../src/video/probe.js';
import { makeColorSequence, makeTempDir, makeVideo, removeTempDir } from '../fixtures/videos.js';

let dir: string;
let core: CoreServices;
const events: ApiEvent[] = [];
let snap: ProjectSnapshot;
let newVideoId = '';

const SENTENCE: Record<string, string> = { red: 'a red screen', blue: 'a blue screen' };

async function settle(jobId: string): Promise<JobResult | null> {
  const job = await core.waitForJob(jobId);
  if (job.status !== 'done') throw new Error(`job ${job.label} ${job.status}: ${job.error?.message ?? ''}`);
  return core.api['jobs.result']({ jobId });
}

beforeAll(async () => {
  dir = await makeTempDir('fw-workflow-');
  core = createCoreServices({ transport: 'serve', emit: (e) => void events.push(e) });
  snap = await core.api['project.create']({ dir: join(dir, 'project'), name: 'Workflow' });
  const files: string[] = [];
  // Red then blue, or blue then red, with the switch at different times.
  for (const [i, first] of [2, 3, 2.5, 3.5].entries()) {
    const colors = i % 2 === 0 ? ['red', 'blue'] : ['blue', 'red'];
    files.push(await makeColorSequence(dir, `train-${i}.mp4`, { colors, secondsEach: [first, 6 - first], fps: 8 }));
  }
  // Not [3, 3]: that is train-1.mp4 byte for byte, which the project refuses as a second copy.
  const fresh = await makeColorSequence(dir, 'new.mp4', { colors: ['blue', 'red'], secondsEach: [2.75, 3.25], fps: 8 });
  const added = await core.api['project.addVideos']({ paths: [...files, fresh] });
  expect(added.rejected).toEqual([]);
  const p = structuredClone(added.snapshot.project);
  p.classes = [
    { id: 'red', name: 'red', color: '#ff0000' },
    { id: 'blue', name: 'blue', color: '#0000ff' },
  ];
  for (const [i, v] of p.videos.slice(0, 4).entries()) {
    const first = [2, 3, 2.5, 3.5][i]!;
    const [a, b] = i % 2 === 0 ? ['red', 'blue'] : ['blue', 'red'];
    p.segments.push(
      { id: `s${i}a`, videoId: v.id, start: 0, end: first, classId: a!, captions: [SENTENCE[a!]!], source: 'user' },
      { id: `s${i}b`, videoId: v.id, start: first, end: 6, classId: b!, captions: [SENTENCE[b!]!], source: 'user' },
    );
  }
  newVideoId = p.videos[4]!.id;
  // Colour-only classes: appearance alone. With the motion stream's 59 extra numbers the captioner
  // names the colour of a predicted segment that starts 0.5 s early as "a screen" (its boundary
  // sensitivity, issue 15); this test is about the service workflow, so it pins the features.
  p.settings.streams = [];
  snap = await core.api['project.save']({ project: p, baseRevision: added.snapshot.revision });
}, 240_000);

afterAll(async () => {
  await core?.dispose();
  await removeTempDir(dir);
});

describe('backbones', () => {
  it('system.info lists the backbones, float32 MobileNetV2 as the default new projects get', async () => {
    const info = await core.api['system.info']({});
    const byId = new Map(info.backbones.map((b) => [b.id, b]));
    expect(byId.get('mobilenet_v2_nsfwjs')).toMatchObject({ int8: false, isDefault: true, featureDim: 1280 });
    expect(byId.get('mobilenet_v2_nsfwjs_int8_v2')).toMatchObject({ int8: true, isDefault: false });
    expect(byId.get('mobilenet_v2_nsfwjs_int8')).toMatchObject({ int8: true, isDefault: false });
    expect(byId.has('inception_v3_nsfwjs')).toBe(true);
    expect(snap.project.settings.backboneId).toBe('mobilenet_v2_nsfwjs');
  });
});

describe('saves from two editors', () => {
  it('refuses a save based on an older revision with CONFLICT and keeps the newer one', async () => {
    const base = await core.api['project.current']({});
    const a = structuredClone(base!.project);
    a.name = 'Edited in window A';
    const b = structuredClone(base!.project);
    b.name = 'Edited in window B';
    const first = await core.api['project.save']({ project: a, baseRevision: base!.revision });
    expect(first.revision).toBe(base!.revision + 1);
    await expect(core.api['project.save']({ project: b, baseRevision: base!.revision })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const now = await core.api['project.current']({});
    expect(now!.project.name).toBe('Edited in window A');
    // Without a base revision (CLI, scripts) a save still goes through.
    const c = structuredClone(now!.project);
    c.name = 'Workflow';
    expect((await core.api['project.save']({ project: c })).project.name).toBe('Workflow');
  });
});

describe('train → predict → caption → export', () => {
  it('predict.start is a job whose result carries segments and curves; predictions are stored', async () => {
    const train = await core.api['training.start']({ head: 'gru', hidden: 32, epochs: 25, clipLength: 8 });
    const trained = await core.waitForJob(train.jobId);
    expect(trained.status).toBe('done');
    // Every video has both colours, so the validation video does too: nothing is missing from its score.
    const summary = await core.api['training.result']({ jobId: train.jobId });
    expect(summary?.validation?.missingClasses).toEqual([]);

    const { jobId } = await core.api['predict.start']({ videoId: newVideoId });
    const result = await settle(jobId);
    expect(result?.kind).toBe('predict');
    if (result?.kind !== 'predict') return;
    const { prediction } = result;
    expect(prediction.videoId).toBe(newVideoId);
    expect(prediction.curves.classes.map((c) => c.label).sort()).toEqual(['blue', 'red']);
    // The new video is blue for 3 s, then red: the first predicted segment is blue, the last red.
    expect(prediction.segments.length).toBeGreaterThanOrEqual(2);
    expect(prediction.segments[0]!.label).toBe('blue');
    expect(prediction.segments.at(-1)!.label).toBe('red');
    expect(events.some((e) => e.type === 'job.result' && e.result.jobId === jobId)).toBe(true);
    const stored = (await core.api['project.current']({}))!.project.segments.filter(
      (s) => s.videoId === newVideoId && s.source === 'prediction',
    );
    expect(stored.length).toBe(prediction.segments.length);
  });

  it('predict.start applies the localisation it is given: no segment is as long as a minute', async () => {
    const { jobId } = await core.api['predict.start']({ videoId: newVideoId, threshold: 0.6, minDurationSec: 60 });
    const result = await settle(jobId);
    if (result?.kind !== 'predict') throw new Error(`expected a prediction, got ${result?.kind}`);
    expect(result.prediction.segments).toEqual([]);
    // The stored pre-labels follow the latest prediction of the video.
    const stored = (await core.api['project.current']({}))!.project.segments.filter(
      (s) => s.videoId === newVideoId && s.source === 'prediction',
    );
    expect(stored).toEqual([]);
    // Restore the default run's pre-labels for the tests that caption per predicted segment.
    await settle((await core.api['predict.start']({ videoId: newVideoId })).jobId);
  });

  it('predict.start refuses an unknown model and an unknown video before starting a job', async () => {
    await expect(core.api['predict.start']({ videoId: newVideoId, modelName: 'nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(core.api['predict.start']({ videoId: 'vid_missing' })).rejects.toBeInstanceOf(FramewiseError);
  });

  it('captioning.train then captioning.run caption the new video per predicted segment', async () => {
    const train = await core.api['captioning.train']({ cell: 'gru', epochs: 40, hidden: 64 });
    const trained = await settle(train.jobId);
    expect(trained?.kind).toBe('caption-train');
    // Validated on held-out videos, then trained again on every captioned segment for the epochs
    // the validated run took to its best.
    if (trained?.kind === 'caption-train') {
      expect(trained.summary.validation).not.toBeNull();
      expect(trained.summary.warnings.join(' ')).toMatch(/trained again on all \d+ captioned segments/);
    }
    expect(events.some((e) => e.type === 'training' && e.jobId === train.jobId)).toBe(true);

    expect(await core.api['captioning.get']({ videoId: newVideoId })).toBeNull();
    const run = await core.api['captioning.run']({ videoId: newVideoId });
    const result = await settle(run.jobId);
    expect(result?.kind).toBe('caption');
    if (result?.kind !== 'caption') return;
    const caps = result.captions.captions;
    expect(caps.length).toBeGreaterThanOrEqual(2);
    expect(caps[0]!.text).toBe('a blue screen');
    expect(caps.at(-1)!.text).toBe('a red screen');
    // Kept in the project: a reload (or another window) gets the same captions.
    expect(await core.api['captioning.get']({ videoId: newVideoId })).toEqual(result.captions);
  });

  it("captioning.batch captions every video in one job and keeps each one's captions", async () => {
    const ids = snap.project.videos.map((v) => v.id);
    const { jobId } = await core.api['captioning.batch']({ videoIds: ids, windowSec: 2 });
    const job = await core.waitForJob(jobId);
    expect(job.status, job.error?.message).toBe('done');
    expect(job.kind).toBe('caption-batch');
    for (const id of ids) {
      const c = await core.api['captioning.get']({ videoId: id });
      expect(c?.captions.length, id).toBeGreaterThan(0);
      // Two-second windows over a video of two colours: the new video starts blue.
      if (id === newVideoId) expect(c!.captions[0]!.text).toBe('a blue screen');
    }
    await expect(core.api['captioning.batch']({ videoIds: ['vid_missing'] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('models.list shows the classifier and the captioner with a summary', async () => {
    const list = await core.api['models.list']({});
    const classifier = list.find((m) => m.kind === 'classifier');
    expect(classifier?.summary).toMatch(/^GRU 32 · 2 classes · 8 frames/);
    expect(classifier?.classes?.sort()).toEqual(['blue', 'red']);
    // What the app shows as the default smoothing (half a clip) is computed from these.
    expect(classifier).toMatchObject({ clipLength: 8, fps: snap.project.settings.fps });
    expect(list.find((m) => m.kind === 'captioner')?.summary).toMatch(/^GRU 64/);
  });

  it('exports predictions, captions and the model to a chosen folder or file, and as bytes', async () => {
    const out = join(dir, 'exports');
    await mkdir(out, { recursive: true });

    const csv = await core.api['export.file']({ kind: 'predictions-csv', videoId: newVideoId, destPath: out });
    expect(csv.path).toBe(join(out, 'new-predictions.csv'));
    const rows = parsePredictionsCsv(await readFile(csv.path!, 'utf8'));
    expect(rows[0]).toMatchObject({ video: 'new.mp4', label: 'blue', caption: 'a blue screen' });
    expect(rows.at(-1)).toMatchObject({ label: 'red', caption: 'a red screen' });

    const json = await core.api['export.file']({ kind: 'predictions-json', videoId: newVideoId });
    expect(json.path).toBeNull();
    const doc = parsePredictionsJson(Buffer.from(json.base64!, 'base64').toString('utf8'));
    expect(doc.videos[0]!.curves?.classes.length).toBe(2);
    expect(doc.videos[0]!.segments.length).toBe(rows.length);

    const srtPath = join(out, 'my captions.srt');
    const srt = await core.api['export.file']({ kind: 'captions-srt', videoId: newVideoId, destPath: srtPath });
    expect(srt.path).toBe(srtPath);
    const cues = parseSrt(await readFile(srtPath, 'utf8'));
    expect(cues[0]!.text).toBe('a blue screen');
    const vtt = await core.api['export.file']({ kind: 'captions-vtt', videoId: newVideoId });
    expect(parseWebVtt(Buffer.from(vtt.base64!, 'base64').toString('utf8'))).toEqual(cues);

    const model = await core.api['export.file']({ kind: 'model', destPath: out });
    expect(model.fileName).toMatch(/\.zip$/);
    // Entry names from the central directory (the zip format itself is tested in test/export/zip.test.ts).
    const zip = await readFile(model.path!);
    const listing = [...zip.toString('latin1').matchAll(/PK\x01\x02[\s\S]{42}([\w./-]+?(?:json|bin))/g)].map(
      (m) => m[1],
    );
    const name = model.fileName.replace(/\.zip$/, '');
    expect(listing).toEqual(expect.arrayContaining([`${name}/meta.json`, `${name}/model.json`, `${name}/weights.bin`]));
  });

  it('still exports the predictions after "Accept all" (accepted segments are kept as accepted)', async () => {
    const before = await core.api['export.file']({ kind: 'predictions-csv', videoId: newVideoId });
    const rowsBefore = parsePredictionsCsv(Buffer.from(before.base64!, 'base64').toString('utf8'));
    const current = (await core.api['project.current']({}))!;
    const p = structuredClone(current.project);
    // What the app's Accept all does (acceptPrediction in renderer/src/lib/timeline/edits.ts).
    p.segments = p.segments.map((seg) => {
      if (seg.videoId !== newVideoId || seg.source !== 'prediction') return seg;
      const { score: _score, ...rest } = seg;
      return { ...rest, source: 'user' as const, accepted: true };
    });
    await core.api['project.save']({ project: p, baseRevision: current.revision });
    const after = await core.api['export.file']({ kind: 'predictions-csv', videoId: newVideoId });
    const rowsAfter = parsePredictionsCsv(Buffer.from(after.base64!, 'base64').toString('utf8'));
    expect(rowsAfter.map((r) => [r.start, r.end, r.label])).toEqual(rowsBefore.map((r) => [r.start, r.end, r.label]));
    expect(rowsBefore.length).toBeGreaterThan(0);
  });

  it('refuses exports with nothing to export, relative paths and missing folders', async () => {
    const first = snap.project.videos[0]!.id;
    await expect(core.api['export.file']({ kind: 'predictions-csv', videoId: first })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      core.api['export.file']({ kind: 'captions-srt', videoId: newVideoId, destPath: 'relative.srt' }),
    ).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(
      core.api['export.file']({ kind: 'captions-srt', videoId: newVideoId, destPath: join(dir, 'no/such/x.srt') }),
    ).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    // A labelled video without generated captions exports the sentences written on its segments.
    const own = await core.api['export.file']({ kind: 'captions-vtt', videoId: first });
    const cues = parseWebVtt(Buffer.from(own.base64!, 'base64').toString('utf8'));
    expect(cues.map((c) => c.text)).toEqual(['a red screen', 'a blue screen']);
  });
});

describe('playable proxies', () => {
  it('an MPEG-4 Part 2 AVI is marked unplayable; video.proxy makes an H.264 copy the media route serves', async () => {
    const avi = await makeVideo(dir, 'old camera.avi', { codec: 'mpeg4', durationSec: 3, fps: 10 });
    const { snapshot } = await core.api['project.addVideos']({ paths: [avi] });
    const v = snapshot.project.videos.find((x) => x.path === avi)!;
    expect(snapshot.playback[v.id]).toMatchObject({ playable: false, proxy: false });
    expect(snapshot.playback[newVideoId]).toMatchObject({ playable: true, proxy: false });
    expect(core.resolveMedia(v.id)).toBe(avi);

    const { jobId } = await core.api['video.proxy']({ videoId: v.id });
    const job = await core.waitForJob(jobId);
    expect(job.status).toBe('done');
    const after = await core.api['project.current']({});
    expect(after!.playback[v.id]!.proxy).toBe(true);
    const served = core.resolveMedia(v.id)!;
    expect(served).not.toBe(avi);
    const info = await probe(served);
    expect(info.codec).toBe('h264');
    expect(info.pixelFormat).toBe('yuv420p');
    expect(Math.abs(info.durationSec - 3)).toBeLessThan(0.2);
    expect(Math.abs(info.frameCount - 30)).toBeLessThanOrEqual(1);
  });

  it('a file that cannot be transcoded fails the job with a clear error and leaves no file', async () => {
    const broken = await makeVideo(dir, 'broken.avi', { codec: 'mpeg4', durationSec: 2, fps: 10 });
    const { snapshot } = await core.api['project.addVideos']({ paths: [broken] });
    const v = snapshot.project.videos.find((x) => x.path === broken)!;
    await writeFile(broken, 'no longer a video');
    const { jobId } = await core.api['video.proxy']({ videoId: v.id });
    const job = await core.waitForJob(jobId);
    expect(job.status).toBe('failed');
    expect(job.error?.message).toMatch(/broken\.avi/);
    expect(core.resolveMedia(v.id)).toBe(broken);
    const left = await readdir(join(dir, 'project', 'proxies')).catch(() => []);
    expect(left.filter((f) => f.includes('partial'))).toEqual([]);
  });
});
