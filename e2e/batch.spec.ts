/**
 * Batch work in the app (serve mode): the videos without labels (three) are predicted as one job;
 * "Accept all" on one of them; the predictions of all videos then export at once, the accepted
 * ones included (they used to make the export fail with "run Predict first").
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './support/serve-fixture.js';
import { ROOT } from './support/paths.js';
import { makeColorVideo } from './support/video.js';

function framewise(...args: string[]): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/framewise.js'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`framewise ${args.join(' ')}: ${r.stderr}`);
}

async function openProject(page: Page, dir: string): Promise<void> {
  await expect(page.getByTestId('shell')).toHaveAttribute('data-loaded', 'true');
  if (await page.getByTestId('change-project').isVisible()) await page.getByTestId('change-project').click();
  await page.getByTestId('project-dir').fill(dir);
  await page.getByTestId('open-project').click();
  await expect(page.getByTestId('project-name')).toHaveText('Batch');
}

test('batch-predict three videos, accept one, export all predictions at once', async ({ page, serve }) => {
  test.setTimeout(300_000);
  const dir = `${serve.projectDir}-batch`;
  const tree = `${serve.projectDir}-batch-tree`;
  const fresh = `${serve.projectDir}-batch-new`;
  for (const c of ['blue', 'red']) await mkdir(join(tree, c), { recursive: true });
  await mkdir(fresh, { recursive: true });
  for (const [i, s] of [1.6, 2.0].entries()) {
    makeColorVideo(join(tree, 'red'), `red${i}.mp4`, s, 0.4);
    makeColorVideo(join(tree, 'blue'), `blue${i}.mp4`, 0.4, s);
  }
  const names = ['mixed0.mp4', 'mixed1.mp4', 'mixed2.mp4'];
  for (const [i, s] of [1.2, 2.0, 2.8].entries()) makeColorVideo(fresh, names[i]!, s, 4 - s);
  framewise('init', dir, '--name', 'Batch');
  framewise('import', dir, tree);
  framewise('add', dir, fresh);
  framewise(
    'train',
    dir,
    '--head',
    'gru',
    '--hidden',
    '16',
    '--epochs',
    '8',
    '--clip-length',
    '4',
    '--background',
    'off',
  );

  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(serve.url);
  await openProject(page, dir);
  await page.getByTestId('tab-batch').click();
  await page.getByTestId('batch-work').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('batch-export')).toBeDisabled();
  await page.getByTestId('batch-which').selectOption('unlabelled');
  await expect(page.getByTestId('batch-which')).toContainText('Videos without labels (3)');
  await page.getByTestId('batch-predict').click();
  await expect(page.getByTestId('batch-status')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('batch-status')).toContainText('in 3 video(s)');

  // Each of the three has its predicted segments; the labelled videos got none.
  const counts: Record<string, number> = {};
  for (const name of names) {
    await page.getByTestId('library-item').filter({ hasText: name }).locator('button.item').click();
    await expect(page.getByTestId('predicted-segment').first()).toBeVisible();
    counts[name] = await page.getByTestId('predicted-segment').count();
  }
  await page.getByTestId('library-item').filter({ hasText: 'red0.mp4' }).locator('button.item').click();
  await expect(page.getByTestId('predicted-segment')).toHaveCount(0);

  // Accept all on the first: its predictions become labels, and still export.
  await page.getByTestId('library-item').filter({ hasText: names[0]! }).locator('button.item').click();
  await page.getByTestId('tab-segments').click();
  await page.getByTestId('accept-all').click();
  await expect(page.getByTestId('predicted-segment')).toHaveCount(0);
  await expect(page.getByTestId('timeline-segment')).toHaveCount(counts[names[0]!]!);

  await page.getByTestId('tab-batch').click();
  await page.getByTestId('batch-work').scrollIntoViewIfNeeded();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('batch-export').click()]);
  const csv = await readFile((await download.path())!, 'utf8');
  const rows = csv
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',')[0]!);
  const perVideo = Object.fromEntries(names.map((n) => [n, rows.filter((v) => v === n).length]));
  expect(perVideo).toEqual(counts);
  expect(rows).toHaveLength(Object.values(counts).reduce((a, b) => a + b, 0));
});
