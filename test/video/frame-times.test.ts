import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVariableRate, readFrameTimes } from '../../src/video/frame-times.js';
import { makeTempDir, makeVideo, removeTempDir } from '../fixtures/videos.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await removeTempDir(dir);
});

/** Ten frames at 10 fps, then 30 fps (a phone that speeds up its capture), H.264 in MP4. */
function variableRateVideo(file: string): void {
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=30:duration=1'],
    ...['-vf', "setpts='if(lt(N,10),N/10/TB,(1+(N-10)/30)/TB)'", '-fps_mode', 'vfr'],
    ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-bf', '2', file],
  ]);
}

describe('frame times', () => {
  it('reads a variable-rate video frame by frame, in presentation order (B-frames included)', async () => {
    const file = join(dir, 'vfr.mp4');
    variableRateVideo(file);
    const { variable, times } = await readFrameTimes(file);
    expect(variable).toBe(true);
    expect(times).toHaveLength(30);
    for (let i = 0; i < 10; i++) expect(times[i]).toBeCloseTo(i / 10, 3);
    for (let i = 10; i < 30; i++) expect(times[i]).toBeCloseTo(1 + (i - 10) / 30, 3);
  });

  it('says a constant-rate video is constant', async () => {
    const file = await makeVideo(dir, 'cfr.mp4', { durationSec: 1, fps: 25 });
    const { variable, times } = await readFrameTimes(file);
    expect(variable).toBe(false);
    expect(times).toHaveLength(25);
    expect(times[1]).toBeCloseTo(0.04, 4);
  });

  it('tells jitter of a timestamp tick from a real change of rate', () => {
    expect(isVariableRate([0, 0.04, 0.0801, 0.12, 0.16])).toBe(false);
    expect(isVariableRate([0, 0.04, 0.08, 0.2, 0.24])).toBe(true);
    expect(isVariableRate([0, 1])).toBe(false);
  });

  it('a file that is not a video is refused with a readable error', async () => {
    const file = join(dir, 'notes.mp4');
    await writeFile(file, 'not a video at all');
    await expect(readFrameTimes(file)).rejects.toThrow(/notes\.mp4/);
  });
});
