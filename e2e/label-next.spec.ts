/**
 * Active learning in the app (serve mode): "Find what to label next" lists the stretches the model
 * is least sure of — the same list as `framewise suggest` — and Shift+N follows them: the video is
 * selected and the playhead put at the stretch's start, three times.
 */
import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './support/serve-fixture.js';
import { ROOT } from './support/paths.js';
import { makeColorVideo } from './support/video.js';
import type { VideoProbe } from './support/dom.js';

function framewise(...args: string[]): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/framewise.js'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`framewise ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function openProject(page: Page, dir: string): Promise<void> {
  await expect(page.getByTestId('shell')).toHaveAttribute('data-loaded', 'true');
  if (await page.getByTestId('change-project').isVisible()) await page.getByTestId('change-project').click();
  await page.getByTestId('project-dir').fill(dir);
  await page.getByTestId('open-project').click();
  await expect(page.getByTestId('project-name')).toHaveText('Next');
}

test('follow three "label next" suggestions with Shift+N', async ({ page, serve }) => {
  test.setTimeout(300_000);
  const dir = `${serve.projectDir}-next`;
  const tree = `${serve.projectDir}-next-tree`;
  const unlabelled = `${serve.projectDir}-next-new`;
  for (const c of ['blue', 'red']) await mkdir(join(tree, c), { recursive: true });
  await mkdir(unlabelled, { recursive: true });
  for (const [i, s] of [1.6, 2.0].entries()) {
    makeColorVideo(join(tree, 'red'), `red${i}.mp4`, s, 0.4);
    makeColorVideo(join(tree, 'blue'), `blue${i}.mp4`, 0.4, s);
  }
  for (const [i, s] of [1.2, 2.0, 2.8].entries()) makeColorVideo(unlabelled, `mixed${i}.mp4`, s, 4 - s);
  framewise('init', dir, '--name', 'Next');
  framewise('import', dir, tree);
  framewise('add', dir, unlabelled);
  framewise(
    'train',
    dir,
    '--head',
    'gru',
    '--hidden',
    '16',
    '--epochs',
    '6',
    '--clip-length',
    '4',
    '--background',
    'off',
  );
  const out = framewise('suggest', dir, '--limit', '20', '--json');
  const expected = JSON.parse(out.slice(out.indexOf('['))) as { videoId: string; start: number; end: number }[];
  expect(expected.length).toBeGreaterThanOrEqual(3);

  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(serve.url);
  await openProject(page, dir);
  await page.getByTestId('tab-label-next').click();
  await page.getByTestId('label-next').scrollIntoViewIfNeeded();
  await page.getByTestId('suggest-run').click();
  const items = page.getByTestId('suggestion');
  await expect(items).toHaveCount(expected.length);
  for (const [i, s] of expected.entries()) {
    await expect(items.nth(i)).toHaveAttribute('data-video-id', s.videoId);
    await expect(items.nth(i)).toHaveAttribute('data-start', String(s.start));
  }

  const player = page.getByTestId('player');
  for (const [i, s] of expected.slice(0, 3).entries()) {
    await page.keyboard.press('Shift+N');
    await expect(page.getByTestId('suggest-position')).toHaveText(`${i + 1} / ${expected.length}`);
    await expect(page.locator(`[data-testid="library-item"][data-video-id="${s.videoId}"]`)).toHaveClass(/selected/);
    await expect.poll(() => player.evaluate((el) => (el as unknown as VideoProbe).currentTime)).toBeCloseTo(s.start, 1);
  }
});
