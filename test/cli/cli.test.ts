import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, removeTempDir, makeVideo, makeRandomFile, makeMovingBox } from '../fixtures/videos.js';
import { readFeatureFile } from '../../src/features/feature-file.js';
import { cli } from './spawn-cli.js';

let dir: string;
let a: string;
let b: string;
beforeAll(async () => {
  dir = await makeTempDir('fw-cli-');
  a = await makeMovingBox(dir, 'left.mp4', { durationSec: 3, direction: 'left-to-right' });
  b = await makeVideo(dir, 'clip b.avi', { durationSec: 2, codec: 'mpeg4', audio: true });
});
afterAll(async () => {
  await removeTempDir(dir);
});

describe('framewise CLI', () => {
  it('prints help, version, and exits 2 on usage errors', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/extract/);
    expect((await cli(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const bad = await cli(['frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown command/);
    const badFps = await cli(['extract', a, '--fps', '-3']);
    expect(badFps.code).toBe(2);
    expect(badFps.stderr).toMatch(/--fps/);
  });

  it('probes videos and reports bad files with their error code', async () => {
    const junk = await makeRandomFile(dir, 'junk.mp4');
    const res = await cli(['probe', a, junk, '--json']);
    expect(res.code).toBe(1);
    const out = JSON.parse(res.stdout) as [{ durationSec: number; width: number }, { error: { code: string } }];
    expect(out[0].durationSec).toBeCloseTo(3, 1);
    expect(out[0].width).toBe(160);
    expect(out[1].error.code).toBe('CORRUPT_VIDEO');
    expect(res.stderr).toMatch(/junk\.mp4/);
  });

  it('extracts features, hits the cache the second time, writes .npy, keeps going past a bad file', async () => {
    const out = join(dir, 'feats');
    const junk = await makeRandomFile(dir, 'junk2.mp4');
    const first = await cli(['extract', a, b, junk, '--fps', '4', '--out', out, '--npy', '--json']);
    expect(first.code).toBe(1);
    const j = JSON.parse(first.stdout) as {
      backend: string;
      results: {
        path: string;
        cached?: boolean;
        file?: string;
        header?: { count: number; featureDim: number };
        npy?: string[];
        error?: { code: string };
      }[];
    };
    expect(j.backend).toMatch(/onnxruntime|tfjs/);
    const ra = j.results.find((r) => r.path === a)!;
    const rb = j.results.find((r) => r.path === b)!;
    const rj = j.results.find((r) => r.path === junk)!;
    expect(ra.cached).toBe(false);
    expect(ra.header!.count).toBe(12);
    expect(ra.header!.featureDim).toBe(1280);
    // AVI with audio: the container duration rounds up past 2 s, so the fps filter may emit a 9th frame.
    expect(rb.header!.count).toBeGreaterThanOrEqual(8);
    expect(rb.header!.count).toBeLessThanOrEqual(9);
    expect(rj.error!.code).toBe('CORRUPT_VIDEO');
    expect(first.stderr).toMatch(/junk2\.mp4/);

    const data = await readFeatureFile(ra.file!);
    expect(data.times[1]! - data.times[0]!).toBeCloseTo(0.25, 5);
    // The box moves: first and last frames must not have the same features.
    let diff = 0;
    for (let k = 0; k < 1280; k++) diff += Math.abs(data.features[k]! - data.features[11 * 1280 + k]!);
    expect(diff).toBeGreaterThan(1);

    const npy = await readFile(ra.npy![0]!);
    expect(npy.subarray(10, 10 + npy.readUInt16LE(8)).toString('latin1')).toContain("'shape': (12, 1280)");

    const second = await cli(['extract', a, '--fps', '4', '--out', out, '--json']);
    expect(second.code).toBe(0);
    const j2 = JSON.parse(second.stdout) as { results: { cached: boolean; file: string }[] };
    expect(j2.results[0]!.cached).toBe(true);
    expect(j2.results[0]!.file).toBe(ra.file);
    expect((await readdir(out)).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('splits work with --shard so the shards cover every video once', async () => {
    const out = join(dir, 'sharded');
    const runs = [];
    for (const k of [0, 1])
      runs.push(
        await cli(['extract', dir, '--fps', '1', '--out', out, '--shard', 'SHARD_INDEX/2', '--json'], {
          SHARD_INDEX: String(k),
        }),
      );
    const paths = runs.flatMap((r) =>
      (JSON.parse(r.stdout) as { results: { path: string }[] }).results.map((x) => x.path),
    );
    const videos = (await readdir(dir)).filter((f) => /\.(mp4|avi)$/.test(f)).map((f) => join(dir, f));
    expect(paths.sort()).toEqual(videos.sort());
  });
});
