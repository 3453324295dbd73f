/** The three ways to provide ffmpeg, quoted in every FFMPEG_NOT_FOUND message. */
export function ffmpegInstallHint(): string {
  return (
    'Framewise needs ffmpeg and ffprobe. Either set FFMPEG_PATH and FFPROBE_PATH to the two executables, ' +
    'or install the optional npm package ffmpeg-static (plus ffprobe-static), ' +
    'or install ffmpeg so that it is on your PATH (e.g. `apt-get install ffmpeg`, `brew install ffmpeg`, `winget install ffmpeg`).'
  );
}
