/**
 * Feature streams computed from the decoded frames next to the CNN's appearance vector, and the
 * identity of a feature set (backbone + streams) that caches and models are keyed by.
 *
 * A stream sees every decoded frame (the extraction decodes `substeps` frames per sample when a
 * stream asks for it) and yields one vector per sampled frame; the vectors are appended to the
 * CNN's, so everything downstream (cache files, normalisation, heads) sees one wider vector.
 */
import { FramewiseError } from '../../errors.js';
import { MOTION_DIM, MotionStream } from './motion.js';

export const STREAM_IDS = ['motion'] as const;
export type StreamId = (typeof STREAM_IDS)[number];

/** Streams a new project uses: appearance alone cannot tell which way things move. */
export const DEFAULT_STREAMS: readonly StreamId[] = ['motion'];

export interface StreamState {
  push(rgb: Uint8Array): void;
  /** The vector for the sample that the last pushed frame is, written into `out`. */
  take(out: Float32Array): Float32Array;
}

export interface FrameStream {
  id: StreamId;
  /** Bumped when the stream's numbers change: part of the feature set id, so old caches are not reused. */
  version: number;
  dim: number;
  /** Decoded frames per sampled frame at this sampling rate. */
  substeps(fps: number): number;
  open(width: number, height: number): StreamState;
}

/** Motion is measured between frames about 1/12 s apart, whatever the sampling rate. */
const MOTION_RATE = 12;

const STREAMS: Record<StreamId, FrameStream> = {
  motion: {
    id: 'motion',
    version: 3,
    dim: MOTION_DIM,
    substeps: (fps) => Math.max(1, Math.min(8, Math.round(MOTION_RATE / fps))),
    open: (width, height) => new MotionStream(width, height),
  },
};

export function isStreamId(id: string): id is StreamId {
  return (STREAM_IDS as readonly string[]).includes(id);
}

/** The streams for ids, in their canonical order, or a clear error naming an unknown one. */
export function streamsFor(ids: readonly string[]): FrameStream[] {
  for (const id of ids) {
    if (id === 'appearance') continue;
    if (!isStreamId(id))
      throw new FramewiseError(
        'BAD_ARGUMENT',
        `Unknown feature stream "${id}"; known: appearance (always on), ${STREAM_IDS.join(', ')}.`,
      );
  }
  return STREAM_IDS.filter((id) => ids.includes(id)).map((id) => STREAMS[id]);
}

/** Width of the vectors a backbone of `appearanceDim` and these streams give. */
export function featureSetDim(appearanceDim: number, streams: readonly FrameStream[]): number {
  return streams.reduce((d, s) => d + s.dim, appearanceDim);
}

/** "mobilenet_v2_nsfwjs" alone, "mobilenet_v2_nsfwjs+motion1" with the motion stream. */
export function featureSetId(backboneId: string, streams: readonly FrameStream[]): string {
  return [backboneId, ...streams.map((s) => `${s.id}${s.version}`)].join('+');
}
