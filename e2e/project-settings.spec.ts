/**
 * Project settings in the app: the panel says what a new sampling rate and frame fit cost before
 * they are applied, and the saved settings are what the project has after a reload (and in
 * project.json on disk).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, expect } from './support/serve-fixture.js';
import { createProject } from './support/project.js';

test('changing the sampling rate and frame fit shows the cost and survives a reload', async ({ page, serve }) => {
  const dir = `${serve.projectDir}-settings`;
  await page.goto(serve.url);
  await createProject(page, dir, 'Settings');
  await page.getByTestId('video-paths').fill(serve.videoPath);
  await page.getByTestId('add-videos-button').click();
  await expect(page.getByTestId('library-item')).toHaveCount(1);

  await page.getByTestId('settings-toggle').click();
  const fps = page.getByTestId('settings-fps');
  await expect(fps).toHaveValue('4');
  await expect(page.getByTestId('settings-apply')).toBeDisabled();
  // No features were extracted yet, so the one video has none at the new rate either.
  await fps.fill('2');
  await expect(page.getByTestId('settings-cost')).toHaveText(
    'Features of 1 video will be re-extracted (at the next training or prediction).',
  );
  // A rate the extraction refuses is refused here, before anything is saved.
  await fps.fill('500');
  await expect(page.getByTestId('settings-problem')).toContainText('at most 240 fps');
  await expect(page.getByTestId('settings-apply')).toBeDisabled();
  await fps.fill('2');
  await expect(page.getByTestId('settings-cost')).toBeVisible();
  const fit = page.getByTestId('settings-frame-fit');
  await expect(fit).toHaveValue('stretch');
  await fit.selectOption('crop');
  await expect(page.getByTestId('settings-cost')).toHaveText(
    'Features of 1 video will be re-extracted (at the next training or prediction).',
  );
  await page.getByTestId('settings-apply').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Settings saved.' })).toBeVisible();

  await page.reload();
  await expect(page.getByTestId('shell')).toHaveAttribute('data-loaded', 'true');
  await page.getByTestId('settings-toggle').click();
  await expect(page.getByTestId('settings-fps')).toHaveValue('2');
  await expect(page.getByTestId('settings-frame-fit')).toHaveValue('crop');
  const onDisk = JSON.parse(await readFile(join(dir, 'project.json'), 'utf8')) as {
    settings: { fps: number; frameFit: string };
  };
  expect(onDisk.settings).toMatchObject({ fps: 2, frameFit: 'crop' });
});
