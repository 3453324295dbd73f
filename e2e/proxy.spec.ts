/**
 * A video Chromium cannot play (MPEG-4 Part 2 in AVI): right after import the playable copy is
 * made by itself as a job (nobody clicks), the player says why it waits, the playhead can be moved
 * meanwhile, and when the H.264 proxy is ready the same player plays it from that time. The proxy
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
/** Long enough that its copy takes seconds, so the playhead is moved while the job runs. */
const DURATION = 120;
const RESUME_AT = 5;

test('an unplayable AVI gets a playable copy by itself; playback resumes at the same time', async ({
  page,
  serve,
  request,
}) => {
  test.setTimeout(180_000);
  const dir = join(dirname(serve.videoPath), 'proxy');
  mkdirSync(dir, { recursive: true });
  const avi = join(dir, 'old camera.avi');
  // The test pattern with its hue turning once every 1.5 s: every frame differs clearly from the
  // next, so a copy shifted by even one frame cannot pass for the original.
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc=size=640x480:rate=${FPS}:d=${DURATION},hue=H=2*PI*t/1.5`],
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

  // The copy is under way without a click: the offer shows the job's progress, not its button.
  const offer = page.getByTestId('proxy-offer');
  const panel = page.getByTestId('player-panel');
  await expect(offer).toContainText(/not playable|cannot play/);
  await expect(offer.getByRole('progressbar')).toBeVisible();
  await expect(page.getByTestId('make-proxy')).toHaveCount(0);
  // Meanwhile the person moves the playhead (a second per Shift+→ on the timeline's ruler).
  const ruler = page.getByRole('slider', { name: 'Playhead' });
  await ruler.focus();
  for (let i = 0; i < RESUME_AT; i++) await ruler.press('Shift+ArrowRight');
  await expect(ruler).toHaveAttribute('aria-valuenow', String(RESUME_AT));
  await expect(panel, 'the copy was still being made when the playhead moved').not.toContainText('H.264 copy');

  await expect(panel).toContainText('playing a H.264 copy', { timeout: 120_000 });
  await expect(offer).toHaveCount(0);
  const video = page.getByTestId('player');
  await expect.poll(() => video.evaluate((el) => (el as unknown as VideoProbe).readyState)).toBeGreaterThanOrEqual(1);
  // The player took up the copy where the playhead was, and plays on from there.
  await expect.poll(() => video.evaluate((el) => (el as unknown as VideoProbe).currentTime)).toBeCloseTo(RESUME_AT, 1);
  await expect(ruler).toHaveAttribute('aria-valuenow', String(RESUME_AT));
  await video.evaluate(async (el) => {
    const v = el as unknown as VideoProbe;
    v.muted = true;
    await v.play();
  });
  await expect
    .poll(() => video.evaluate((el) => (el as unknown as VideoProbe).currentTime))
    .toBeGreaterThan(RESUME_AT + 0.2);
  await video.evaluate((el) => (el as unknown as { pause(): void }).pause());
  // Frame timing is kept: the copy is as long as the original…
  const duration = await video.evaluate((el) => (el as unknown as { duration: number }).duration);
  expect(Math.abs(duration - DURATION)).toBeLessThan(0.2);
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
