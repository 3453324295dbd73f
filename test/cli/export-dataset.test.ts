/**
 * `framewise export-dataset` on a real project: two generated videos, labels imported from CSV,
 * features extracted by the real backbone. The shards hold exactly the cached feature frames of
 * each labelled segment (as float16), in the shard size asked for, and the index and dataset.json
 * agree with them.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFeatureFile } from '../../src/features/feature-file.js';
import { fromHalf, toHalf } from '../../src/features/float16.js';
import { readShard } from '../../src/export/webdataset.js';
import { frameAt } from '../../src/training/dataset.js';
import { makeMovingBox, makeTempDir, removeTempDir } from '../fixtures/videos.js';
import { cli } from './spawn-cli.js';

let dir: string;
let proj: string;
let left: string;
let right: string;
beforeAll(async () => {
  dir = await makeTempDir('fw-cli-wds-');
  left = await makeMovingBox(dir, 'left.mp4', { durationSec: 3, direction: 'left-to-right' });
  right = await makeMovingBox(dir, 'right.mp4', { durationSec: 3, direction: 'right-to-left' });
  proj = join(dir, 'proj');
  expect((await cli(['init', proj])).code).toBe(0);
  expect((await cli(['add', proj, left, right])).code).toBe(0);
  const csv = join(dir, 'labels.csv');
  await writeFile(
    csv,
    ['file,start,end,label', `${left},0,1.5,left`, `${left},1.5,3,left`, `${right},0.5,2.5,right`, ''].join('\n'),
  );
  const imp = await cli(['import', proj, csv]);
  expect(imp.stderr).toBe('');
  expect(imp.code).toBe(0);
}, 120_000);
afterAll(async () => {
  await removeTempDir(dir);
});

describe('framewise export-dataset', () => {
  it('writes the labelled segments’ cached feature frames as WebDataset shards', async () => {
    const out = join(dir, 'wds');
    const r = await cli(['export-dataset', proj, '--out', out, '--shard-size', '2', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { samples: number; shards: string[]; bytes: number };
    expect(summary.samples).toBe(3);
    expect(summary.shards).toEqual(['shard-000000.tar', 'shard-000001.tar']);
    expect((await readdir(out)).sort()).toEqual(['dataset.json', 'index.jsonl', ...summary.shards]);

    const meta = JSON.parse(await readFile(join(out, 'dataset.json'), 'utf8')) as {
      classes: { name: string }[];
      featureDim: number;
      fps: number;
    };
    expect(meta.classes.map((c) => c.name).sort()).toEqual(['left', 'right']);
    const index = (await readFile(join(out, 'index.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { key: string; label: string; start: number; end: number; frames: number });
    expect(index.map((l) => [l.label, l.start, l.end])).toEqual([
      ['left', 0, 1.5],
      ['left', 1.5, 3],
      ['right', 0.5, 2.5],
    ]);

    // Each sample is the frames of its segment in the project's feature cache, to float16.
    const caches = await Promise.all(
      (await readdir(join(proj, 'features')))
        .filter((f) => f.endsWith('.fwf'))
        .map((f) => readFeatureFile(join(proj, 'features', f))),
    );
    expect(caches.length).toBe(2);
    const project = JSON.parse(await readFile(join(proj, 'project.json'), 'utf8')) as {
      videos: { id: string; contentHash: string }[];
    };
    const samples = (await Promise.all(summary.shards.map((s) => readShard(join(out, s))))).flat();
    expect(samples.map((s) => s.key)).toEqual(index.map((l) => l.key));
    for (const s of samples) {
      const hash = project.videos.find((v) => v.id === s.meta['videoId'])!.contentHash;
      const fwf = caches.find((c) => c.header.videoHash === hash)!;
      expect(fwf, `cache of ${String(s.meta['video'])}`).toBeDefined();
      const D = fwf.header.featureDim;
      expect(D).toBe(meta.featureDim);
      const first = frameAt(fwf.times, Number(s.meta['start']));
      const end = frameAt(fwf.times, Number(s.meta['end']));
      expect(s.shape).toEqual([end - first, D]);
      expect(end - first).toBeGreaterThan(3);
      expect(s.meta['times']).toEqual(Array.from(fwf.times.subarray(first, end)));
      const want = Array.from(fwf.features.subarray(first * D, end * D), (v) => fromHalf(toHalf(v)));
      expect(Array.from(s.features)).toEqual(want);
    }
  }, 180_000);

  it('--shard k/N: two processes at once into one folder hold exactly the samples of one process', async () => {
    const samplesOf = async (folder: string) => {
      const tars = (await readdir(folder)).filter((f) => f.endsWith('.tar')).sort();
      const all = (await Promise.all(tars.map((t) => readShard(join(folder, t))))).flat();
      return new Map(all.map((x) => [x.key, { shape: x.shape, features: Array.from(x.features), meta: x.meta }]));
    };
    const want = await samplesOf(join(dir, 'wds'));
    const out = join(dir, 'wds-sharded');
    const runs = await Promise.all(
      [0, 1].map((k) => cli(['export-dataset', proj, '--out', out, '--shard', `${k}/2`, '--shard-size', '1'])),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const names = (await readdir(out)).sort();
    // One video (two samples) per process, a shard per sample.
    expect(names).toEqual([
      'dataset-0-of-2.json',
      'dataset-1-of-2.json',
      'dataset.json',
      'index-0-of-2.jsonl',
      'index-1-of-2.jsonl',
      ...(names.includes('shard-0-of-2-000001.tar')
        ? ['shard-0-of-2-000000.tar', 'shard-0-of-2-000001.tar', 'shard-1-of-2-000000.tar']
        : ['shard-0-of-2-000000.tar', 'shard-1-of-2-000000.tar', 'shard-1-of-2-000001.tar']),
    ]);
    expect(await samplesOf(out)).toEqual(want);
    const shared = JSON.parse(await readFile(join(out, 'dataset.json'), 'utf8')) as Record<string, unknown>;
    const single = JSON.parse(await readFile(join(dir, 'wds', 'dataset.json'), 'utf8')) as Record<string, unknown>;
    expect(shared['classes']).toEqual(single['classes']);
    expect(shared['featureSetId']).toBe(single['featureSetId']);
    const index = (await Promise.all([0, 1].map((k) => readFile(join(out, `index-${k}-of-2.jsonl`), 'utf8')))).flatMap(
      (t) =>
        t
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { key: string }).key),
    );
    expect(index.sort()).toEqual([...want.keys()].sort());

    const again = await cli(['export-dataset', proj, '--out', out, '--shard', '1/2']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/shard 1\/2 already done/);
    const other = await cli(['export-dataset', proj, '--out', out, '--shard', '0/3']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/already holds another dataset/);
  }, 180_000);

  it('refuses a bad --shard-size, a folder that already holds a dataset, and a project without labels', async () => {
    const again = await cli(['export-dataset', proj, '--out', join(dir, 'wds')]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a dataset/);
    const bad = await cli(['export-dataset', proj, '--out', join(dir, 'x'), '--shard-size', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--shard-size/);
    const empty = join(dir, 'empty');
    expect((await cli(['init', empty])).code).toBe(0);
    const none = await cli(['export-dataset', empty, '--out', join(dir, 'y')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no labelled segments/);
  }, 60_000);
});
