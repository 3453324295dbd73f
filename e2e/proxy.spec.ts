/**
 * A video Chromium cannot play (MPEG-4 Part 2 in AVI): the player says so and offers a playable
 * copy; making it runs as a job, after which the same player plays the H.264 proxy, and the proxy
 * shows at each time the picture the original shows then (labels made on it fit the original).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test, expect } from './support/serve-fixture.js';
import { createProject } from './support/project.js';
import { meanAbsDiff, rgbFrame } from './support/video.js';
import type { VideoProbe } from './support/dom.js';

const FPS = 15;
/** Mid-frame times: away from frame boundaries, where a rounding difference picks a neighbour. */
const TIMES = [0.5, 1.5, 2.5];

test('an unplayable AVI gets a playable copy on request', async ({ page, serve, request }) => {
  test.setTimeout(120_000);
  const dir = join(dirname(serve.videoPath), 'proxy');
  mkdirSync(dir, { recursive: true });
  const avi = join(dir, 'old camera.avi');
  // The test pattern with its hue turning once every 1.5 s: every frame differs clearly from the
  // next, so a copy shifted by even one frame cannot pass for the original.
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc=size=320x240:rate=${FPS}:d=3,hue=H=2*PI*t/1.5`],
    ...['-c:v', 'mpeg4', '-q:v', '5', avi],
  ]);
  const step = 1 / FPS;
  for (const t of TIMES) {
    const change = meanAbsDiff(rgbFrame(avi, t), rgbFrame(avi, t + step));
    expect(change, `the original changes from one frame to the next at ${t} s`).toBeGreaterThan(8);
  }

  await page.goto(serve.url);
  await createProject(page, `${serve.projectDir}-proxy`, 'Proxy');
  await page.getByTestId('video-paths').fill(avi);
  await page.getByTestId('add-videos-button').click();
  await expect(page.getByTestId('library-item')).toHaveCount(1);

  const offer = page.getByTestId('proxy-offer');
  await expect(offer).toContainText(/not playable|cannot play/);
  await page.getByTestId('make-proxy').click();
  await expect(page.getByTestId('player-panel')).toContainText('playing a H.264 copy', { timeout: 60_000 });
  await expect(offer).toHaveCount(0);
  const video = page.getByTestId('player');
  await expect.poll(() => video.evaluate((el) => (el as unknown as VideoProbe).readyState)).toBeGreaterThanOrEqual(1);
  // Frame timing is kept: the copy is as long as the original…
  const duration = await video.evaluate((el) => (el as unknown as { duration: number }).duration);
  expect(Math.abs(duration - 3)).toBeLessThan(0.2);
  // …and the file the player gets shows at each time t the original's frame at t: nearly the same
  // picture (only the H.264 re-encoding differs), while the frame next to it is clearly different.
  const src = (await video.getAttribute('src'))!;
  const media = await request.get(new URL(src, serve.origin).href, {
    headers: { Authorization: `Bearer ${serve.token}` },
  });
  expect(media.status()).toBe(200);
  const proxy = join(dir, 'served-copy.mp4');
  writeFileSync(proxy, await media.body());
  expect(
    execFileSync('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name',
      '-of',
      'csv=p=0',
      proxy,
    ])
      .toString()
      .trim(),
  ).toBe('h264');
  for (const t of TIMES) {
    const original = rgbFrame(avi, t);
    const same = meanAbsDiff(original, rgbFrame(proxy, t));
    const next = meanAbsDiff(original, rgbFrame(proxy, t + step));
    expect(same, `proxy vs original at ${t} s`).toBeLessThan(3);
    expect(next, `proxy at ${t + step} s vs original at ${t} s`).toBeGreaterThan(3 * same + 5);
  }
  await expect(page.locator('[data-testid="toast"][data-kind="error"]')).toHaveCount(0);
});
