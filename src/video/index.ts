/** Video pipeline: find ffmpeg, read metadata, stream RGB frames, make thumbnails. */
export type { DecodeOptions, FitMode, Frame, VideoInfo } from './types.js';
export {
  ffmpegInstallHint,
  ffmpegVersion,
  getFfmpegPaths,
  locateFfmpeg,
  resetFfmpegPathsCache,
  resolveFfmpegPaths,
  type FfmpegPaths,
  type FfmpegSource,
  type ResolveFfmpegOptions,
} from './ffmpeg-path.js';
export { probe, type ProbeOptions } from './probe.js';
export { countFrames, decodeFrames } from './decode.js';
export {
  filmstrip,
  filmstripTimes,
  thumbnail,
  type FilmstripOptions,
  type ImageFormat,
  type ThumbnailOptions,
} from './thumbnails.js';
