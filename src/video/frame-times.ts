/**
 * When each frame of a video is shown, read from its packets by ffprobe (no decoding): for frame
 * stepping in variable-frame-rate video (phone recordings, screen captures), where "one frame" is
 * not 1/fps. Times are relative to the first frame, as the player's media time is.
 */
import { FramewiseError } from '../errors.js';
import { checkVideoFile } from './file-check.js';
import { getFfmpegPaths } from './ffmpeg-path.js';
import { probeCacheKey } from './probe-cache.js';
import { fileArg, lastStderrLines, runProcess } from './process.js';

export interface FrameTimes {
  /** Whether frame intervals vary (see isVariableRate); for a constant rate 1/fps steps are exact. */
  variable: boolean;
  /** Presentation times in seconds from the first frame, ascending. */
  times: number[];
}

/** Intervals further than this fraction from the median make the rate variable (timestamps jitter by a tick). */
const TOLERANCE = 0.1;

/** Pure: whether the intervals between `times` (ascending) differ from their median by more than TOLERANCE. */
export function isVariableRate(times: readonly number[]): boolean {
  if (times.length < 3) return false;
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  const median = [...gaps].sort((a, b) => a - b)[gaps.length >> 1]!;
  if (!(median > 0)) return false;
  return gaps.some((g) => Math.abs(g - median) > TOLERANCE * median);
}

/** A few videos' times stay in memory: stepping asks again each time a video is selected. */
const recent = new Map<string, FrameTimes>();
const KEEP = 8;

export async function readFrameTimes(file: string, options: { signal?: AbortSignal } = {}): Promise<FrameTimes> {
  await checkVideoFile(file);
  const key = await probeCacheKey(file);
  const cached = key !== undefined ? recent.get(key) : undefined;
  if (cached) return cached;
  const { ffprobe } = getFfmpegPaths();
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0'];
  const res = await runProcess(ffprobe, [...args, fileArg(file)], {
    signal: options.signal,
    purpose: `reading the frame times of "${file}"`,
  });
  if (res.code !== 0)
    throw new FramewiseError(
      'CORRUPT_VIDEO',
      `"${file}" could not be read as a video (damaged or unsupported): ${lastStderrLines(res.stderrTail, file) || `ffprobe exited with code ${String(res.code)}`}`,
    );
  // Packets come in decoding order (B-frames), so sorting gives the presentation order.
  const pts = res.stdout
    .toString('utf8')
    .split('\n')
    .map((line) => Number.parseFloat(line))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const first = pts[0] ?? 0;
  const times = pts.map((t) => Math.round((t - first) * 1e6) / 1e6);
  const out: FrameTimes = { variable: isVariableRate(times), times };
  if (key !== undefined) {
    recent.set(key, out);
    if (recent.size > KEEP) recent.delete(recent.keys().next().value!);
  }
  return out;
}
