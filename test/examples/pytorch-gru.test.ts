/**
 * examples/pytorch/train_gru.py trains a GRU on Framewise's WebDataset shards with Debian's
 * python3-torch and exports it as ONNX: it learns a task only temporal order separates, and
 * onnxruntime-node runs the exported file to the probabilities PyTorch printed. Skipped without
 * torch + numpy.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readShard, ShardWriter } from '../../src/export/webdataset.js';
import { orderTask } from '../training/synthetic.js';
import { PYTHON, pythonHas } from '../fixtures/python.js';

const SCRIPT = new URL('../../examples/pytorch/train_gru.py', import.meta.url).pathname;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-torch-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!pythonHas('torch', 'numpy'))('PyTorch example on WebDataset shards', () => {
  it('trains a GRU that tells temporal order apart and exports ONNX that onnxruntime runs alike', async () => {
    const data = orderTask({ videos: 6, segmentsPerVideo: 8, dim: 12, seed: 2 });
    const shards = join(dir, 'shards');
    const writer = new ShardWriter(shards, 16);
    for (const s of data.segments) {
      const v = data.videos.find((x) => x.videoId === s.videoId)!;
      const first = Math.round(s.start * data.fps);
      const end = Math.round(s.end * data.fps);
      await writer.add({
        key: `${s.videoId}_${first}`,
        features: v.features.slice(first * 12, end * 12),
        frames: end - first,
        dim: 12,
        meta: { label: s.classId!, classId: s.classId!, start: s.start, end: s.end, video: s.videoId },
      });
    }
    const summary = await writer.finish();
    await writeFile(
      join(shards, 'dataset.json'),
      JSON.stringify({ classes: data.classes, fps: data.fps, featureSetId: 'synthetic', featureDim: 12 }),
    );

    const out = join(dir, 'model');
    const args = [SCRIPT, shards, '--out', out, '--clip-length', '8', '--hidden', '16', '--epochs', '60'];
    const r = JSON.parse(execFileSync(PYTHON, args, { encoding: 'utf8' })) as {
      samples: number;
      firstLoss: number;
      lastLoss: number;
      trainAccuracy: number;
      probe: { key: string; probabilities: number[] };
    };
    console.log(`[pytorch-gru] loss ${r.firstLoss.toFixed(3)} → ${r.lastLoss.toFixed(3)}, accuracy ${r.trainAccuracy}`);
    expect(r.samples).toBe(summary.samples);
    expect(r.lastLoss).toBeLessThan(r.firstLoss / 2);
    expect(r.trainAccuracy).toBeGreaterThanOrEqual(0.9);

    const sidecar = JSON.parse(await readFile(join(out, 'gru.json'), 'utf8')) as Record<string, unknown>;
    expect(sidecar).toMatchObject({ format: 'framewise-onnx-head', clipLength: 8, classes: data.classes });
    const probe = (await readShard(join(shards, summary.shards[0]!))).find((s) => s.key === r.probe.key)!;
    const session = await ort.InferenceSession.create(join(out, 'gru.onnx'));
    const res = await session.run({ features: new ort.Tensor('float32', probe.features, [1, 8, 12]) });
    const got = Array.from(res.probabilities!.data as Float32Array);
    expect(got.length).toBe(2);
    got.forEach((p, i) => expect(Math.abs(p - r.probe.probabilities[i]!)).toBeLessThanOrEqual(1e-5));
    // A batch gives each clip its own row (the file is not tied to the batch of 1 it was traced with).
    const two = new Float32Array(2 * 8 * 12);
    two.set(probe.features, 8 * 12);
    const batch = await session.run({ features: new ort.Tensor('float32', two, [2, 8, 12]) });
    const rows = Array.from(batch.probabilities!.data as Float32Array);
    rows.slice(2).forEach((p, i) => expect(Math.abs(p - got[i]!)).toBeLessThanOrEqual(1e-6));
    await session.release();
  }, 240_000);
});
