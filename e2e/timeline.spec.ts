/**
 * The timeline with a real mouse in Chromium: drag on a class lane to create a segment, drag its
 * edge to resize it, drag its body to move it, zoom with Ctrl+wheel, delete it with the keyboard,
 * and undo/redo each step. The pure edit/snap/zoom logic has unit tests; this checks the wiring.
 */
import { dirname, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './support/serve-fixture.js';
import { createProject } from './support/project.js';
import { makeColorVideo } from './support/video.js';
import type { VideoProbe } from './support/dom.js';

/** Seconds of "start – end" in a segment list item ("0.50 s – 1.20 s"). */
async function range(item: Locator): Promise<[number, number]> {
  const text = (await item.textContent()) ?? '';
  const m = /(\d+\.\d+) s\s*–\s*(\d+\.\d+) s/.exec(text);
  if (!m) throw new Error(`no time range in "${text}"`);
  return [Number(m[1]), Number(m[2])];
}

async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  // Several steps: the component starts a drag only past a small threshold.
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
}

test('create, resize, move, zoom, delete and undo segments with the mouse', async ({ page, serve }) => {
  test.setTimeout(120_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.setViewportSize({ width: 1400, height: 1000 });
  const dir = join(dirname(serve.videoPath), 'timeline');
  mkdirSync(dir, { recursive: true });
  const video = makeColorVideo(dir, 'tl.mp4', 2, 2);

  await page.goto(serve.url);
  await createProject(page, `${serve.projectDir}-timeline`, 'Timeline');
  await page.getByTestId('video-paths').fill(video);
  await page.getByTestId('add-videos-button').click();
  await expect(page.getByTestId('library-item')).toHaveCount(1);
  await page.getByTestId('class-name').fill('red');
  await page.getByTestId('add-class').click();
  await expect(page.getByTestId('timeline-lane')).toHaveCount(1);

  const lane = page.getByTestId('timeline-lane').first();
  // The player grows when its video's metadata arrives, moving everything below it: wait for that.
  await expect
    .poll(() => page.getByTestId('player').evaluate((el) => (el as unknown as VideoProbe).readyState))
    .toBeGreaterThanOrEqual(1);
  // The lane may be re-rendered once more as the project event lands: retry until it holds still
  // at its full width (the timeline measures itself after mounting). Measured again before every
  // gesture, so that a late layout shift cannot send the mouse next to the lane.
  const geometry = async (): Promise<{ y: number; width: number; xAt: (t: number) => number }> => {
    let box = { x: 0, y: 0, width: 0, height: 0 };
    await expect(async () => {
      await lane.scrollIntoViewIfNeeded();
      box = (await lane.boundingBox()) ?? box;
      expect(box.width).toBeGreaterThan(400);
    }).toPass({ timeout: 15_000 });
    return { y: box.y + box.height / 2, width: box.width, xAt: (t: number) => box.x + (t / 4) * box.width };
  };
  let { y, xAt } = await geometry();

  // Create: drag across 0.5 s → 1.5 s of the 4 s video.
  await drag(page, { x: xAt(0.5), y }, { x: xAt(1.5), y });
  const items = page.getByTestId('segment-item');
  await expect(items).toHaveCount(1);
  const [s0, e0] = await range(items.first());
  expect(s0).toBeCloseTo(0.5, 0);
  expect(e0).toBeCloseTo(1.5, 0);
  expect(e0 - s0).toBeGreaterThan(0.7);

  // Resize: drag the end handle to ≈ 2.5 s.
  const segment = page.getByTestId('timeline-segment').first();
  await segment.click();
  ({ y, xAt } = await geometry());
  const endHandle = (await segment.getByTestId('segment-handle-end').boundingBox())!;
  await drag(page, { x: endHandle.x + endHandle.width / 2, y: endHandle.y + endHandle.height / 2 }, { x: xAt(2.5), y });
  await expect.poll(async () => (await range(items.first()))[1]).toBeGreaterThan(2.2);
  const [s1, e1] = await range(items.first());
  expect(s1).toBeCloseTo(s0, 1);

  // Move: drag the body right by 1 s; the length stays.
  const moveGeometry = await geometry();
  const body = (await segment.boundingBox())!;
  const grab = { x: body.x + body.width / 2, y: body.y + body.height / 2 };
  await drag(page, grab, { x: grab.x + (1 / 4) * moveGeometry.width, y: grab.y });
  await expect.poll(async () => (await range(items.first()))[0]).toBeGreaterThan(s1 + 0.7);
  const [s2, e2] = await range(items.first());
  expect(e2 - s2).toBeCloseTo(e1 - s1, 1);

  // Zoom in with Ctrl+wheel over the lane: the zoom level goes up; Fit goes back to 1×.
  ({ y, xAt } = await geometry());
  await page.mouse.move(xAt(2), y);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -400);
  await page.keyboard.up('Control');
  await expect(page.getByTestId('zoom-level')).not.toHaveText('1.0×');
  await page.getByTestId('zoom-fit').click();
  await expect(page.getByTestId('zoom-level')).toHaveText('1.0×');

  // Delete with the keyboard, then undo (back) and redo (gone again).
  await page.getByTestId('timeline-segment').first().click();
  await page.keyboard.press('Delete');
  await expect(items).toHaveCount(0);
  await page.getByTestId('undo').click();
  await expect(items).toHaveCount(1);
  expect(await range(items.first())).toEqual([s2, e2]);
  await page.getByTestId('redo').click();
  await expect(items).toHaveCount(0);
  // Undo three more steps: delete, move, resize → the segment as first drawn.
  await page.getByTestId('undo').click();
  await page.getByTestId('undo').click();
  await page.getByTestId('undo').click();
  await expect.poll(async () => range(items.first())).toEqual([s0, e0]);

  await expect(page.locator('[data-testid="toast"][data-kind="error"]')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});
