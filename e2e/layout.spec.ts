/**
 * The editor is one window: at 1280×800 and 1920×1080 the page does not scroll, and the player,
 * the timeline and the inspector are on screen together. Pane sizes survive a reload; the page
 * has its icon (no 404 for it) and no console errors.
 */
import { dirname, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './support/serve-fixture.js';
import { createProject } from './support/project.js';
import { makeColorVideo } from './support/video.js';
import { ROOT } from './support/paths.js';
import { openTab } from './support/tabs.js';

const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

async function onScreen(page: Page, el: Locator, what: string): Promise<void> {
  const box = await el.boundingBox();
  const vp = page.viewportSize()!;
  expect(box, `${what} is laid out`).not.toBeNull();
  expect(box!.width, `${what} has width`).toBeGreaterThan(100);
  expect(box!.height, `${what} has height`).toBeGreaterThan(60);
  expect(box!.x, `${what} left edge`).toBeGreaterThanOrEqual(0);
  expect(box!.y, `${what} top edge`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${what} right edge`).toBeLessThanOrEqual(vp.width + 1);
  expect(box!.y + box!.height, `${what} bottom edge`).toBeLessThanOrEqual(vp.height + 1);
}

test('one window without page scroll: player, timeline and inspector together', async ({ page, serve }) => {
  test.setTimeout(90_000);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
  const dir = join(dirname(serve.videoPath), 'layout');
  mkdirSync(dir, { recursive: true });
  const file = makeColorVideo(dir, 'layout.mp4', 2, 2);

  await page.setViewportSize(SIZES[0]!);
  await page.goto(serve.url);
  // Before this spec's project (first run when the spec runs alone): the page does not scroll.
  await expect(page.getByTestId('shell')).toHaveAttribute('data-loaded', 'true');
  expect(await page.evaluate('document.scrollingElement.scrollHeight <= window.innerHeight')).toBe(true);
  await expect(page.getByTestId('player-panel')).toBeInViewport();
  mkdirSync(join(ROOT, 'e2e', 'artifacts'), { recursive: true });
  await page.screenshot({ path: join(ROOT, 'e2e', 'artifacts', 'layout-first-run.png') });
  await createProject(page, `${serve.projectDir}-layout`, 'Layout');
  await page.getByTestId('video-paths').fill(file);
  await page.getByTestId('add-videos-button').click();
  await expect(page.getByTestId('library-item')).toHaveCount(1);
  for (const name of ['red', 'blue']) {
    await page.getByTestId('class-name').fill(name);
    await page.getByTestId('add-class').click();
  }
  await expect(page.getByTestId('timeline-lane')).toHaveCount(2);
  // From here on nothing may fail. (Before, a project another spec left open on the shared server
  // may still have had a thumbnail in flight when this spec's project replaced it.)
  problems.length = 0;
  await expect(page.locator('link[rel="icon"]')).toHaveAttribute('href', /favicon/);

  for (const size of SIZES) {
    await page.setViewportSize(size);
    await expect
      .poll(() => page.evaluate('document.scrollingElement.scrollHeight <= window.innerHeight'), {
        message: `no vertical page scroll at ${size.width}×${size.height}`,
      })
      .toBe(true);
    await onScreen(page, page.getByTestId('player'), 'player');
    await onScreen(page, page.getByTestId('timeline'), 'timeline');
    await onScreen(page, page.getByTestId('inspector'), 'inspector');
    await onScreen(page, page.getByTestId('library-item').first(), 'library');
    await expect(page.getByTestId('status-bar')).toBeInViewport();
    // The tabs move the inspector, never the page.
    await openTab(page, 'jobs');
    await expect(page.getByTestId('jobs')).toBeInViewport();
    // Real tabs: the Labels panel is hidden while Jobs shows.
    await expect(page.getByTestId('segment-editor')).toBeHidden();
    await onScreen(page, page.getByTestId('timeline'), 'timeline after the Jobs tab');
    expect(await page.evaluate('window.scrollY')).toBe(0);
    await openTab(page, 'segments');
    await expect(page.getByTestId('jobs')).toBeHidden();
    mkdirSync(join(ROOT, 'e2e', 'artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'e2e', 'artifacts', `layout-${size.width}x${size.height}.png`) });
    if (process.env['FRAMEWISE_DOC_SCREENSHOTS'] === '1')
      await page.screenshot({
        path: join(ROOT, 'docs', 'images', `editor-${size.width}x${size.height}.jpg`),
        type: 'jpeg',
        quality: 70,
      });
  }

  // A pane dragged wider stays wider after a reload.
  await page.setViewportSize(SIZES[0]!);
  const inspector = page.getByTestId('inspector');
  const before = (await inspector.boundingBox())!.width;
  const handle = (await page.getByTestId('split-right').boundingBox())!;
  await page.mouse.move(handle.x + 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle.x - 60, handle.y + handle.height / 2, { steps: 6 });
  await page.mouse.up();
  await expect.poll(async () => (await inspector.boundingBox())!.width).toBeGreaterThan(before + 50);
  const widened = (await inspector.boundingBox())!.width;
  await page.reload();
  await expect(page.getByTestId('library-item')).toHaveCount(1);
  await expect.poll(async () => Math.round((await inspector.boundingBox())!.width)).toBe(Math.round(widened));

  // Dark by default; Light from the header.
  expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
  await page.getByTestId('theme').selectOption('light');
  expect(await page.evaluate('getComputedStyle(document.documentElement).colorScheme')).toBe('light');
  expect(problems).toEqual([]);
});
