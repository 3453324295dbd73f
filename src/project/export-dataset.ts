/**
 * A project's labelled segments as a WebDataset (export/webdataset.ts), for training elsewhere:
 * each user-labelled segment with a class becomes one sample — the feature frames inside it (all
 * streams: the vector the project's models see, before normalisation) and its label, times,
 * caption and video. Features come from the project's cache, extracted first where missing.
 * A dataset.json next to the shards names the classes and the feature set.
 *
 * Sharded (`set`, e.g. "2-of-4", one per `--shard k/N` process over its share of the videos): the
 * set's shards are shard-2-of-4-000000.tar…, its index index-2-of-4.jsonl, its summary
 * dataset-2-of-4.json (written last: the set is done), and dataset.json the part every set shares
 * (the same bytes from every process). A rerun skips a finished set and redoes an interrupted one.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FramewiseError } from '../errors.js';
import type { FeatureEngine } from '../features/types.js';
import { ShardWriter, type ShardSummary } from '../export/webdataset.js';
import { frameAt } from '../training/dataset.js';
import { atomicWriteFile } from '../util/atomic-write.js';
import { resolveVideoPath, type ProjectStore } from '../store/project-store.js';
import { projectFeatureSet, projectVideoFeatures } from './video-features.js';

export interface DatasetExportOptions {
  engine: FeatureEngine;
  /** Samples per shard (default 1000). */
  shardSize?: number;
  signal?: AbortSignal;
  onVideo?: (index: number, count: number) => void;
  /** Which of the labelled videos (by absolute path) this run exports; default all. */
  selectVideos?: (paths: string[]) => string[];
  /** The shard set this run writes, "<k>-of-<N>" (see the file comment). */
  set?: string;
}

export interface DatasetExport extends ShardSummary {
  outDir: string;
  /** Segments left out: shorter than one feature frame. */
  skipped: number;
  seconds: number;
  /** A sharded rerun found this set finished and wrote nothing. */
  alreadyDone?: boolean;
}

export const DEFAULT_SHARD_SIZE = 1000;

/** A WebDataset key from a segment: its video and segment ids, made safe (no dots). */
function sampleKey(videoId: string, segmentId: string): string {
  return `${videoId}_${segmentId}`.replace(/[^A-Za-z0-9_-]/g, '-');
}

export async function exportDataset(
  store: ProjectStore,
  outDir: string,
  opts: DatasetExportOptions,
): Promise<DatasetExport> {
  const t0 = performance.now();
  const { project } = store;
  // Samples in the project's video order, then in time.
  const order = new Map(project.videos.map((v, i) => [v.id, i]));
  const segments = project.segments
    .filter((s) => s.source === 'user' && s.classId !== null)
    .sort((a, b) => (order.get(a.videoId) ?? 0) - (order.get(b.videoId) ?? 0) || a.start - b.start);
  if (segments.length === 0)
    throw new FramewiseError('BAD_ARGUMENT', 'This project has no labelled segments to export. Label some first.');
  const existing = await readdir(outDir).catch(() => [] as string[]);
  checkFolder(outDir, existing, opts.set);
  if (opts.set && existing.includes(`dataset-${opts.set}.json`)) {
    const done = JSON.parse(await readFile(join(outDir, `dataset-${opts.set}.json`), 'utf8')) as ShardSummary;
    return { ...done, outDir, skipped: 0, seconds: (performance.now() - t0) / 1000, alreadyDone: true };
  }
  // What an interrupted run of this same set left (whole shards only: each is renamed when done).
  for (const f of existing) if (opts.set && f.startsWith(`shard-${opts.set}-`)) await rm(join(outDir, f));
  const classes = new Map(project.classes.map((c) => [c.id, c.name]));
  const featureSet = projectFeatureSet(store, opts.engine);
  const writer = new ShardWriter(outDir, opts.shardSize ?? DEFAULT_SHARD_SIZE, new Date(), opts.set);
  const pathOf = new Map(project.videos.map((v) => [v.id, resolveVideoPath(store.paths, v.path)]));
  let videoIds = [...new Set(segments.map((s) => s.videoId))];
  if (opts.selectVideos) {
    const chosen = new Set(opts.selectVideos(videoIds.map((id) => pathOf.get(id) ?? id)));
    videoIds = videoIds.filter((id) => chosen.has(pathOf.get(id) ?? id));
  }
  let skipped = 0;
  for (const [i, videoId] of videoIds.entries()) {
    if (opts.signal?.aborted) throw new FramewiseError('ABORTED', 'The dataset export was cancelled.');
    opts.onVideo?.(i, videoIds.length);
    const video = project.videos.find((v) => v.id === videoId);
    if (!video) throw new FramewiseError('NOT_FOUND', `No video ${videoId} in this project.`);
    const { features: f } = await projectVideoFeatures(store, video, { engine: opts.engine, signal: opts.signal });
    const D = f.featureDim;
    for (const s of segments.filter((x) => x.videoId === videoId)) {
      const first = frameAt(f.times, s.start);
      const end = frameAt(f.times, s.end);
      if (end <= first) {
        skipped++;
        continue;
      }
      await writer.add({
        key: sampleKey(videoId, s.id),
        features: f.features.slice(first * D, end * D),
        frames: end - first,
        dim: D,
        meta: {
          label: classes.get(s.classId!) ?? s.classId!,
          classId: s.classId!,
          start: s.start,
          end: s.end,
          caption: s.captions[0] ?? '',
          captions: s.captions,
          video: resolveVideoPath(store.paths, video.path),
          videoId,
          times: Array.from(f.times.subarray(first, end)),
        },
      });
    }
  }
  const summary = await writer.finish();
  const used = new Set(segments.map((s) => s.classId!));
  const shared = {
    format: 'webdataset',
    producer: 'framewise',
    classes: project.classes.filter((c) => used.has(c.id)).map((c) => ({ id: c.id, name: c.name })),
    fps: project.settings.fps,
    featureSetId: featureSet.backboneId,
    featureDim: featureSet.featureDim,
    streams: featureSet.streams.map((s) => `${s.id}${s.version}`),
    dtype: 'float16',
  };
  const json = (v: unknown): string => JSON.stringify(v, null, 1) + '\n';
  if (opts.set) {
    await atomicWriteFile(join(outDir, 'dataset.json'), json({ ...shared, sharded: true }));
    await atomicWriteFile(join(outDir, `dataset-${opts.set}.json`), json({ ...shared, ...summary }));
  } else {
    await atomicWriteFile(
      join(outDir, 'dataset.json'),
      json({ ...shared, samples: summary.samples, shards: summary.shards }),
    );
  }
  return { ...summary, outDir, skipped, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Shards of an earlier export would mix with the new ones under the same glob, and deleting them
 * is not this command's call: refused, except the sets of the same sharded export (same N).
 */
function checkFolder(outDir: string, existing: string[], set: string | undefined): void {
  const count = set?.split('-of-')[1];
  const foreign = existing.filter((f) => {
    const m = /^(?:shard-(?:(\d+)-of-(\d+)-)?\d+\.tar|index(?:-(\d+)-of-(\d+))?\.jsonl)$/.exec(f);
    if (!m) return false;
    const n = m[2] ?? m[4];
    return !(set && n === count);
  });
  if (foreign.length > 0)
    throw new FramewiseError(
      'BAD_ARGUMENT',
      set
        ? `${outDir} already holds another dataset (${foreign[0]}): export into an empty or new folder, or the folder of the same --shard k/${count} export.`
        : `${outDir} already holds a dataset (shard-*.tar, index.jsonl): export into an empty or new folder.`,
    );
}
