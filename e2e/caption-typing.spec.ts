/**
 * A person typing a caption while the project changes underneath: another window saves the project
 * every few hundred milliseconds and feature extraction reports progress, so save, project and job
 * events arrive between keystrokes. Every one of them brings new project objects; none may re-create
 * or reset the caption field, and every typed character must end up in the field and, once saved,
 * in the project. The text holds keys that are shortcuts outside a text field (I, O, S, A, R, 2,
 * space), so a keystroke that lands outside it also shows up as a changed segment.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { APIRequestContext } from '@playwright/test';
import { test, expect } from './support/serve-fixture.js';
import type { ServeInfo } from './support/serve-fixture.js';
import { callApi } from './support/api.js';
import { addSegmentByKeys } from './support/labelling.js';
import { createProject } from './support/project.js';
import { makeColorVideo } from './support/video.js';
import type { VideoProbe } from './support/dom.js';

const CAPTIONS = ['a red light is on, so it stays red for 2 s', 'then a blue screen rises and stays on'];
/** Per keystroke: slow enough that several saves and job events land inside one caption. */
const KEY_DELAY_MS = 90;
const SAVE_EVERY_MS = 250;

/** Another window's activity: saves (a class colour, back and forth) and feature extractions. */
function churn(request: APIRequestContext, serve: ServeInfo): { stop: () => Promise<{ saves: number; jobs: number }> } {
  let running = true;
  let saves = 0;
  let jobs = 0;
  let failure: unknown = null;
  const loop = (async () => {
    while (running) {
      const snap = await callApi(request, serve, 'project.current', {});
      if (snap) {
        const project = structuredClone(snap.project);
        const cls = project.classes[0]!;
        cls.color = cls.color === '#aa2222' ? '#dd4444' : '#aa2222';
        try {
          await callApi(request, serve, 'project.save', { project, baseRevision: snap.revision });
          saves++;
        } catch (e) {
          // The page saved in between: the next round saves on top of that.
          if ((e as { code?: string }).code !== 'CONFLICT') throw e;
        }
        const list = await callApi(request, serve, 'jobs.list', {});
        if (!list.some((j) => j.kind === 'extract' && j.status === 'running')) {
          await callApi(request, serve, 'features.extract', {});
          jobs++;
        }
      }
      await sleep(SAVE_EVERY_MS);
    }
  })().catch((e: unknown) => {
    failure = e;
    running = false;
  });
  return {
    stop: async () => {
      running = false;
      await loop;
      if (failure) throw failure;
      return { saves, jobs };
    },
  };
}

test('a caption typed slowly keeps every keystroke while saves and job events arrive', async ({
  page,
  serve,
  request,
}) => {
  test.setTimeout(180_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.setViewportSize({ width: 1400, height: 1000 });
  const dir = join(dirname(serve.videoPath), 'typing');
  mkdirSync(dir, { recursive: true });
  const first = makeColorVideo(dir, 'first.mp4', 2, 2);
  const second = makeColorVideo(dir, 'second.mp4', 1.5, 2.5);

  await page.goto(serve.url);
  await createProject(page, `${serve.projectDir}-typing`, 'Typing');
  await page.getByTestId('video-paths').fill(`${first}\n${second}`);
  await page.getByTestId('add-videos-button').click();
  const items = page.getByTestId('library-item');
  await expect(items).toHaveCount(2);
  for (const [i, name] of ['red', 'blue'].entries()) {
    await page.getByTestId('class-name').fill(name);
    await page.getByTestId('add-class').click();
    await expect(page.getByTestId('class-item')).toHaveCount(i + 1);
  }

  // Features once up front: the first extraction loads the backbone, which stalls the server for
  // seconds; later ones find their features cached and only report progress and a project update.
  await callApi(request, serve, 'features.extract', {});
  await expect
    .poll(async () => (await callApi(request, serve, 'jobs.list', {})).filter((j) => j.status === 'running').length, {
      timeout: 60_000,
    })
    .toBe(0);

  // The second video, fresh: its filmstrip is still being made while the segments are marked and
  // captioned, and its arrival is one more update under the person's hands.
  const item = items.filter({ hasText: 'second.mp4' });
  await item.locator('button.item').click();
  await expect(item).toHaveClass(/selected/);
  const video = page.getByTestId('player');
  await expect.poll(() => video.evaluate((el) => (el as unknown as VideoProbe).readyState)).toBeGreaterThanOrEqual(1);
  const seek = (t: number) => video.evaluate((el, time) => void ((el as unknown as VideoProbe).currentTime = time), t);
  const segments = page.getByTestId('timeline-segment');
  for (const [k, [start, end]] of [
    [0.2, 1.3],
    [1.7, 3.8],
  ].entries()) {
    await addSegmentByKeys(page, seek, start!, end!, k === 0 ? '1' : '2');
    await expect(segments).toHaveCount(k + 1);
  }
  const ids = await segments.evaluateAll((els) => els.map((el) => el.getAttribute('data-segment-id')!));
  const before = (await callApi(request, serve, 'project.current', {}))!.project.segments;

  const caption = page.getByTestId('segment-caption');
  for (const [k, text] of CAPTIONS.entries()) {
    await segments.nth(k).click();
    await expect(caption).toHaveValue('');
    const background = churn(request, serve);
    let counts = { saves: 0, jobs: 0 };
    try {
      await caption.pressSequentially(text, { delay: KEY_DELAY_MS });
      // A few more events on the finished text before it is checked.
      await sleep(3 * SAVE_EVERY_MS);
    } finally {
      counts = await background.stop();
    }
    const { saves, jobs } = counts;
    expect(saves, 'saves by another window while typing').toBeGreaterThanOrEqual(5);
    expect(jobs, 'extraction jobs while typing').toBeGreaterThanOrEqual(1);
    await expect(caption).toBeFocused();
    await expect(caption).toHaveValue(text);

    await caption.press('Enter');
    await expect(page.getByTestId('segment-item').nth(k)).toContainText(text);
    await expect
      .poll(async () => {
        const snap = await callApi(request, serve, 'project.current', {});
        return snap?.project.segments.find((s) => s.id === ids[k])?.captions;
      })
      .toEqual([text]);
  }

  // No keystroke went to a shortcut: the same two segments, same times and classes, and the
  // other window's colour changes did not undo the captions.
  await expect(segments).toHaveCount(2);
  const after = (await callApi(request, serve, 'project.current', {}))!.project.segments;
  const uncaptioned = (list: typeof after) =>
    list.map((s) => ({ ...s, captions: [] })).sort((a, b) => a.id.localeCompare(b.id));
  expect(uncaptioned(after)).toEqual(uncaptioned(before));
  expect(ids.map((id) => after.find((s) => s.id === id)?.captions)).toEqual(CAPTIONS.map((t) => [t]));

  // The last extraction finishes before the server is stopped.
  await expect
    .poll(async () => (await callApi(request, serve, 'jobs.list', {})).filter((j) => j.status === 'running').length, {
      timeout: 60_000,
    })
    .toBe(0);
  await expect(page.locator('[data-testid="toast"][data-kind="error"]')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});
