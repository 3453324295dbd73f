/**
 * A video Chromium cannot play (MPEG-4 Part 2 in AVI): the player says so and offers a playable
 * copy; making it runs as a job, after which the same player plays the H.264 proxy.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test, expect } from './support/serve-fixture.js';
import { createProject } from './support/project.js';
import type { VideoProbe } from './support/dom.js';

test('an unplayable AVI gets a playable copy on request', async ({ page, serve }) => {
  test.setTimeout(120_000);
  const dir = join(dirname(serve.videoPath), 'proxy');
  mkdirSync(dir, { recursive: true });
  const avi = join(dir, 'old camera.avi');
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15:d=3'],
    ...['-c:v', 'mpeg4', '-q:v', '5', avi],
  ]);

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
  // Frame timing is kept: the copy is as long as the original.
  const duration = await video.evaluate((el) => (el as unknown as { duration: number }).duration);
  expect(Math.abs(duration - 3)).toBeLessThan(0.2);
  await expect(page.locator('[data-testid="toast"][data-kind="error"]')).toHaveCount(0);
});
