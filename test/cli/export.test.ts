/**
 * `framewise export`: a project's trained model as ONNX + sidecar JSON (run back with
 * onnxruntime against the model's own inference), and the project's labels as CSV.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/models/backend.js';
import { ProjectStore } from '../../src/store/project-store.js';
import { parseSegmentCsv } from '../../src/store/import-segments.js';
import { parseLabelsJson } from '../../src/store/import-labels-json.js';
import type { LabelsJson } from '../../src/export/labels-json.js';
import { packClips } from '../../src/training/dataset.js';
import { normalizerOf, saveModel, type TrainedModel } from '../../src/training/model-io.js';
import { train } from '../../src/training/train.js';
import { makeTempDir, removeTempDir } from '../fixtures/videos.js';
import { orderTask } from '../training/synthetic.js';
import { cli } from './spawn-cli.js';

let dir: string;
let proj: string;
let model: TrainedModel;
const data = orderTask({ videos: 4, segmentsPerVideo: 6, dim: 10, seed: 9 });

beforeAll(async () => {
  await initBackend('wasm');
  dir = await makeTempDir('fw-cli-export-');
  proj = join(dir, 'proj');
  const store = await ProjectStore.create(proj, 'Export test');
  model = (
    await train(
      {
        clipLength: 8,
        batchSize: 8,
        epochs: 2,
        seed: 3,
        head: { kind: 'recurrent', cell: 'gru', hidden: 6, layers: 2, bidirectional: true },
      },
      data,
    )
  ).model;
  await saveModel(join(store.paths.models, 'walk'), model);
  await store.update((p) => {
    p.classes.push({ id: 'c1', name: 'walk, slowly', color: '#ff0000' }, { id: 'c2', name: '=run', color: '#00ff00' });
    p.videos.push({ id: 'v1', path: join(dir, 'a.mp4'), durationSec: 9.5, addedAt: new Date().toISOString() });
    p.segments.push(
      {
        id: 's2',
        videoId: 'v1',
        start: 4,
        end: 6.5,
        classId: 'c2',
        captions: ['a man runs', 'someone is running'],
        source: 'user',
      },
      { id: 's1', videoId: 'v1', start: 0.25, end: 2, classId: 'c1', captions: [], source: 'user' },
      { id: 's3', videoId: 'v1', start: 7, end: 8, classId: 'c1', captions: [], source: 'prediction', score: 0.9 },
    );
  });
});
afterAll(async () => {
  await removeTempDir(dir);
});

describe('framewise export', () => {
  it('--format onnx writes NAME.onnx and NAME.json; onnxruntime gives the model’s probabilities', async () => {
    const out = join(dir, 'onnx-out');
    const r = await cli(['export', proj, '--model', 'walk', '--format', 'onnx', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as { onnx: string; json: string };
    expect(printed.onnx).toBe(join(out, 'walk.onnx'));
    const sidecar = JSON.parse(await readFile(join(out, 'walk.json'), 'utf8')) as Record<string, unknown>;
    expect(sidecar).toMatchObject({ name: 'walk', fps: 4, clipLength: 8, backboneId: 'synthetic', streams: [] });
    expect(sidecar['classes']).toEqual(data.classes);

    const session = await ort.InferenceSession.create(join(out, 'walk.onnx'));
    const video = data.videos[1]!;
    const D = data.featureDim;
    const clips = [0, 5, 11].map((first) => ({ video, first, end: video.times.length }));
    const want = model.head.predictProba(packClips(clips, 8, normalizerOf(model.meta)));
    const x = new Float32Array(clips.length * 8 * D);
    clips.forEach((c, b) => x.set(video.features.subarray(c.first * D, (c.first + 8) * D), b * 8 * D));
    const res = await session.run({ features: new ort.Tensor('float32', x, [clips.length, 8, D]) });
    const got = res.probabilities!.data as Float32Array;
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-4);
    await session.release();
  });

  it('the newest model by default; a clear error for an unknown model or format', async () => {
    const out = join(dir, 'default-out');
    const r = await cli(['export', proj, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/walk\.onnx/);
    const missing = await cli(['export', proj, '--model', 'nope', '--out', out]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No model "nope".*available: walk/);
    const badFormat = await cli(['export', proj, '--format', 'tflite', '--out', out]);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/--format must be one of onnx, captioner-onnx, labels-csv, labels-json/);
    expect((await cli(['export', proj])).code).toBe(2);
  });

  it('--format labels-csv writes the user’s labels (not predictions) and the import reads them back', async () => {
    const out = join(dir, 'csv-out');
    const r = await cli(['export', proj, '--format', 'labels-csv', '--out', out]);
    expect(r.code).toBe(0);
    const text = await readFile(join(out, 'labels.csv'), 'utf8');
    const file = join(dir, 'a.mp4');
    expect(text).toBe(
      [
        'file,start,end,label,caption',
        `${file},0.250,2.000,"walk, slowly",`,
        `${file},4.000,6.500,'=run,a man runs`,
        '',
      ].join('\r\n'),
    );
    const rows = parseSegmentCsv(text);
    expect(rows.map((row) => [row.video, row.start, row.end])).toEqual([
      [file, 0.25, 2],
      [file, 4, 6.5],
    ]);
    expect(rows[0]!.label).toBe('walk, slowly');
  });

  it('--format labels-json keeps every caption in the ActivityNet layout, and the import reads it back', async () => {
    const out = join(dir, 'json-out');
    const r = await cli(['export', proj, '--format', 'labels-json', '--out', out]);
    expect(r.code).toBe(0);
    const json = JSON.parse(await readFile(join(out, 'labels.json'), 'utf8')) as LabelsJson;
    expect(json).toEqual({
      version: 'ActivityNet 1.3 (Framewise labels)',
      database: {
        a: {
          file: join(dir, 'a.mp4'),
          duration: 9.5,
          subset: 'training',
          annotations: [
            { segment: [0.25, 2], label: 'walk, slowly', sentences: [] },
            { segment: [4, 6.5], label: '=run', sentences: ['a man runs', 'someone is running'] },
          ],
        },
      },
    });
    expect(parseLabelsJson(json).rows).toEqual([
      { video: join(dir, 'a.mp4'), start: 0.25, end: 2, label: 'walk, slowly' },
      { video: join(dir, 'a.mp4'), start: 4, end: 6.5, label: '=run', captions: ['a man runs', 'someone is running'] },
    ]);
  });

  it('writes what the Export dialog writes: a model ZIP, the predictions of every video, refusals', async () => {
    const out = join(dir, 'dialog-out');
    const zip = await cli(['export', proj, '--format', 'model-zip', '--out', out, '--json']);
    expect(zip.stderr).toBe('');
    expect(zip.code).toBe(0);
    const bytes = await readFile(join(out, 'walk.zip'));
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    const csv = await cli(['export', proj, '--format', 'predictions-csv', '--out', out, '--json']);
    expect(csv.code).toBe(0);
    const { file } = JSON.parse(csv.stdout.slice(csv.stdout.indexOf('{'))) as { file: string };
    expect(file.startsWith(out)).toBe(true);
    const text = await readFile(file, 'utf8');
    // The one stored prediction (s3, 7–8 s); the user's own labels are not predictions.
    expect(text).toMatch(/7\.000,8\.000,"walk, slowly"/);
    expect(text).not.toMatch(/4\.000,6\.500/);
    const noVideo = await cli(['export', proj, '--format', 'features-npy', '--video', 'nope.mp4', '--out', out]);
    expect(noVideo.code).not.toBe(0);
    expect(noVideo.stderr).toMatch(/No project video is "nope\.mp4"/);
  });
});
