/**
 * Nothing lost, in the app: the CLI saving the open project is noticed (toast, the new version
 * shown), "Restore a previous version…" brings back one of the kept versions, and "Find moved
 * videos…" relinks a video that was moved.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { test, expect } from './support/serve-fixture.js';
import { createProject } from './support/project.js';
import { ROOT } from './support/paths.js';

function framewise(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/framewise.js'), ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the CLI and the app on one project; restoring a kept version', async ({ page, serve }) => {
  const dir = `${serve.projectDir}-versions`;
  await page.goto(serve.url);
  await createProject(page, dir, 'Versions');

  // One edit in the app: the first save keeps the empty project as a version.
  await page.getByTestId('class-name').fill('wave');
  await page.getByTestId('add-class').click();
  await expect(page.getByTestId('class-item')).toHaveCount(1);

  // The CLI restores that version while the app is open: the app says so and shows it.
  const listed = framewise('versions', dir, '--json');
  expect(listed.code, listed.stderr).toBe(0);
  const versions = JSON.parse(listed.stdout) as { id: string; classes: number }[];
  expect(versions.map((v) => v.classes)).toEqual([0]);
  expect(framewise('restore-version', dir, versions[0]!.id).code).toBe(0);
  await expect(page.getByTestId('toast').filter({ hasText: 'saved by another program' })).toBeVisible();
  await expect(page.getByTestId('class-item')).toHaveCount(0);

  // The version the CLI replaced was kept: restore it from the app.
  await page.getByTestId('versions-toggle').click();
  const restore = page.getByTestId('restore-version');
  await expect(restore.first()).toBeVisible();
  page.once('dialog', (d) => void d.accept());
  await restore.first().click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Restored the version' })).toBeVisible();
  await expect(page.getByTestId('class-item')).toHaveCount(1);
  await expect(page.getByTestId('class-item')).toContainText('wave');
});

test('a moved video is found again by content', async ({ page, serve }) => {
  const dir = `${serve.projectDir}-relink`;
  const before = `${serve.projectDir}-footage-before`;
  const after = `${serve.projectDir}-footage-after/deeper`;
  await mkdir(before, { recursive: true });
  await mkdir(after, { recursive: true });
  await copyFile(serve.videoPath, join(before, 'clip.mp4'));
  await page.goto(serve.url);
  await createProject(page, dir, 'Relink');
  await page.getByTestId('video-paths').fill(join(before, 'clip.mp4'));
  await page.getByTestId('add-videos-button').click();
  await expect(page.getByTestId('library-item')).toHaveCount(1);

  await rename(join(before, 'clip.mp4'), join(after, 'renamed.mp4'));
  await page.getByTestId('relink-toggle').click();
  await page.getByTestId('relink-folder').fill(`${serve.projectDir}-footage-after`);
  await page.getByTestId('relink-run').click();
  await expect(page.getByTestId('relink-report')).toHaveText('1 found (1 files checked).');
  const listed = framewise('relink', dir, `${serve.projectDir}-footage-after`);
  expect(listed.stdout).toContain('0 video(s) relinked, 0 still missing');
});
