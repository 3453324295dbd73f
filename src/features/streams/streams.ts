/**
 * Feature streams computed from the decoded frames next to the CNN's appearance vector, and the
 * identity of a feature set (backbone + streams) that caches and models are keyed by.
 *
 * A stream sees every decoded frame (the extraction decodes `substeps` frames per sample when a
 * stream asks for it) and yields one vector per sampled frame; the vectors are appended to the
 * CNN's, so everything downstream (cache files, normalisation, heads) sees one wider vector.
 */
import { FramewiseError } from '../../errors.js';
import { MOTION_DIM, MOTION_LAYOUT, MotionStream } from './motion.js';
import { OBJECT_DIM, OBJECT_LAYOUT, ObjectStream } from './object.js';

export const STREAM_IDS = ['motion', 'object'] as const;
export type StreamId = (typeof STREAM_IDS)[number];

/** Streams a new project uses: appearance alone cannot tell which way things move. */
export const DEFAULT_STREAMS: readonly StreamId[] = ['motion'];

export interface StreamState {
  push(rgb: Uint8Array): void;
  /** The vector for the sample that the last pushed frame is, written into `out`. */
  take(out: Float32Array): Float32Array;
}

/** Part of a stream's vector and its weight in training (see training/dataset.ts fitNormalizer). */
export interface StreamBlock {
  width: number;
  weight: number;
  /**
   * The weight on relative input (each clip less its own mean), where a block's steady part is
   * gone and what is left is how it changes; `weight` when absent. Chosen on a tuning set of
   * generated motion clips (docs/streams.md).
   */
  relativeWeight?: number;
}

/**
 * Weight of the CNN's appearance vector next to the streams. Measured on few-shot motion tasks
 * (docs/streams.md): at full weight a head on 8 clips a class memorises each clip's look.
 */
export const APPEARANCE_WEIGHT = 1;
/**
 * On relative input the appearance block is how the picture changes over the clip, which carries the
 * motion of anything the other streams miss; weighted up (measured: tuning-set top-1 0.69 → 0.93).
 */
export const APPEARANCE_RELATIVE_WEIGHT = 4;

export interface FrameStream {
  id: StreamId;
  /** Bumped when the stream's numbers change: part of the feature set id, so old caches are not reused. */
  version: number;
  dim: number;
  /** The stream's vector in blocks of their own weight, in order (summing to dim). */
  blocks: StreamBlock[];
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
    // The summary (background and foreground motion, where) reads the actions people label; the
    // 4×4 grid says where in the frame, but in few-shot training it is mostly room to memorise.
    blocks: [
      { width: MOTION_LAYOUT.cellMotion, weight: 1, relativeWeight: 2 },
      { width: MOTION_DIM - MOTION_LAYOUT.cellMotion, weight: 0.1, relativeWeight: 0.5 },
    ],
    substeps: (fps) => Math.max(1, Math.min(8, Math.round(MOTION_RATE / fps))),
    open: (width, height) => new MotionStream(width, height),
  },
  object: {
    id: 'object',
    version: 3,
    dim: OBJECT_DIM,
    // Colour, size, place and shape of the moving object: the words of a caption that the pooled
    // appearance vector does not carry (docs/streams.md).
    // The colour has its own block at four times the weight: in a block of 25 numbers its 7 had too
    // small a share for a captioner trained on tens of clips to pick up (docs/streams.md).
    blocks: [
      // On relative input the colour is steady within a clip: what is left of it is mostly noise.
      { width: OBJECT_LAYOUT.present, weight: 4, relativeWeight: 1 },
      { width: OBJECT_DIM - OBJECT_LAYOUT.present, weight: 1, relativeWeight: 2 },
    ],
    // Measured on sampled frames only, two samples apart.
    substeps: () => 1,
    open: (width, height) => new ObjectStream(width, height),
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

/** The blocks of a feature set's vector, appearance first, for balancing in training. */
export function featureSetBlocks(appearanceDim: number, streams: readonly FrameStream[]): StreamBlock[] {
  return [
    { width: appearanceDim, weight: APPEARANCE_WEIGHT, relativeWeight: APPEARANCE_RELATIVE_WEIGHT },
    ...streams.flatMap((s) => s.blocks),
  ];
}
