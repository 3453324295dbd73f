/**
 * Frame stepping in a variable-frame-rate video goes by the video's own frame times: a video that
 * starts at 10 fps and goes on at 30 fps steps 0.1 s at first and 1/30 s later, never over a frame.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test, expect } from './support/serve-fixture.js';
import { createProject } from './support/project.js';
import type { VideoProbe } from './support/dom.js';

test('arrow keys step frame by frame through a variable frame rate', async ({ page, serve }) => {
  const dir = join(dirname(serve.videoPath), 'frame-step');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'vfr.mp4');
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=30:duration=2'],
    ...['-vf', "setpts='if(lt(N,10),N/10/TB,(1+(N-10)/30)/TB)'", '-fps_mode', 'vfr'],
    ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', file],
  ]);

  await page.goto(serve.url);
  await createProject(page, `${serve.projectDir}-frame-step`, 'Frame step');
  await page.getByTestId('video-paths').fill(file);
  await page.getByTestId('add-videos-button').click();
  await expect(page.getByTestId('library-item')).toHaveCount(1);

  const video = page.getByTestId('player');
  const now = (): Promise<number> => video.evaluate((el) => (el as unknown as VideoProbe).currentTime);
  await expect.poll(() => video.evaluate((el) => (el as unknown as VideoProbe).readyState)).toBeGreaterThanOrEqual(1);
  // Steps go by the frame times once the player has them (asked for when the video is selected).
  await expect(video).toHaveAttribute('data-frame-steps', 'frame-times');
  await page.evaluate('document.activeElement && document.activeElement.blur()');
  // The frame index a time falls in: 0–9 every 0.1 s, then 10… every 1/30 s from 1 s.
  const frameAt = (t: number): number => (t < 1 ? Math.floor(t * 10 + 1e-6) : 10 + Math.floor((t - 1) * 30 + 1e-6));

  // Slow part: three steps from frame 2 are frame 5 (at 30 fps steps they would be frame 3).
  await video.evaluate((el) => ((el as unknown as VideoProbe).currentTime = 0.25));
  await expect.poll(now).toBeCloseTo(0.25, 2);
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => frameAt(await now())).toBe(3 + i);
  }
  // Across the change of rate and into the fast part, one frame a press.
  await video.evaluate((el) => ((el as unknown as VideoProbe).currentTime = 0.95));
  await expect.poll(now).toBeCloseTo(0.95, 2);
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => frameAt(await now())).toBe(10 + i);
  }
  await page.keyboard.press('ArrowLeft');
  await expect.poll(async () => frameAt(await now())).toBe(11);
});
