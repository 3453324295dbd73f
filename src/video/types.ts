import type { FramePool } from './frame-pool.js';
/** Metadata of a video file, read with ffprobe. Times in seconds. */
export interface VideoInfo {
  path: string;
  sizeBytes: number;
  container: string;
  durationSec: number;
  /** Average frame rate of the first video stream (frames per second). */
  fps: number;
  /** Frame count from the container when known, else estimated from duration × fps. */
  frameCount: number;
  /**
   * Coded width/height; `displayWidth/Height` apply rotation and non-square pixels (sample aspect
   * ratio), i.e. the size a player shows and the default decode size.
   */
  width: number;
  height: number;
  displayWidth: number;
  displayHeight: number;
  codec: string;
  pixelFormat: string;
  /** Clockwise rotation in degrees from the display matrix / rotate tag (0, 90, 180, 270). */
  rotation: number;
  hasAudio: boolean;
  /** avg_frame_rate and r_frame_rate differ by more than 1 % (a hint: decoding resamples to a fixed rate anyway). */
  variableFrameRate: boolean;
  /** ffprobe's format name as reported, e.g. "mov,mp4,m4a,3gp,3g2,mj2" (`container` is one alias of it). */
  formatName?: string;
  /** Exact frame rate behind `fps` as a rational, e.g. "30000/1001". */
  frameRate?: string;
  /** ffprobe index of the video stream described here (the first one that is not cover art). */
  streamIndex?: number;
  /** Container start time in seconds; ffmpeg and players show this instant as 0. */
  startTimeSec?: number;
  /** Width of a pixel relative to its height (1 for square pixels). */
  sampleAspectRatio?: number;
}

/** How frames are scaled to the requested size. */
export type FitMode = 'stretch' | 'crop' | 'pad';

export interface DecodeOptions {
  /** Sampling rate in frames per second; default: the video's own rate. */
  fps?: number;
  /** Output size in pixels; a number means a square. Default: the display size. */
  size?: number | { width: number; height: number };
  /** Default 'stretch' (keeps the whole field of view; the aspect ratio may change). */
  fit?: FitMode;
  /** Start / end in seconds (end exclusive). */
  start?: number;
  end?: number;
  signal?: AbortSignal;
  /** Result of an earlier `probe()` of the same file, to skip probing again. */
  info?: VideoInfo;
  /**
   * Where frame buffers come from. Without it every frame is a new array the consumer may keep;
   * with it, buffers come from the pool and a consumer that returns them (`pool.give(frame.data)`)
   * must not use them afterwards. Ignored when its frame size differs from the output's.
   */
  framePool?: FramePool;
  /**
   * Decoder threads (ffmpeg `-threads`). Default: ffmpeg's choice (about one per core, plus one).
   * Feature extraction asks for one per core: the CNN runs beside the decoder, and an extra
   * decoder thread then only adds switching (measured on 2 cores: 10 % faster end to end).
   */
  threads?: number;
}

/** One decoded RGB frame, HxWx3 bytes, row-major. */
export interface Frame {
  /** 0-based index among the frames this call produced. */
  index: number;
  /**
   * Presentation time in seconds, from the start of the file: exactly `start + index / fps`. The
   * image is the source frame a player shows at that instant (the last one whose timestamp is
   * ≤ timeSec, within 1 ms); see docs/video-pipeline.md.
   */
  timeSec: number;
  width: number;
  height: number;
  data: Uint8Array;
}
