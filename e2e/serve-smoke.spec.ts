import { join } from 'node:path';
import { test, expect } from './support/serve-fixture.js';
import { createProject } from './support/project.js';
import { ARTIFACTS } from './support/paths.js';
import type { VideoProbe } from './support/dom.js';
import { openTab } from './support/tabs.js';
import { callApi } from './support/api.js';
import { parseNpy } from '../src/export/npy.js';

test('serve mode: project, library, extraction and playback', async ({ page, serve, request }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  await page.goto(serve.url);
  // The token leaves the address bar once the app has it.
  await expect(page).toHaveURL(`${serve.origin}/`);
  const backend = page.getByTestId('backend-indicator');
  await expect(backend).toBeVisible();
  await expect(backend).toContainText(/backend: (?!connecting)/);
  await expect(page.getByTestId('ffmpeg-indicator')).toContainText('ffmpeg:');

  // Create a project by folder path (another spec may already have one open on this worker's server).
  await createProject(page, serve.projectDir, 'E2E project');

  // Add the generated video by path; it shows up with its duration and a thumbnail.
  await page.getByTestId('video-paths').fill(serve.videoPath);
  await page.getByTestId('add-videos-button').click();
  const item = page.getByTestId('library-item');
  await expect(item).toHaveCount(1);
  await expect(item.getByTestId('video-duration')).toHaveText('0:03');
  await expect(item).toContainText('160×120');
  await expect(item.getByTestId('thumbnail')).toBeVisible();

  // Extract features: the job's progress, fed by SSE events, reaches done.
  await openTab(page, 'jobs');
  await page.getByTestId('extract-button').click();
  const job = page.getByTestId('job').first();
  await expect(job).toBeVisible();
  await expect(job.getByTestId('job-status')).toHaveText('done', { timeout: 100_000 });
  await expect(job.getByTestId('job-progress')).toHaveJSProperty('value', 100);
  await expect(item.getByTestId('features-cached')).toBeVisible();
  // The cached features leave the app as NPY (float32 [frames, dim]), as `framewise extract --npy`.
  const snap = (await callApi(request, serve, 'project.current', {}))!;
  const videoId = snap.project.videos[0]!.id;
  const npy = (await callApi(request, serve, 'export.file', { kind: 'features-npy', videoId }))!;
  const { shape, data } = parseNpy(Buffer.from(npy.base64!, 'base64'));
  expect(npy.fileName).toMatch(/-features\.npy$/);
  expect(shape).toHaveLength(2);
  expect(shape[0]).toBe(snap.features[videoId]!.frames);
  expect(shape[1]).toBeGreaterThanOrEqual(1280);
  expect(data.length).toBe(shape[0]! * shape[1]!);
  expect(data.some((v) => v !== 0)).toBe(true);
  // The engine has loaded: the header says where it runs and, on hover, why not on the GPU when not.
  const { featureFallback } = (await callApi(request, serve, 'system.info', {}))!;
  if (featureFallback) {
    await expect(backend).toHaveAttribute(
      'title',
      `Feature extraction engine. Not the first choice: ${featureFallback}`,
    );
    await expect(backend).toContainText('(fallback)');
  } else {
    await expect(backend).toHaveAttribute('title', 'Feature extraction engine');
    await expect(backend).not.toContainText('(fallback)');
  }

  // The backbone can be switched after a confirmation: the new one's features are not there yet,
  // declining keeps the project as it is, and switching back finds the first features again.
  const backbone = page.getByTestId('backbone-select');
  await expect(backbone).toHaveValue('mobilenet_v2_nsfwjs');
  page.once('dialog', (d) => void d.accept());
  await backbone.selectOption('mobilenet_v2_nsfwjs_int8_v2');
  await expect(item.getByTestId('features-cached')).toHaveCount(0);
  page.once('dialog', (d) => void d.dismiss());
  await backbone.selectOption('mobilenet_v2_nsfwjs');
  await expect(backbone).toHaveValue('mobilenet_v2_nsfwjs_int8_v2');
  page.once('dialog', (d) => void d.accept());
  await backbone.selectOption('mobilenet_v2_nsfwjs');
  await expect(backbone).toHaveValue('mobilenet_v2_nsfwjs');
  await expect(item.getByTestId('features-cached')).toBeVisible();

  // Playback through /media with Range requests.
  const video = page.getByTestId('player');
  await expect(video).toBeVisible();
  await video.evaluate(async (el) => {
    const v = el as unknown as VideoProbe;
    v.muted = true;
    await v.play();
  });
  await expect.poll(() => video.evaluate((el) => (el as unknown as VideoProbe).readyState)).toBeGreaterThanOrEqual(2);
  const t0 = await video.evaluate((el) => (el as unknown as VideoProbe).currentTime);
  await expect.poll(() => video.evaluate((el) => (el as unknown as VideoProbe).currentTime)).toBeGreaterThan(t0);
  await expect(page.getByTestId('player-error')).toHaveCount(0);

  await expect(page.locator('[data-testid="toast"][data-kind="error"]')).toHaveCount(0);
  await page.screenshot({ path: join(ARTIFACTS, 'serve-smoke.png'), fullPage: true });
  expect(pageErrors).toEqual([]);
});

test('a reload keeps working without the token in the URL', async ({ page, serve }) => {
  await page.goto(serve.url);
  await expect(page).toHaveURL(`${serve.origin}/`);
  await page.reload();
  await expect(page.getByTestId('backend-indicator')).toContainText(/backend: (?!connecting)/);
  await expect(page.locator('[data-testid="toast"][data-kind="error"]')).toHaveCount(0);
});

test('core errors are shown as readable messages', async ({ page, serve }) => {
  await page.goto(serve.url);
  await expect(page.getByTestId('shell')).toHaveAttribute('data-loaded', 'true');
  // The worker's server may already have the first test's project open.
  if (await page.getByTestId('change-project').isVisible()) await page.getByTestId('change-project').click();
  await page.getByTestId('project-dir').fill(`${serve.projectDir}-does-not-exist`);
  await page.getByTestId('open-project').click();
  const toast = page.locator('[data-testid="toast"][data-kind="error"]');
  await expect(toast).toBeVisible();
  await expect(toast).toContainText('does-not-exist');
  await expect(toast).not.toContainText('[object Object]');
  // The app is still there.
  await expect(page.getByTestId('backend-indicator')).toBeVisible();
});

test('a dropped file that is not a video is refused with a readable message', async ({ page, serve }) => {
  await page.goto(serve.url);
  await createProject(page, `${serve.projectDir}-drop`, 'Drop');
  // Built in the page (a string: this file is type-checked without the DOM lib).
  const dataTransfer = await page.evaluateHandle(
    `(() => { const dt = new DataTransfer(); dt.items.add(new File(['x'], 'dropped-clip.mp4', { type: 'video/mp4' })); return dt; })()`,
  );
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
  const toast = page.locator('[data-testid="toast"][data-kind="error"]');
  await expect(toast).toContainText('dropped-clip.mp4');
  await expect(page.getByTestId('library-item')).toHaveCount(0);
});

test('requests without the token are refused with 401', async ({ request, serve }) => {
  for (const path of ['/', '/index.html', '/events', '/media/vid_x']) {
    const res = await request.get(`${serve.origin}${path}`);
    expect(res.status(), path).toBe(401);
  }
  const api = await request.post(`${serve.origin}/api/system.info`, { data: {} });
  expect(api.status()).toBe(401);
  const wrong = await request.get(`${serve.origin}/?token=${'0'.repeat(64)}`);
  expect(wrong.status()).toBe(401);
  const ok = await request.post(`${serve.origin}/api/system.info`, {
    data: {},
    headers: { Authorization: `Bearer ${serve.token}` },
  });
  expect(ok.status()).toBe(200);
  expect((await ok.json()).result.transport).toBe('serve');
});
