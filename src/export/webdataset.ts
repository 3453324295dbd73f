/**
 * Feature clips as WebDataset shards, the layout video2dataset and clip-retrieval write and the
 * `webdataset` / torchdata readers take unchanged:
 *
 *   <out>/shard-000000.tar, shard-000001.tar, …   each a plain (ustar) tar of samples; a sample is
 *        <key>.npy    float16 [T, D], the clip's feature frames
 *        <key>.json   label, times, caption, video…
 *   <out>/index.jsonl  one line per sample: key, shard, label, start, end, frames, video
 *
 * A key has no dot (WebDataset splits key and extension at the first dot of the file name), and a
 * sample's files are next to each other in one shard. Each shard is written to a temporary name
 * and renamed when complete, so a reader never sees half a shard; the index comes last.
 * A shard is built in memory before it is written (bounded by the shard size).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract, pack } from 'tar-stream';
import { toHalf } from '../features/float16.js';
import { atomicWriteFile } from '../util/atomic-write.js';
import { npyBytes, parseNpy } from './npy.js';

export interface ShardSample {
  /** [A-Za-z0-9_-]+, unique in the dataset. */
  key: string;
  /** Frames [T·D], row-major. */
  features: Float32Array;
  frames: number;
  dim: number;
  /** What <key>.json holds; `label`, `start`, `end` and `video` are also copied into the index. */
  meta: { label: string; start: number; end: number; video: string } & Record<string, unknown>;
}

export interface IndexLine {
  key: string;
  shard: string;
  label: string;
  start: number;
  end: number;
  frames: number;
  video: string;
}

export interface ShardSummary {
  shards: string[];
  samples: number;
  bytes: number;
}

const KEY = /^[A-Za-z0-9_-]+$/;

/** shard-000000.tar; in shard set "2-of-4" (a `--shard 2/4` process): shard-2-of-4-000000.tar. */
export function shardName(i: number, set?: string): string {
  return `shard-${set ? `${set}-` : ''}${String(i).padStart(6, '0')}.tar`;
}

/** Writes samples into shards of `shardSize` samples each; `finish` writes the last shard and the index. */
export class ShardWriter {
  private readonly index: IndexLine[] = [];
  private readonly shards: string[] = [];
  private readonly keys = new Set<string>();
  private pending: ShardSample[] = [];
  private bytes = 0;

  constructor(
    private readonly outDir: string,
    private readonly shardSize: number,
    private readonly mtime = new Date(),
    /** A shard set's name (see shardName); its index is index-<set>.jsonl. */
    private readonly set?: string,
  ) {
    if (!Number.isInteger(shardSize) || shardSize < 1)
      throw new RangeError(`shard size must be ≥ 1 (got ${shardSize})`);
  }

  async add(sample: ShardSample): Promise<void> {
    if (!KEY.test(sample.key)) throw new Error(`WebDataset key "${sample.key}" must be letters, digits, _ or -`);
    if (this.keys.has(sample.key)) throw new Error(`WebDataset key "${sample.key}" is used twice`);
    if (sample.features.length !== sample.frames * sample.dim)
      throw new Error(`sample ${sample.key}: ${sample.features.length} values for ${sample.frames}×${sample.dim}`);
    this.keys.add(sample.key);
    this.pending.push(sample);
    if (this.pending.length >= this.shardSize) await this.flush();
  }

  async finish(): Promise<ShardSummary> {
    await this.flush();
    const text = this.index.map((l) => JSON.stringify(l)).join('\n');
    const index = this.set ? `index-${this.set}.jsonl` : 'index.jsonl';
    await atomicWriteFile(join(this.outDir, index), text === '' ? '' : text + '\n');
    return { shards: [...this.shards], samples: this.index.length, bytes: this.bytes };
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const samples = this.pending;
    this.pending = [];
    const name = shardName(this.shards.length, this.set);
    await mkdir(this.outDir, { recursive: true });
    const file = join(this.outDir, name);
    const tmp = join(this.outDir, `.${name}.${process.pid}.partial`);
    const tar = pack();
    const out = createWriteStream(tmp);
    const written = pipeline(tar, out);
    for (const s of samples) {
      // A plain loop: Uint16Array.from with a map function is 15× slower here.
      const halves = new Uint16Array(s.features.length);
      for (let i = 0; i < halves.length; i++) halves[i] = toHalf(s.features[i]!);
      const entry = (ext: string, data: Uint8Array): void =>
        void tar.entry(
          { name: `${s.key}.${ext}`, size: data.length, mtime: this.mtime, mode: 0o644 },
          Buffer.from(data),
        );
      entry('npy', npyBytes(halves, [s.frames, s.dim]));
      entry('json', Buffer.from(JSON.stringify({ key: s.key, frames: s.frames, dim: s.dim, ...s.meta })));
      const { label, start, end, video } = s.meta;
      this.index.push({ key: s.key, shard: name, label, start, end, frames: s.frames, video });
    }
    tar.finalize();
    try {
      await written;
      await rename(tmp, file);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    this.bytes += out.bytesWritten;
    this.shards.push(name);
  }
}

export interface ReadSample {
  key: string;
  /** float16 values widened to float32. */
  features: Float32Array;
  shape: number[];
  meta: Record<string, unknown>;
}

/** Reads one shard back, sample by sample in file order (a sample's files are adjacent). */
export async function readShard(file: string): Promise<ReadSample[]> {
  const files = new Map<string, { npy?: Uint8Array; json?: Uint8Array }>();
  const ex = extract();
  const reading = pipeline(createReadStream(file), ex);
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    const base = entry.header.name.split('/').pop()!;
    const dot = base.indexOf('.');
    const key = base.slice(0, dot);
    const ext = base.slice(dot + 1);
    if (ext !== 'npy' && ext !== 'json') continue;
    const rec = files.get(key) ?? {};
    rec[ext] = Buffer.concat(chunks);
    files.set(key, rec);
  }
  await reading;
  return [...files].map(([key, f]) => {
    if (!f.npy || !f.json) throw new Error(`${file}: sample ${key} lacks its ${f.npy ? '.json' : '.npy'}`);
    const npy = parseNpy(f.npy);
    return {
      key,
      features: npy.data,
      shape: npy.shape,
      meta: JSON.parse(Buffer.from(f.json).toString('utf8')) as Record<string, unknown>,
    };
  });
}
