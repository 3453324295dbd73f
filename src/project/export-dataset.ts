/**
 * A project's labelled segments as a WebDataset (export/webdataset.ts), for training elsewhere:
 * each user-labelled segment with a class becomes one sample — the feature frames inside it (all
 * streams: the vector the project's models see, before normalisation) and its label, times,
 * caption and video. Features come from the project's cache, extracted first where missing.
 * A dataset.json next to the shards names the classes and the feature set.
 */
import { readdir } from 'node:fs/promises';
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
}

export interface DatasetExport extends ShardSummary {
  outDir: string;
  /** Segments left out: shorter than one feature frame. */
  skipped: number;
  seconds: number;
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
  // Shards of an earlier export would mix with the new ones under the same glob; deleting them is
  // not this command's call.
  const existing = await readdir(outDir).catch(() => [] as string[]);
  if (existing.some((f) => /^shard-\d+\.tar$/.test(f) || f === 'index.jsonl'))
    throw new FramewiseError(
      'BAD_ARGUMENT',
      `${outDir} already holds a dataset (shard-*.tar, index.jsonl): export into an empty or new folder.`,
    );
  const classes = new Map(project.classes.map((c) => [c.id, c.name]));
  const featureSet = projectFeatureSet(store, opts.engine);
  const writer = new ShardWriter(outDir, opts.shardSize ?? DEFAULT_SHARD_SIZE);
  const videoIds = [...new Set(segments.map((s) => s.videoId))];
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
  await atomicWriteFile(
    join(outDir, 'dataset.json'),
    JSON.stringify(
      {
        format: 'webdataset',
        producer: 'framewise',
        classes: project.classes.filter((c) => used.has(c.id)).map((c) => ({ id: c.id, name: c.name })),
        fps: project.settings.fps,
        featureSetId: featureSet.backboneId,
        featureDim: featureSet.featureDim,
        streams: featureSet.streams.map((s) => `${s.id}${s.version}`),
        dtype: 'float16',
        samples: summary.samples,
        shards: summary.shards,
      },
      null,
      1,
    ) + '\n',
  );
  return { ...summary, outDir, skipped, seconds: (performance.now() - t0) / 1000 };
}
