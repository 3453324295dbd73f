/**
 * First run: "Try a demo project" builds the demo (generated clips, labels, captions, features, a
 * small LSTM and a captioner) with visible progress, opens it, and a prediction on one of its
 * unlabelled videos works straight away.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { test, expect } from './support/serve-fixture.js';
import { ARTIFACTS, ROOT } from './support/paths.js';

test('try the demo project, then predict on an unlabelled video', async ({ page, serve }) => {
  test.setTimeout(240_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(serve.url);
  await expect(page.getByTestId('shell')).toHaveAttribute('data-loaded', 'true');
  if (await page.getByTestId('change-project').isVisible()) await page.getByTestId('change-project').click();
  await expect(page.getByTestId('demo-dir')).toHaveValue(/Framewise demo$/);
  await page.getByTestId('demo-dir').fill(`${serve.projectDir}-demo`);
  await page.getByTestId('try-demo').click();
  await expect(page.getByTestId('demo-progress')).toBeVisible();
  await expect(page.getByTestId('library-item')).toHaveCount(9, { timeout: 200_000 });
  await expect(page.getByTestId('demo-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('class-item')).toHaveCount(3);
  await expect(page.locator('[data-testid="toast"][data-kind="info"]')).toContainText('Demo ready');

  // An unlabelled video (the demo leaves two, new-01 and new-02, for trying predictions).
  await page.getByTestId('library-item').filter({ hasText: 'new-01' }).locator('button.item').click();
  await page.getByTestId('predict-button').click();
  await expect(page.getByTestId('predicted-segment').first()).toBeVisible({ timeout: 60_000 });
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'demo.png'), fullPage: true });
  if (process.env['FRAMEWISE_DOC_SCREENSHOTS'] === '1')
    await page.screenshot({
      path: join(ROOT, 'docs', 'images', 'demo.jpg'),
      type: 'jpeg',
      quality: 70,
      fullPage: true,
    });
  await expect(page.locator('[data-testid="toast"][data-kind="error"]')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});
