import { readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test, expect } from './support/serve-fixture.js';
import { ARTIFACTS } from './support/paths.js';
import { makeColorVideo } from './support/video.js';
import type { VideoProbe } from './support/dom.js';

test('label with the keyboard, train a GRU, predict and export CSV', async ({ page, serve }) => {
  test.setTimeout(90_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  // Five red-then-blue clips (slightly different, so their content hashes differ).
  const dir = join(dirname(serve.videoPath), 'colors');
  mkdirSync(dir, { recursive: true });
  const paths = [0, 1, 2, 3, 4].map((i) => makeColorVideo(dir, `color${i}.mp4`, 1.2 + i * 0.05, 1.3));

  await page.goto(serve.url);
  await expect(page.getByTestId('shell')).toHaveAttribute('data-loaded', 'true');
  if (await page.getByTestId('change-project').isVisible()) await page.getByTestId('change-project').click();
  await page.getByTestId('project-dir').fill(`${serve.projectDir}-ltp`);
  await page.getByTestId('project-name-input').fill('Label train predict');
  await page.getByTestId('create-project').click();
  await expect(page.getByTestId('project-name')).toHaveText('Label train predict');

  await page.getByTestId('video-paths').fill(paths.join('\n'));
  await page.getByTestId('add-videos-button').click();
  const items = page.getByTestId('library-item');
  await expect(items).toHaveCount(5);

  // Two classes.
  for (const [i, name] of ['red', 'blue'].entries()) {
    await page.getByTestId('class-name').fill(name);
    await page.getByTestId('add-class').click();
    await expect(page.getByTestId('class-item')).toHaveCount(i + 1);
  }
  await expect(page.getByTestId('class-item')).toHaveCount(2);

  // One segment per video, with the keyboard only: I, O, a class number, Enter.
  const video = page.getByTestId('player');
  const seek = async (t: number): Promise<void> => {
    await expect.poll(() => video.evaluate((el) => (el as unknown as VideoProbe).readyState)).toBeGreaterThanOrEqual(1);
    await video.evaluate((el, time) => void ((el as unknown as VideoProbe).currentTime = time), t);
  };
  for (let i = 0; i < 5; i++) {
    await items.nth(i).locator('button.item').click();
    await expect(items.nth(i)).toHaveClass(/selected/);
    // Keys go to the page, not to the focused library button.
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    const red = i % 2 === 0;
    const [start, end] = red ? [0.2, 1.0] : [1.5, 2.3];
    await seek(start);
    await page.keyboard.press('i');
    await expect(page.getByTestId('in-point')).toHaveText(`${start.toFixed(2)} s`);
    await seek(end);
    await page.keyboard.press('o');
    await expect(page.getByTestId('out-point')).toHaveText(`${end.toFixed(2)} s`);
    await page.keyboard.press(red ? '1' : '2');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('segment-item')).toHaveCount(1);
    await expect(page.getByTestId('timeline-segment')).toHaveCount(1);
  }
  await expect(page.getByTestId('class-count').first()).toHaveText('3');
  await expect(page.getByTestId('class-count').nth(1)).toHaveText('2');

  // Train a small GRU on 4-frame clips (the clips are 2.5 s at 4 fps).
  await page.getByTestId('train-head').selectOption('gru');
  await page.getByTestId('train-hidden').fill('16');
  await page.getByTestId('train-epochs').fill('6');
  await page.getByTestId('train-clip').fill('4');
  await page.getByTestId('train-start').click();
  const train = page.getByTestId('train-job');
  await expect(train).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('train-progress')).toHaveJSProperty('value', 100);
  await expect(page.getByTestId('loss-curve')).toBeVisible();
  await expect(page.getByTestId('loss-line')).toHaveAttribute('points', /\d+(\.\d+)?,\d+(\.\d+)? .+/);
  await expect(page.getByTestId('train-result')).toBeVisible();
  await expect(page.getByTestId('confusion').locator('thead th')).toHaveCount(3);

  // Predict on the first video: predicted segments on the strip, curves under it, CSV to download.
  await items.nth(0).locator('button.item').click();
  await page.getByTestId('predict-button').click();
  await expect(page.getByTestId('predicted-segment').first()).toBeVisible();
  await expect(page.getByTestId('probability-curves').locator('polyline')).toHaveCount(2);
  await page.getByTestId('export-csv').click();
  const link = page.getByTestId('csv-link');
  await expect(link).toHaveAttribute('href', /^blob:/);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toBe('color0-predictions.csv');
  const csv = await readFile(await download.path(), 'utf8');
  const lines = csv.trim().split(/\r\n/);
  expect(lines[0]).toBe('video,start,end,label,score');
  expect(lines.length).toBeGreaterThan(1);
  for (const row of lines.slice(1)) expect(row).toMatch(/^color0\.mp4,\d+\.\d{3},\d+\.\d{3},(red|blue),\d\.\d{4}$/);

  await expect(page.locator('[data-testid="toast"][data-kind="error"]')).toHaveCount(0);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'label-train-predict.png'), fullPage: true });
  expect(pageErrors).toEqual([]);
});
