/**
 * WebDataset shards: split at the shard size, read back by Framewise's own reader and by Python's
 * standard tarfile + numpy (skipped without numpy), float16 values exact, index in step.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHalf, toHalf } from '../../src/features/float16.js';
import { parseNpy } from '../../src/export/npy.js';
import { readShard, ShardWriter, type ShardSample } from '../../src/export/webdataset.js';
import { Rng } from '../../src/util/rng.js';
import { pythonHas, runPython } from '../fixtures/python.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-wds-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const D = 5;
function samples(n: number): ShardSample[] {
  const rng = new Rng(4);
  return Array.from({ length: n }, (_, i) => {
    const frames = 2 + (i % 4);
    return {
      key: `vid-${i % 3}_${String(i).padStart(4, '0')}`,
      features: Float32Array.from({ length: frames * D }, () => rng.normal() * 3),
      frames,
      dim: D,
      meta: {
        label: i % 2 ? 'run' : 'walk',
        start: i,
        end: i + 0.5 * frames,
        video: `/v/${i % 3}.mp4`,
        caption: `c ${i}`,
      },
    };
  });
}
/** What float16 storage keeps of a value. */
const half = (v: number): number => fromHalf(toHalf(v));

describe('WebDataset shards', () => {
  it('splits at the shard size, writes the index, and reads back exactly (float16)', async () => {
    const out = join(dir, 'a');
    const input = samples(7);
    const w = new ShardWriter(out, 3);
    for (const s of input) await w.add(s);
    const summary = await w.finish();
    expect(summary.shards).toEqual(['shard-000000.tar', 'shard-000001.tar', 'shard-000002.tar']);
    expect(summary.samples).toBe(7);
    expect((await readdir(out)).sort()).toEqual(['index.jsonl', ...summary.shards]);
    const index = (await readFile(join(out, 'index.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { key: string; shard: string; frames: number });
    expect(index.map((l) => l.key)).toEqual(input.map((s) => s.key));
    expect(index.map((l) => l.shard)).toEqual([0, 0, 0, 1, 1, 1, 2].map((i) => summary.shards[i]));

    const read = (await Promise.all(summary.shards.map((s) => readShard(join(out, s))))).flat();
    expect(read.map((r) => r.key)).toEqual(input.map((s) => s.key));
    read.forEach((r, i) => {
      const s = input[i]!;
      expect(r.shape).toEqual([s.frames, D]);
      expect(Array.from(r.features)).toEqual(Array.from(s.features, half));
      expect(r.meta).toMatchObject({ ...s.meta, key: s.key, frames: s.frames, dim: D });
    });
  });

  it('refuses keys WebDataset would split or that repeat', async () => {
    const w = new ShardWriter(join(dir, 'b'), 2);
    const [s] = samples(1);
    await expect(w.add({ ...s!, key: 'a.b' })).rejects.toThrow(/letters, digits/);
    await w.add(s!);
    await expect(w.add(s!)).rejects.toThrow(/used twice/);
  });

  it('parseNpy refuses a file that is not .npy', () => {
    const bad = Buffer.from('not npy');
    expect(() => parseNpy(bad)).toThrow(/not a \.npy/);
  });

  it.skipIf(!pythonHas('numpy'))('Python’s tarfile + numpy read the same samples', async () => {
    const out = join(dir, 'py');
    const input = samples(5);
    const w = new ShardWriter(out, 2);
    for (const s of input) await w.add(s);
    const { shards } = await w.finish();
    const script = [
      'import io, json, sys, tarfile, numpy as np',
      'out = []',
      'for path in sys.argv[1:]:',
      '    with tarfile.open(path) as tf:',
      '        files = {}',
      '        for m in tf.getmembers():',
      '            key, ext = m.name.split(".", 1)',
      '            files.setdefault(key, {})[ext] = tf.extractfile(m).read()',
      '        for key, f in files.items():',
      '            a = np.load(io.BytesIO(f["npy"]))',
      '            meta = json.loads(f["json"])',
      '            out.append({"key": key, "dtype": str(a.dtype), "shape": list(a.shape),',
      '                        "values": a.astype(np.float64).ravel().tolist(), "label": meta["label"]})',
      'print(json.dumps(out))',
    ].join('\n');
    const py = JSON.parse(
      runPython(
        script,
        shards.map((s) => join(out, s)),
      ),
    ) as {
      key: string;
      dtype: string;
      shape: number[];
      values: number[];
      label: string;
    }[];
    expect(py.map((p) => p.key)).toEqual(input.map((s) => s.key));
    py.forEach((p, i) => {
      const s = input[i]!;
      expect(p.dtype).toBe('float16');
      expect(p.shape).toEqual([s.frames, D]);
      expect(p.values).toEqual(Array.from(s.features, half));
      expect(p.label).toBe(s.meta.label);
    });
  });
});
