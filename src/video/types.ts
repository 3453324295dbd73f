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
  /** Coded width/height; `displayWidth/Height` apply rotation. */
  width: number;
  height: number;
  displayWidth: number;
  displayHeight: number;
  codec: string;
  pixelFormat: string;
  /** Clockwise rotation in degrees from the display matrix / rotate tag (0, 90, 180, 270). */
  rotation: number;
  hasAudio: boolean;
  variableFrameRate: boolean;
}

/** How frames are scaled to the requested size. */
export type FitMode = 'stretch' | 'crop' | 'pad';

export interface DecodeOptions {
  /** Sampling rate in frames per second; default: the video's own rate. */
  fps?: number;
  /** Output size in pixels; a number means a square. Default: the display size. */
  size?: number | { width: number; height: number };
  fit?: FitMode;
  /** Start / end in seconds (end exclusive). */
  start?: number;
  end?: number;
  signal?: AbortSignal;
}

/** One decoded RGB frame, HxWx3 bytes, row-major. */
export interface Frame {
  /** 0-based index among the frames this call produced. */
  index: number;
  /** Presentation time in seconds, from the start of the file. */
  timeSec: number;
  width: number;
  height: number;
  data: Uint8Array;
}
